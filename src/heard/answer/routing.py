"""Routing: which department owns a text, how sure we are, and why.

``Router.train`` learns from labelled history (texts with the department that handled them):
char n-gram TF-IDF + word TF-IDF + sentence embeddings (``features.py``) in one linear SVM. Its
scores become probabilities by temperature scaling fitted on out-of-fold scores of the training
data itself (k-fold), and the triage threshold is chosen on the same out-of-fold predictions, so a
trained router is calibrated without a separate held-out file. A responder's reassignment is a
labelled example with a higher weight (``LabelledText.weight``; ``training_set`` builds one).

``Router.route`` returns one ``Route`` per text: the department, its calibrated confidence, the
``triage`` flag (confidence below the threshold: a person decides), every department's
probability, and an ``Explanation`` (the n-grams and words that weighed most for the choice, and
the nearest past cases by id). Zero-shot routing, with no history, is ``zero_shot.py``; saving and
loading are ``router_io.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import numpy as np

from heard.answer.calibration import choose_triage_threshold, fit_temperature, softmax
from heard.answer.departments import Department
from heard.answer.features import FeatureConfig, RouterFeatures
from heard.records import MODEL_TEXT_CHARS
from heard.errors import InputError, ModelError

DEFAULT_CORRECTION_WEIGHT = 2.0
"""A reassignment counts twice an ordinary labelled example: a person looked at this very case."""
DEFAULT_TARGET_ACCURACY = 0.95
"""Triage threshold: the cases routed automatically should be at least this often right."""


@dataclass(frozen=True)
class LabelledText:
    """One training example: a text and the department that owns it."""

    id: str
    text: str
    department: str
    weight: float = 1.0


@dataclass(frozen=True)
class Explanation:
    terms: list[dict[str, Any]] = field(default_factory=list)
    """[{term, kind: 'char'|'word'|'keyword'|'phrase', weight}] most weight first."""
    neighbours: list[dict[str, Any]] = field(default_factory=list)
    """[{id, department, similarity}] nearest past cases, most similar first."""
    semantic: float | None = None
    """The embedding block's share of the chosen department's score (None for zero-shot)."""

    def to_dict(self) -> dict[str, Any]:
        return {"terms": self.terms, "neighbours": self.neighbours, "semantic": self.semantic}


@dataclass(frozen=True)
class Route:
    id: str
    department: str
    confidence: float
    triage: bool
    scores: dict[str, float]
    explanation: Explanation
    model: str

    @classmethod
    def chosen(
        cls,
        text_id: str,
        codes: list[str],
        probs: np.ndarray,
        triage_below: float,
        explanation: Explanation,
        model: str,
    ) -> Route:
        """The route of one text from its probability per department (``codes`` order): the most
        probable department, sent to triage below ``triage_below``."""
        c = int(probs.argmax())
        conf = float(probs[c])
        return cls(
            text_id,
            codes[c],
            conf,
            conf < triage_below,
            {code: float(p) for code, p in zip(codes, probs)},
            explanation,
            model,
        )

    @property
    def queue(self) -> str:
        """Where the case goes: its department's queue, or ``triage`` when the router is unsure."""
        return "triage" if self.triage else self.department

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "department": self.department,
            "confidence": round(self.confidence, 4),
            "triage": self.triage,
            "queue": self.queue,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "explanation": self.explanation.to_dict(),
            "model": self.model,
        }


def text_ids(texts: list[str], ids: list[str] | None) -> list[str]:
    """The given ids, one per text, or "0", "1", … when none are given."""
    if ids is not None and len(ids) != len(texts):
        raise InputError(f"{len(ids)} ids for {len(texts)} texts", "give one id per text, or none")
    return ids or [str(i) for i in range(len(texts))]


@dataclass
class RouterConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    C: float = 0.5
    class_weight: str | None = "balanced"
    folds: int = 3
    target_accuracy: float = DEFAULT_TARGET_ACCURACY
    calibrate: bool = True
    keep_cases: bool = True  # keep case embeddings + ids for "nearest past cases"
    seed: int = 0

    def to_dict(self) -> dict:
        return {
            "features": self.features.to_dict(),
            "C": self.C,
            "class_weight": self.class_weight,
            "folds": self.folds,
            "target_accuracy": self.target_accuracy,
            "calibrate": self.calibrate,
            "keep_cases": self.keep_cases,
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, d: dict) -> RouterConfig:
        return cls(
            FeatureConfig.from_dict(d["features"]),
            float(d["C"]),
            d.get("class_weight"),
            int(d["folds"]),
            float(d["target_accuracy"]),
            bool(d["calibrate"]),
            bool(d.get("keep_cases", True)),
            int(d.get("seed", 0)),
        )


def training_set(
    history: list[LabelledText],
    corrections: list[LabelledText] = (),
    correction_weight: float = DEFAULT_CORRECTION_WEIGHT,
) -> list[LabelledText]:
    """History plus corrections, each correction weighted ``correction_weight``; a correction
    replaces the history example with the same id (the responder's reassignment wins)."""
    corrected = {c.id for c in corrections}
    out = [h for h in history if h.id not in corrected]
    out += [LabelledText(c.id, c.text, c.department, correction_weight) for c in corrections]
    return out


@dataclass
class Router:
    """A trained router. Build with ``Router.train``; load with ``router_io.load_router``."""

    departments: list[Department]
    features: RouterFeatures
    coef: np.ndarray  # (n_departments, n_features)
    intercept: np.ndarray  # (n_departments,)
    temperature: float
    triage_below: float
    embedder_spec: str
    embedder_name: str
    config: RouterConfig
    case_ids: list[str] = field(default_factory=list)
    case_labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    case_embeddings: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float16))
    meta: dict[str, Any] = field(default_factory=dict)
    embedder: Any = None  # loaded lazily from embedder_spec
    _cases32: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.departments]

    @property
    def name(self) -> str:
        return f"heard-router@{self.meta.get('trained_at', 'unsaved')}"

    # ---------------------------------------------------------------- training
    @classmethod
    def train(
        cls,
        examples: list[LabelledText],
        departments: list[Department],
        embedder: Any = None,
        embedder_spec: str = "use-int8",
        config: RouterConfig | None = None,
        embeddings: np.ndarray | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        data_description: str = "",
    ) -> Router:
        """Learn a router from ``examples``. ``embeddings`` (rows aligned with ``examples``) may be
        given to skip encoding; otherwise ``embedder`` (or ``make_embedder(embedder_spec)``)
        runs."""
        config = config or RouterConfig()
        codes = [d.code for d in departments]
        index = {c: i for i, c in enumerate(codes)}
        unknown = sorted({e.department for e in examples} - set(index))
        if unknown:
            raise InputError(
                f"training data names departments that are not configured: {unknown[:5]}",
                f"use one of {codes}, or add them as [[departments]] in heard.toml",
            )
        present = sorted({e.department for e in examples})
        if len(present) < 2:
            raise InputError(
                f"training data has examples for {len(present)} department(s); "
                "a router needs two or more",
                "label texts for at least two departments, or route zero-shot from descriptions",
            )
        texts = [e.text for e in examples]
        if embeddings is None:
            embedder = embedder or _make_embedder(embedder_spec)
            embeddings = embedder.encode([t[:MODEL_TEXT_CHARS] for t in texts])
        embeddings = np.asarray(embeddings, dtype=np.float32)
        y = np.array([index[e.department] for e in examples], dtype=np.int32)
        w = np.array([e.weight for e in examples], dtype=np.float64)
        temperature, triage_below, oof_metrics = 1.0, 0.5, {}
        if config.calibrate and len(examples) >= 10 * config.folds:
            scores = _out_of_fold_scores(texts, embeddings, y, w, len(codes), config)
            temperature = fit_temperature(scores, y, w)
            conf = softmax(scores, temperature).max(axis=1)
            correct = scores.argmax(axis=1) == y
            triage_below = choose_triage_threshold(conf, correct, config.target_accuracy)
            oof_metrics = {
                "out_of_fold_accuracy": round(float(correct.mean()), 4),
                "folds": config.folds,
            }
        features, coef, intercept = _fit(texts, embeddings, y, w, len(codes), config)
        keep = config.keep_cases
        return cls(
            departments=list(departments),
            features=features,
            coef=coef,
            intercept=intercept,
            temperature=temperature,
            triage_below=triage_below,
            embedder_spec=embedder_spec,
            embedder_name=getattr(embedder, "name", embedder_spec) if embedder else embedder_spec,
            config=config,
            case_ids=[e.id for e in examples] if keep else [],
            case_labels=y if keep else np.zeros(0, dtype=np.int32),
            case_embeddings=embeddings.astype(np.float16)
            if keep
            else np.zeros((0, embeddings.shape[1]), np.float16),
            meta={
                "trained_at": clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "examples": len(examples),
                "examples_per_department": {c: int((y == i).sum()) for i, c in enumerate(codes)},
                "weighted_examples": int((w != 1.0).sum()),
                "data": data_description,
                **oof_metrics,
            },
            embedder=embedder,
        )

    # ---------------------------------------------------------------- routing
    def scores(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Raw linear scores (n, n_departments); ``probabilities`` calibrates them."""
        embeddings = self._embed(texts) if embeddings is None else embeddings
        x = self.features.transform(texts, embeddings)
        result: np.ndarray = np.asarray(x @ self.coef.T) + self.intercept
        return result

    def probabilities(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        return softmax(self.scores(texts, embeddings), self.temperature)

    def route(
        self,
        texts: list[str],
        ids: list[str] | None = None,
        embeddings: np.ndarray | None = None,
        explain: bool = True,
        top_terms: int = 5,
        neighbours: int = 3,
    ) -> list[Route]:
        """One ``Route`` per text (ids default to "0", "1", …)."""
        ids = text_ids(texts, ids)
        if not texts:
            return []
        embeddings = (
            self._embed(texts) if embeddings is None else np.asarray(embeddings, dtype=np.float32)
        )
        x = self.features.transform(texts, embeddings)
        probs = softmax(np.asarray(x @ self.coef.T) + self.intercept, self.temperature)
        best = probs.argmax(axis=1)
        near = (
            self._nearest(embeddings, neighbours)
            if explain and neighbours and len(self.case_ids)
            else None
        )
        names = self.features.feature_names() if explain and top_terms else None
        out = []
        for i, text_id in enumerate(ids):
            c = int(best[i])
            explanation = Explanation()
            if explain:
                explanation = self._explain(
                    x[i], c, names, top_terms, near[i] if near is not None else []
                )
            out.append(
                Route.chosen(
                    text_id, self.codes, probs[i], self.triage_below, explanation, self.name
                )
            )
        return out

    def _explain(self, row, c: int, names, top_terms: int, near: list) -> Explanation:
        cols = row.indices
        vals = row.data * self.coef[c, cols]  # this text's features × the department's weights
        sizes = self.features.block_sizes
        text_mask = cols < sizes["char"] + sizes["word"]
        terms = []
        if names is not None:
            order = np.argsort(-vals[text_mask])[:top_terms]
            for j in order:
                v = float(vals[text_mask][j])
                if v <= 0:
                    break
                kind, term = names[int(cols[text_mask][j])]
                terms.append({"term": term, "kind": kind, "weight": round(v, 4)})
        total = float(np.abs(vals).sum()) or 1.0
        semantic = (
            round(float(np.abs(vals[~text_mask]).sum()) / total, 4)
            if self.features.embed_dim
            else None
        )
        return Explanation(terms, near, semantic)

    def _nearest(self, embeddings: np.ndarray, k: int) -> list[list[dict[str, Any]]]:
        if self._cases32 is None:  # stored as float16; converted once, not per batch
            self._cases32 = self.case_embeddings.astype(np.float32)
        sims = embeddings.astype(np.float32) @ self._cases32.T
        k = min(k, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        out = []
        for i in range(len(sims)):
            idx = top[i][np.argsort(-sims[i, top[i]])]
            out.append(
                [
                    {
                        "id": self.case_ids[j],
                        "department": self.codes[int(self.case_labels[j])],
                        "similarity": round(float(sims[i, j]), 4),
                    }
                    for j in idx
                ]
            )
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self.embedder is None:
            self.embedder = _make_embedder(self.embedder_spec)
        dim = getattr(self.embedder, "dim", self.features.embed_dim)
        if self.features.embed_dim and dim != self.features.embed_dim:
            raise ModelError(
                f"router {self.name} was trained on {self.features.embed_dim}-d embeddings "
                f"({self.embedder_name}); the embedder given makes {dim}-d ones",
                f"route with embedder '{self.embedder_spec}', or retrain: heard train router",
            )
        # the part an ingest's embedder reads (a 200,000-character line took 3.5 GB whole)
        clipped = [t[:MODEL_TEXT_CHARS] for t in texts]
        return np.asarray(self.embedder.encode(clipped), dtype=np.float32)


def _make_embedder(spec: str):
    from heard.models import make_embedder

    return make_embedder(spec)


def _fit(texts, embeddings, y, w, n_classes: int, config: RouterConfig):
    from sklearn.svm import LinearSVC  # loaded to train, not with every command

    """Features + linear SVM; weights laid out for all ``n_classes`` (absent ones never win)."""
    features = RouterFeatures(config.features).fit(texts, embeddings.shape[1])
    x = features.transform(texts, embeddings)
    clf = LinearSVC(C=config.C, class_weight=config.class_weight, random_state=config.seed)
    clf.fit(x, y, sample_weight=w)
    coef = np.zeros((n_classes, x.shape[1]), dtype=np.float32)
    intercept = np.full(n_classes, -10.0, dtype=np.float64)  # a department never seen never wins
    classes = clf.classes_
    if len(classes) == 2:  # binary LinearSVC has one row: +row for classes[1], -row for classes[0]
        coef[classes[1]], intercept[classes[1]] = clf.coef_[0], clf.intercept_[0]
        coef[classes[0]], intercept[classes[0]] = -clf.coef_[0], -clf.intercept_[0]
    else:
        coef[classes] = clf.coef_
        intercept[classes] = clf.intercept_
    return features, coef, intercept


def _out_of_fold_scores(
    texts, embeddings, y, w, n_classes: int, config: RouterConfig
) -> np.ndarray:
    """Each example scored by a router trained without its fold (for calibration and triage)."""
    from sklearn.model_selection import KFold

    scores = np.zeros((len(texts), n_classes))
    folds = KFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    for train_idx, test_idx in folds.split(texts):
        if len(set(y[train_idx].tolist())) < 2:
            continue
        tr_texts = [texts[i] for i in train_idx]
        feats, coef, intercept = _fit(
            tr_texts, embeddings[train_idx], y[train_idx], w[train_idx], n_classes, config
        )
        x = feats.transform([texts[i] for i in test_idx], embeddings[test_idx])
        scores[test_idx] = np.asarray(x @ coef.T) + intercept
    return scores
