"""Harm read from the post's sentence embedding: the ``harm_embedded`` head, for review only.

The rules read wordings; this head reads what the embedding says, so it catches a new wording of
a kind of harm (a paid-sex advert, a gun sale, a workplace exposure) that no rule names. It
reads the vector the pipeline's ``embed`` stage already made — nothing is embedded twice — so it
runs only inside the pipeline, with an embedder of the family it was trained on
(``EmbeddedHead.fits``); ``HarmStage.flag_texts`` without vectors (a re-scan, the benches'
text-only runs) skips it.

Its precision on real traffic is measured (BENCHMARKS.md, "Harm read from embeddings") but the
evidence is not a list of words a moderator can check, so every flag carries
``details["review_only"] = True``: it never displaces another detector's flag of its label and is
never decided automatically (none of its labels may be, RIGHTS.md §5). Evidence: the label's
probability, the threshold, the runner-up class, and — added by the stage like every flag — the
nearest written taxonomy examples, positive and negative.

A flag is dropped when its label's rules name the text as an exception: for doxxing a public
body (``public_body``) or an appeal to find a missing person (``missing_person``); for contraband
a pharmacy, a seizure, harm reduction, a club (``legitimate_context``, the cue the contraband
rules themselves stop at).

A contraband flag also needs the thing sold to be contraband by name (``NEEDS_CUES``): a drug or
a weapon of the contraband rules' lexicon, or a sale without the paperwork ("no prescription",
"untraceable", "不用处方"), anywhere in the text. The head reads the shape of a classified ad —
something for sale, cash, pickup, delivery, DM me — and scored legal sales that have that shape
far above its threshold: "Used bike for sale, cash only, pickup today" 0.91, "药店促销，布洛芬现货，
包邮到家" 0.99, "Selling apples and pears at the market, cash only" 0.96 (13 of the 90 legal sales
of ``tests/fixtures/legit_commerce.jsonl``, and a chef's knife set, a rifle "through a licensed
dealer" and a pharmacy's cold medicine among ``harm_blind_v1``'s 120 legitimate posts). With the
requirement: none of those, and every contraband positive of the taxonomy still flagged; one
held-out sale of blasting caps, a word the lexicon lacks, is lost (BENCHMARKS.md,
``bench/protect_legit_commerce.py``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from heard.protect.detectors.flag import Flag
from heard.protect.detectors.rules import ruleset
from heard.protect.heads.embedded import NONE, EmbeddedHead, load_embedded_head

VETO_CUES = {
    "doxxing": frozenset({"public_body", "missing_person"}),
    "contraband_sale": frozenset({"legitimate_context"}),
}
"""Cues of a label's rule file that veto this head's flag of that label."""


NEEDS_CUES = {
    "contraband_sale": frozenset({"drug", "weapon", "no_paperwork"}),
}
"""Cues of a label's rule file one of which the text must hold for this head's flag of that label
(anywhere in it: no offer word or window needed, unlike the rules)."""
GATES_VERSION = "gates-1"
"""Changes with ``VETO_CUES`` and ``NEEDS_CUES``: part of the detector's version on every flag."""


def vetoed(label: str, text: str) -> bool:
    cues = VETO_CUES.get(label)
    return bool(cues) and bool(ruleset(label).cue_matches(text, set(cues)))


def unsupported(label: str, text: str) -> bool:
    """Whether ``text`` lacks every cue the head's flag of ``label`` needs (``NEEDS_CUES``)."""
    cues = NEEDS_CUES.get(label)
    return bool(cues) and not ruleset(label).cue_matches(text, set(cues))


class EmbeddedHeadDetector:
    name: ClassVar[str] = "embedded_head"

    def __init__(self, head: EmbeddedHead | None = None):
        self.head = head or load_embedded_head()

    @property
    def version(self) -> str:
        return f"{self.head.model}+{GATES_VERSION}"

    def fits(self, embedder_name: str | None) -> bool:
        return self.head.fits(embedder_name)

    def detect_vectors(self, texts: list[str], vectors: np.ndarray) -> list[list[Flag]]:
        """One list of flags per text, read from its row of ``vectors``."""
        if not texts:
            return []
        probs = self.head.probabilities(vectors)
        classes = self.head.classes
        labels = self.head.labels
        columns = [classes.index(label) for label in labels]
        bars = np.array([self.head.thresholds[label] for label in labels])
        over = probs[:, columns] >= bars  # (n, labels): most rows have none
        out: list[list[Flag]] = [[] for _ in texts]
        for i in np.flatnonzero(over.any(axis=1)):
            p = probs[i]
            for k in np.flatnonzero(over[i]):
                label = labels[k]
                if vetoed(label, texts[i]) or unsupported(label, texts[i]):
                    continue
                runner_up = max(
                    (c for c in classes if c != label), key=lambda c: p[classes.index(c)]
                )
                score = float(p[columns[k]])
                out[i].append(
                    Flag(
                        label=label,
                        score=score,
                        threshold=float(bars[k]),
                        detector=self.name,
                        version=self.version,
                        rule=f"{self.head.model}: sentence embedding",
                        details={
                            "review_only": True,
                            "probability": round(score, 4),
                            "runner_up": {
                                "class": runner_up,
                                "probability": round(float(p[classes.index(runner_up)]), 4),
                            },
                            "none_probability": round(float(p[classes.index(NONE)]), 4),
                        },
                    )
                )
        return out
