"""Stage ``normalise``: one clean text per post, and the URLs, @mentions and #hashtags in it.

NFKC folds full-width forms (``，！＃＠`` → ``,!#@``) and compatibility characters; invisible
characters are dropped; Excel's escaped line breaks (``_x000D_``) become line breaks; runs of
spaces collapse to one and runs of blank lines to one newline.
When a post has a title, ``text_norm`` is ``title + "\\n" + body``. Entities are *extracted*, not
removed: they stay in ``text_norm`` (a hashtag is often the topic itself).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from heard.pipeline.batch import Batch

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。！？、；：（）【】《》]+", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![A-Za-z0-9._%+\-@])@([\w\-]{1,30})")
"""Not after an ASCII letter or dot (e-mail addresses); Weibo names may be Chinese (回复@李四:)."""
WEIBO_TAG_RE = re.compile(r"#([^#\s](?:[^#\n]{0,78}[^#\s])?)#")
"""Weibo topics are wrapped on both sides (``#话题#``), may contain inner spaces, and hold
Chinese."""
_HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TWITTER_TAG_RE = re.compile(r"(?<![\w&#])#(\w{1,60})")

_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD]  # zero-width chars, BOM, soft hyphen
    + [c for c in range(32) if c not in (9, 10, 13)]
    + [0x7F]
)
_EXCEL_BREAK = re.compile(r"_x000[dDaA]_")
"""A line break as Excel escapes it, left in texts by conversions to CSV (the Teddy Cup CSVs have
hundreds); no real text contains it."""
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r" ?\n[\s]*")
_URL_TRAILING = ".,;:!?)]}"


def normalise_text(text: str | None) -> str:
    """NFKC, invisible characters dropped, whitespace collapsed (newlines kept, one at a time)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _EXCEL_BREAK.sub("\n", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def extract_entities(text: str) -> dict[str, list[str]]:
    """URLs, @mentions (without ``@``) and hashtags (without ``#``) in order of first appearance."""
    urls = [m.group(0).rstrip(_URL_TRAILING) for m in URL_RE.finditer(text)]
    without_urls = URL_RE.sub(" ", text)
    mentions = MENTION_RE.findall(without_urls)
    weibo_tags: list[str] = []

    def take_weibo_tag(match: re.Match[str]) -> str:
        if not _HAN_RE.search(match.group(1)):
            return match.group(0)
        weibo_tags.append(match.group(1))
        return " "

    rest = WEIBO_TAG_RE.sub(take_weibo_tag, without_urls)
    twitter_tags = TWITTER_TAG_RE.findall(rest)
    return {
        "urls": _unique(urls),
        "mentions": _unique(mentions),
        "hashtags": _unique([t for t in weibo_tags + twitter_tags if t]),
    }


def strip_entities(text: str) -> str:
    """``text`` without URLs and @mentions (for language id): they say nothing about the
    language."""
    return MENTION_RE.sub(" ", URL_RE.sub(" ", text))


class NormaliseStage:
    """``text`` (+ ``post.title``) → ``text_norm`` and ``entities``. A pure rule: no model."""

    name: ClassVar[str] = "normalise"
    requires: ClassVar[tuple[str, ...]] = ("text",)
    assigns: ClassVar[tuple[str, ...]] = ("text_norm", "entities")

    @property
    def model(self) -> str | None:
        return None

    def process(self, batch: Batch) -> Batch:
        texts: list[str] = []
        entities: list[dict[str, Any]] = []
        for post, raw in zip(batch["post"], batch["text"]):
            body = normalise_text(raw)
            title = normalise_text(getattr(post, "title", None))
            text = f"{title}\n{body}" if title and body else (title or body)
            texts.append(text)
            entities.append(extract_entities(text))
        batch.set("text_norm", texts)
        batch.set("entities", entities)
        return batch
