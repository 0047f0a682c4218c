"""Posts whose text is HTML (Mastodon's ``content``, RSS and forum exports) are stored as the text
a reader sees: ``<p>The <a href="…">#<span>bus</span></a> was late &amp; full</p>`` becomes
``The #bus was late & full``. Before, the tags were stored, shown, searched and embedded as words
(href, class, span).

Only text that is built of HTML's paragraphs, breaks, links, spans or lists is read as HTML
(``looks_like_html``): a post that mentions ``<b>`` or ``a < b`` stays as it was written.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_STRUCTURE = re.compile(
    r"<(?:p|br|div|span|a\s+href|li|ul|ol|blockquote|h[1-6])(?:\s[^<>]*)?/?>", re.IGNORECASE
)
_BLOCK = frozenset({"p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_SKIPPED = frozenset({"script", "style", "template"})


def looks_like_html(text: str) -> bool:
    """``text`` is markup: it holds a paragraph, break, link, span, list or heading tag."""
    return "<" in text and bool(_STRUCTURE.search(text))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(text: str) -> str:
    """The text of HTML ``text``: tags gone, entities read, blocks and breaks as line breaks."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.parts)
    return re.sub(r"[ \t]*\n[ \t\n]*", "\n", joined).strip()
