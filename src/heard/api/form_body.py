"""Form bodies (``application/x-www-form-urlencoded``) read in their charset.

Starlette reads a form body's raw bytes as Latin-1 and only percent-escapes as UTF-8, so a body
sent with its UTF-8 bytes as they are (``curl -d 'text=东湖路停水'`` does not percent-encode) was
stored as mojibake, and a charset named in the Content-Type was ignored. The middleware passes
every form body through ``utf8_form`` first: each name and value, raw or percent-encoded, is
decoded in the body's charset (UTF-8 unless the Content-Type names another) and written back
percent-encoded as UTF-8, which Starlette reads right. Bytes the charset cannot decode are
refused (``FormEncodingError``, a 400), never replaced by U+FFFD.
"""

from __future__ import annotations

import codecs
from urllib.parse import quote, unquote_to_bytes

FORM_TYPE = "application/x-www-form-urlencoded"


class FormEncodingError(Exception):
    def __init__(self, what: str, fix: str):
        super().__init__(what)
        self.what = what
        self.fix = fix


def form_charset(content_type: bytes) -> str | None:
    """The charset of a form body's Content-Type (``utf-8`` when none is named), or None when
    the body is not a urlencoded form."""
    kind, *params = content_type.decode("latin-1").split(";")
    if kind.strip().lower() != FORM_TYPE:
        return None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            return value.strip().strip('"')
    return "utf-8"


def utf8_form(body: bytes, charset: str) -> bytes:
    """``body`` with every name and value percent-encoded as UTF-8; ``FormEncodingError`` for an
    unknown charset or bytes it cannot decode (saying where)."""
    try:
        codecs.lookup(charset)
    except LookupError:
        raise FormEncodingError(
            f"the form body's charset {charset!r} is not one this server knows",
            "send the form as UTF-8 (charset=utf-8 in the Content-Type, or no charset)",
        ) from None
    pairs = []
    for number, pair in enumerate(body.split(b"&"), start=1):
        parts = []
        for part in pair.split(b"=", 1):
            raw = unquote_to_bytes(part.replace(b"+", b" "))
            try:
                text = raw.decode(charset)
            except UnicodeDecodeError:
                name = pair.split(b"=", 1)[0][:40].decode("ascii", "replace")
                said = "UTF-8" if codecs.lookup(charset).name == "utf-8" else charset
                raise FormEncodingError(
                    f"the form body is not {said}: field {number} ({name!r}) has bytes that are "
                    f"not {said}",
                    "send the form as UTF-8 (percent-encoded, as curl --data-urlencode does), or "
                    "name its encoding in the Content-Type: "
                    f"{FORM_TYPE}; charset=GB18030",
                ) from None
            parts.append(quote(text, safe="").encode("ascii"))
        pairs.append(b"=".join(parts))
    return b"&".join(pairs)
