"""Save and load a trained router as plain data, never a pickle.

A router directory holds:

- ``router.json``  — departments, configuration, temperature, triage threshold, embedder, the ids of
  the past cases kept for explanations, training metadata, and the sha256 of the two files below;
- ``vocab.json``   — the char n-gram and word vocabularies (column order);
- ``router.npz``   — ``coef``, ``intercept``, ``char_idf``, ``word_idf``, ``case_labels`` and
  ``case_embeddings`` (float16), read with ``allow_pickle=False``;
- ``MODEL_CARD.md`` — what it was trained on, when, and how well it did (written from the above).

Texts of past cases are never stored: explanations name them by id only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from heard.answer.departments import Department, parse_departments
from heard.answer.features import RouterFeatures
from heard.answer.routing import Router, RouterConfig
from heard.answer.zero_shot import ZeroShotRouter
from heard.errors import InputError, ModelError

FORMAT_VERSION = 1
FILES = ("router.json", "vocab.json", "router.npz")


def save_router(
    router: Router, directory: str | Path, metrics: dict[str, Any] | None = None
) -> Path:
    """Write ``router`` into ``directory`` (created if needed); ``metrics`` go into router.json and
    the model card. Returns the directory."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise InputError(
            f"{directory} exists and is not a directory",
            "give a new or existing directory for --out",
        )
    directory.mkdir(parents=True, exist_ok=True)
    npz = directory / "router.npz"
    np.savez_compressed(
        npz,
        coef=router.coef.astype(np.float32),
        intercept=router.intercept.astype(np.float64),
        case_labels=router.case_labels.astype(np.int32),
        case_embeddings=router.case_embeddings.astype(np.float16),
        **router.features.idf_arrays(),
    )
    vocab = directory / "vocab.json"
    vocab.write_text(json.dumps(router.features.vocab_json(), ensure_ascii=False), encoding="utf-8")
    if metrics is not None:
        router.meta["metrics"] = metrics
    doc = {
        "format": FORMAT_VERSION,
        "kind": "heard-router",
        "departments": [d.to_dict() for d in router.departments],
        "config": router.config.to_dict(),
        "temperature": router.temperature,
        "triage_below": router.triage_below,
        "embedder_spec": router.embedder_spec,
        "embedder_name": router.embedder_name,
        "embed_dim": router.features.embed_dim,
        "case_ids": router.case_ids,
        "meta": router.meta,
        "sha256": {p.name: _sha256(p) for p in (npz, vocab)},
    }
    (directory / "router.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (directory / "MODEL_CARD.md").write_text(model_card(router), encoding="utf-8")
    return directory


def load_router(directory: str | Path) -> Router:
    """Load a router saved by ``save_router``; refuse a missing, altered or foreign directory."""
    directory = Path(directory)
    fix = "train one: heard train router --data FILE --out DIR"
    missing = [name for name in FILES if not (directory / name).is_file()]
    if missing:
        raise ModelError(f"no router in {directory} (missing {', '.join(missing)})", fix)
    try:
        doc = json.loads((directory / "router.json").read_text(encoding="utf-8"))
        if doc.get("kind") != "heard-router" or doc.get("format") != FORMAT_VERSION:
            raise ModelError(
                f"{directory / 'router.json'} is not a format-{FORMAT_VERSION} Heard router", fix
            )
        for name, digest in doc["sha256"].items():
            if _sha256(directory / name) != digest:
                raise ModelError(
                    f"{directory / name} does not match router.json (sha256 differs)",
                    "the files were altered or mixed from two trainings; " + fix,
                )
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        with np.load(directory / "router.npz", allow_pickle=False) as arrays:
            a = {k: arrays[k] for k in arrays.files}
        config = RouterConfig.from_dict(doc["config"])
        features = RouterFeatures.from_saved(config.features, vocab, a, int(doc["embed_dim"]))
        departments = parse_departments(doc["departments"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"router in {directory} cannot be read: {exc}", fix) from exc
    n_features = sum(features.block_sizes.values())
    if a["coef"].shape != (len(departments), n_features):
        raise ModelError(
            f"router in {directory}: weights {a['coef'].shape} do not fit "
            f"{len(departments)} departments × {n_features} features",
            fix,
        )
    return Router(
        departments=departments,
        features=features,
        coef=a["coef"].astype(np.float32),
        intercept=a["intercept"].astype(np.float64),
        temperature=float(doc["temperature"]),
        triage_below=float(doc["triage_below"]),
        embedder_spec=doc["embedder_spec"],
        embedder_name=doc["embedder_name"],
        config=config,
        case_ids=list(doc["case_ids"]),
        case_labels=a["case_labels"],
        case_embeddings=a["case_embeddings"],
        meta=doc["meta"],
    )


def model_card(router: Router) -> str:
    """MODEL_CARD.md text: data, date, method, calibration, triage and metrics."""
    m = router.meta
    sizes = router.features.block_sizes
    f = router.config.features
    lines = [
        "# Heard router — model card",
        "",
        f"- Trained: {m.get('trained_at', '?')}",
        f"- Data: {m.get('data') or 'not described'}",
        f"- Examples: {m.get('examples', '?')} "
        f"({m.get('weighted_examples', 0)} with a non-default weight, "
        "e.g. responders' corrections)",
        f"- Embedder: {router.embedder_name} (spec `{router.embedder_spec}`)",
        "",
        "## Departments",
        "",
        "| code | name | training examples |",
        "|---|---|---|",
    ]
    per = m.get("examples_per_department", {})
    for d in router.departments:
        lines.append(
            f"| {d.code} | {' / '.join(n for n in (d.name_zh, d.name_en) if n)} "
            f"| {per.get(d.code, 0)} |"
        )
    lines += [
        "",
        "## Method",
        "",
        f"Linear SVM (C={router.config.C}, class weights {router.config.class_weight}) "
        "on character "
        f"{f.char_ngrams[0]}–{f.char_ngrams[1]}-gram TF-IDF "
        f"({sizes['char']} features, weight {f.char_weight}), "
        f"word TF-IDF ({sizes['word']}, weight {f.word_weight}) and the sentence embedding "
        f"({sizes['embed']}-d, weight {f.embed_weight}).",
        f"Confidence = softmax(score / T), T = {router.temperature:.4f} "
        f"fitted on {router.config.folds}-fold "
        "out-of-fold scores of the training data."
        if router.config.calibrate
        else "Confidence is an uncalibrated softmax (calibration was switched off).",
        f"Triage: confidence below {router.triage_below:.4f} goes to a person "
        "(chosen so that out-of-fold "
        f"routed cases are ≥ {router.config.target_accuracy:.0%} right).",
        f"Out-of-fold accuracy: {m.get('out_of_fold_accuracy', 'not measured')}.",
        "",
        "## Metrics",
        "",
    ]
    metrics = m.get("metrics")
    lines.append(
        "```json\n" + json.dumps(metrics, ensure_ascii=False, indent=2) + "\n```"
        if metrics
        else "No held-out evaluation was recorded for this router."
    )
    lines += [
        "",
        "## Limits",
        "",
        "A router knows only the departments and wordings of its training data; "
        "a department with no examples is never chosen. Route low-confidence cases to triage "
        "and feed reassignments back as corrections. Past cases are named by id only; "
        "their texts are not stored here.",
        "",
    ]
    return "\n".join(lines)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_router(
    model_dir: str | Path | None,
    departments: list[Department] | None = None,
    embedder: Any = None,
    embedder_spec: str = "use-int8",
) -> Router | ZeroShotRouter:
    """The router ``heard route`` uses: the trained one in ``model_dir``, else a zero-shot router
    over ``departments``. Both answer ``route(texts, ids)`` with the same ``Route`` records. A
    trained router keeps the departments it was trained on; configured ones that differ in codes
    are refused, so that a case is never routed to a department that no longer exists."""
    if model_dir is not None:
        router = load_router(model_dir)
        if departments is not None and sorted(d.code for d in departments) != sorted(router.codes):
            raise ModelError(
                f"the router in {model_dir} knows departments {router.codes}, "
                f"heard.toml configures {[d.code for d in departments]}",
                "retrain it on the configured departments: heard train router --out DIR",
            )
        router.embedder = embedder
        return router
    if not departments:
        raise InputError(
            "no trained router and no departments to route by",
            "add [[departments]] to heard.toml, or give a trained router: --model DIR",
        )
    return ZeroShotRouter(departments, embedder=embedder, embedder_spec=embedder_spec)
