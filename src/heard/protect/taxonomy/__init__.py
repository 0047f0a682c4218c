"""The closed harm taxonomy (RIGHTS.md §2), read from ``labels.toml`` and ``examples.jsonl``.

The ten labels are data, not code, so that a reviewer can read exactly what each one means, what
it must never be used against, and which EU DSA statement-of-reasons category it reports under.
``LABELS`` pins the closed set: loading a file with a label more or less than these is an error,
because a new label needs the review RIGHTS.md §2 asks for, not an edit to a data file.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from heard.errors import ModelError

HERE = Path(__file__).resolve().parent
LABELS_FILE = HERE / "labels.toml"
EXAMPLES_FILE = HERE / "examples.jsonl"

LABELS: tuple[str, ...] = (
    "scam_fraud",
    "spam",
    "harassment",
    "hate",
    "sexual_solicitation",
    "violent_threat",
    "terrorism_incitement",
    "self_harm_promotion",
    "contraband_sale",
    "doxxing",
)
"""The closed set. Political opinion is not a label and never will be."""

AUTO_ACTION_ALLOWED = frozenset({"scam_fraud", "spam"})
"""RIGHTS.md §5: only these may be actioned without a person's review."""


@dataclass(frozen=True, slots=True)
class Label:
    """One harm label with everything a moderator and a statement of reasons need."""

    name: str
    title: str
    title_zh: str
    definition: str
    definition_zh: str
    dsa_category: str
    dsa_keywords: tuple[str, ...]
    misuse: str
    auto_action: bool
    dsa_category_v1: str | None = None
    dsa_keyword_other: str | None = None


@dataclass(frozen=True, slots=True)
class Example:
    """A written example: a post that is (``positive``) or is not (``negative``) the label."""

    id: str
    label: str
    lang: str
    polarity: str
    kind: str
    text: str
    split: str

    @property
    def positive(self) -> bool:
        return self.polarity == "positive"


@dataclass(frozen=True, slots=True)
class Taxonomy:
    version: str
    labels: dict[str, Label]
    examples: tuple[Example, ...] = field(default=())

    def __getitem__(self, name: str) -> Label:
        return self.labels[name]

    def examples_for(
        self, label: str | None = None, *, split: str | None = None, polarity: str | None = None
    ) -> list[Example]:
        return [
            e
            for e in self.examples
            if (label is None or e.label == label)
            and (split is None or e.split == split)
            and (polarity is None or e.polarity == polarity)
        ]


def _fail(what: str, path: Path) -> ModelError:
    return ModelError(
        f"{path.name}: {what}", f"fix {path} (the taxonomy is data shipped with Heard)"
    )


def _read_labels(path: Path) -> tuple[str, dict[str, Label]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _fail(f"cannot be read ({exc})", path) from exc
    raw = data.get("labels", {})
    names = set(raw)
    if names != set(LABELS):
        extra, missing = sorted(names - set(LABELS)), sorted(set(LABELS) - names)
        raise _fail(
            f"the taxonomy is closed to exactly {len(LABELS)} labels; "
            f"extra {extra}, missing {missing}",
            path,
        )
    labels: dict[str, Label] = {}
    for name in LABELS:
        entry = raw[name]
        required = ("title", "title_zh", "definition", "definition_zh", "dsa_category", "misuse")
        absent = [k for k in required if not str(entry.get(k, "")).strip()]
        if absent:
            raise _fail(f"label {name!r} lacks {absent}", path)
        auto = bool(entry.get("auto_action", False))
        if auto and name not in AUTO_ACTION_ALLOWED:
            raise _fail(f"label {name!r} may not be auto-actioned (RIGHTS.md §5)", path)
        labels[name] = Label(
            name=name,
            title=entry["title"],
            title_zh=entry["title_zh"],
            definition=entry["definition"].strip(),
            definition_zh=entry["definition_zh"].strip(),
            dsa_category=entry["dsa_category"],
            dsa_keywords=tuple(entry.get("dsa_keywords", ())),
            misuse=entry["misuse"].strip(),
            auto_action=auto,
            dsa_category_v1=entry.get("dsa_category_v1"),
            dsa_keyword_other=entry.get("dsa_keyword_other"),
        )
    return str(data.get("version", "0")), labels


def _read_examples(path: Path) -> tuple[Example, ...]:
    out: list[Example] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                example = Example(**{k: row[k] for k in Example.__dataclass_fields__})
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise _fail(f"line {n} is not an example ({exc})", path) from exc
            if example.label not in LABELS or example.polarity not in ("positive", "negative"):
                raise _fail(f"line {n}: unknown label or polarity in {example.id!r}", path)
            out.append(example)
    return tuple(out)


@lru_cache(maxsize=4)
def load_taxonomy(labels_file: Path = LABELS_FILE, examples_file: Path = EXAMPLES_FILE) -> Taxonomy:
    """The taxonomy with its examples (cached: it is read-only data)."""
    version, labels = _read_labels(labels_file)
    return Taxonomy(version=version, labels=labels, examples=_read_examples(examples_file))


__all__ = ["AUTO_ACTION_ALLOWED", "LABELS", "Example", "Label", "Taxonomy", "load_taxonomy"]
