"""Stage ``langid``: the language of each post (ISO 639-1), or ``"und"`` when it cannot be told.

py3langid (a naive-Bayes byte n-gram model) runs on the text with URLs and @mentions removed
(they say nothing about the language). It is restricted to ``LANGUAGES``, the languages posts in
Heard's sources are written in: unrestricted, short English is often taken for a rare language
("hello world" → Fulah); restricted, it is not (bench/langid_eval.py measures both).
Traditional and simplified Chinese are both ``"zh"`` (the model has one Chinese label).
"""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import ClassVar

from heard.pipeline.batch import Batch
from heard.records import MODEL_TEXT_CHARS
from heard.stages.normalise import strip_entities

UNDETERMINED = "und"

LANGUAGES: tuple[str, ...] = (
    "zh", "en", "ja", "ko", "ru", "fr", "de", "es", "pt", "it", "nl", "ar", "tr", "vi",
    "th", "id", "ms", "hi", "uk", "pl", "bo", "ug", "mn",
)  # fmt: skip
"""Chinese and English first; the neighbours' and world languages a post may also be in.
Tibetan and Uyghur are kept so minority-language posts are labelled, not mistaken (RIGHTS.md §1)."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_LETTER = re.compile(r"[^\W\d_]")
MIN_CJK_CHARS = 2
MIN_LETTERS = 4
"""Below these counts (``好的`` passes, ``ok`` / ``lol`` do not) the language is ``"und"``."""


class LanguageDetector:
    """A private py3langid identifier (the module-level one is global state)."""

    def __init__(self, languages: tuple[str, ...] | None = LANGUAGES):
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
        available = set(self._identifier.labels)
        if languages is not None:
            self._identifier.set_languages([lang for lang in languages if lang in available])
        self.name = f"py3langid@{version('py3langid')}"

    def detect(self, text: str) -> str:
        cleaned = strip_entities(text[:MODEL_TEXT_CHARS]).replace("#", " ")
        cjk = len(_CJK.findall(cleaned))
        letters = len(_LETTER.findall(cleaned))
        if cjk < MIN_CJK_CHARS and letters < MIN_LETTERS:
            return UNDETERMINED
        lang, _score = self._identifier.classify(cleaned)
        result: str = lang
        return result

    def detect_many(self, texts: list[str]) -> list[str]:
        return [self.detect(t) for t in texts]


class LangIdStage:
    """``text_norm`` → ``lang``."""

    name: ClassVar[str] = "langid"
    requires: ClassVar[tuple[str, ...]] = ("text_norm",)
    assigns: ClassVar[tuple[str, ...]] = ("lang",)

    def __init__(self, detector: LanguageDetector | None = None):
        self._detector = detector or LanguageDetector()

    @property
    def model(self) -> str | None:
        return self._detector.name

    def process(self, batch: Batch) -> Batch:
        batch.set("lang", self._detector.detect_many(batch["text_norm"]))
        return batch
