"""Stage ``tokens``: content words per post (``tokens``) and the words to index (``search_text``).

Chinese is segmented with rjieba (a fast Rust port of jieba), or with a *private*
``jieba.Tokenizer``
when a user dictionary is configured (place names such as ``丽发新城`` need one). Other text is
split
into runs of letters and digits. Everything is lowercased. ``tokens`` drops stop-words, URLs and
@mentions; ``search_text`` keeps every word. Both are read from the text with its personal data
blanked out (``heard.read.redact.redact_for_search``), so the index holds none.
``search_terms(query)`` segments a search query with
the same rules, so a query matches what was indexed.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path
from typing import ClassVar

from heard.errors import InputError
from heard.pipeline.batch import Batch
from heard.read.redact import redact_for_search
from heard.stages.normalise import MENTION_RE, URL_RE
from heard.stages.stopwords import is_stop_word

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")
"""A run of letters/digits: the same split as the store's FTS ``ignore`` pattern (minus ``_``)."""
_NO_JIEBA_LANGS = frozenset({"ja", "ko"})


class Segmenter:
    """Splits text into lowercased word tokens; Chinese through jieba."""

    def __init__(self, user_dict: Path | None = None):
        self.user_dict = Path(user_dict) if user_dict else None
        if self.user_dict is None:
            from heard.models.segmenter import shared_rjieba

            jieba = shared_rjieba()  # one dictionary per process, shared with protect
            self._cut, self._known = jieba.cut, jieba.has_word
            self.name = f"rjieba@{version('rjieba')}"
        else:
            if not self.user_dict.is_file():
                raise InputError(
                    f"jieba user dictionary {self.user_dict} does not exist",
                    "give a UTF-8 file with one 'word [freq] [tag]' per line, or unset user_dict",
                )
            import jieba

            tokenizer = jieba.Tokenizer()
            try:
                tokenizer.load_userdict(str(self.user_dict))
            except (ValueError, UnicodeDecodeError) as exc:
                raise InputError(
                    f"jieba user dictionary {self.user_dict} cannot be read: {exc}",
                    "save it as UTF-8, one 'word [freq] [tag]' per line",
                ) from exc
            self._cut = lambda text: list(tokenizer.cut(text))
            self._known = lambda word: bool(tokenizer.FREQ.get(word))
            self.name = f"jieba@{version('jieba')}+userdict"

    def words(self, text: str, lang: str = "zh") -> list[str]:
        """Every word of ``text``, lowercased, in order (punctuation and spaces dropped)."""
        if lang in _NO_JIEBA_LANGS or not _HAN.search(text):
            return _WORD.findall(text.lower())
        out: list[str] = []
        for piece in self._cut(text):  # original case: user dictionary entries may hold capitals
            out.extend(_WORD.findall(piece.lower()))
        return out

    def search_text(self, words: list[str]) -> str:
        """What the full-text index holds for a text cut into ``words``: the words, and before
        each Chinese word of three or more characters the dictionary words of two and three
        characters inside it (jieba's search mode, without cutting the text again: 垃圾站 → 垃圾
        垃圾站), so a search for 垃圾 finds the post about a 垃圾站. Queries are cut into whole
        words (``search_terms``): 垃圾站 still finds only 垃圾站."""
        out: list[str] = []
        for word in words:
            if len(word) > 2 and _HAN.match(word):
                for n in (2, 3):
                    if len(word) > n:
                        grams = (word[i : i + n] for i in range(len(word) - n + 1))
                        out.extend(g for g in grams if self._known(g))
            out.append(word)
        return " ".join(out)


def content_tokens(words: list[str]) -> list[str]:
    """``words`` without stop-words and single Latin letters."""
    return [
        w
        for w in words
        if not is_stop_word(w) and not (len(w) == 1 and w.isascii() and w.isalpha())
    ]


class TokensStage:
    """``text_norm`` + ``lang`` → ``tokens`` (content words) and ``search_text`` (all words)."""

    name: ClassVar[str] = "tokens"
    requires: ClassVar[tuple[str, ...]] = ("text_norm", "lang")
    assigns: ClassVar[tuple[str, ...]] = ("tokens", "search_text")

    def __init__(self, segmenter: Segmenter | None = None):
        self.segmenter = segmenter or Segmenter()

    @property
    def model(self) -> str | None:
        return self.segmenter.name

    def process(self, batch: Batch) -> Batch:
        tokens: list[list[str]] = []
        search: list[str] = []
        for text, lang in zip(batch["text_norm"], batch["lang"]):
            clean = redact_for_search(URL_RE.sub(" ", text))  # RIGHTS.md §7: PII is never indexed
            words = self.segmenter.words(clean, lang)
            search.append(self.segmenter.search_text(words))
            unmentioned = MENTION_RE.sub(" ", clean)
            if unmentioned != clean:  # most posts mention no one: the same text, segmented once
                words = self.segmenter.words(unmentioned, lang)
            tokens.append(content_tokens(words))
        batch.set("tokens", tokens)
        batch.set("search_text", search)
        return batch


_DEFAULT_SEGMENTERS: dict[Path | None, Segmenter] = {}


def _query_segmenter(user_dict: Path | None) -> Segmenter:
    key = Path(user_dict) if user_dict else None
    if key not in _DEFAULT_SEGMENTERS:
        _DEFAULT_SEGMENTERS[key] = Segmenter(key)
    return _DEFAULT_SEGMENTERS[key]


def _query_text(query: str) -> str:
    from heard.stages.normalise import normalise_text

    # personal data in a query is dropped, as it was from the index: a search for a phone number
    # or an ID finds nothing, never the post that displays it as [phone] or [id]
    return redact_for_search(normalise_text(query))


def search_terms(query: str, user_dict: Path | None = None) -> str:
    """A search query segmented exactly as ``search_text`` was (for ``heard posts --query``)."""
    return " ".join(_query_segmenter(user_dict).words(_query_text(query)))


def unsplit_terms(query: str, user_dict: Path | None = None) -> str:
    """``search_terms`` with each typed Chinese word that the segmenter splits on its own kept
    whole. Segmentation depends on the words around: 补上, 那家, 没到 alone are cut into single
    characters, but in a post's sentence they are one word, and the index holds that word; a
    search that finds nothing under ``search_terms`` tries these terms."""
    segmenter, out = _query_segmenter(user_dict), []
    for chunk in _query_text(query).split():
        words = segmenter.words(chunk)
        whole = chunk.lower()
        if len(words) > 1 and _HAN.search(chunk) and _WORD.fullmatch(whole):
            out.append(whole)
        else:
            out.extend(words)
    return " ".join(out)
