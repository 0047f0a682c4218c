"""The API reference as one plain HTML page (``/api/v1/docs``), written from the OpenAPI document.

FastAPI's own /docs and /redoc load their scripts from a CDN, which a deployment that downloads
nothing at run time cannot do (and the Content-Security-Policy forbids); this page needs no
script: per tag, each route's method, path, summary, description, parameters and request body.
"""

from __future__ import annotations

from html import escape
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")
_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "h2{border-bottom:1px solid #ccc;margin-top:2rem}code{background:#f3f3f3;padding:0 .2em}"
    ".op{margin:1rem 0 1.5rem}.m{font-weight:bold;text-transform:uppercase;margin-right:.5em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;"
    "text-align:left;vertical-align:top}"
)


def _type_of(schema: dict[str, Any]) -> str:
    """A parameter's type in a few words: 'string', 'integer ≥ 0', 'one of: a, b'."""
    options = schema.get("anyOf") or [schema]
    named = [o for o in options if o.get("type") != "null"] or options
    words = []
    for option in named:
        if "enum" in option:
            words.append("one of: " + ", ".join(str(v) for v in option["enum"]))
        else:
            word = str(option.get("type", "value"))
            if "minimum" in option:
                word += f" ≥ {option['minimum']}"
            if "maximum" in option:
                word += f" ≤ {option['maximum']}"
            words.append(word)
    return " or ".join(words)


def _parameters(operation: dict[str, Any]) -> str:
    params = operation.get("parameters") or []
    if not params:
        return ""
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p.get('in', ''))}</td>"
        f"<td>{'yes' if p.get('required') else 'no'}</td>"
        f"<td>{escape(_type_of(p.get('schema', {})))}</td>"
        f"<td>{escape(p.get('description') or p.get('schema', {}).get('description') or '')}</td>"
        "</tr>"
        for p in params
    )
    return (
        "<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th>"
        f"<th>meaning</th></tr>{rows}</table>"
    )


def _operation(method: str, path: str, operation: dict[str, Any]) -> str:
    body = operation.get("requestBody", {}).get("content", {})
    takes = f"<p>body: {', '.join(f'<code>{escape(t)}</code>' for t in body)}</p>" if body else ""
    description = operation.get("description") or ""
    return (
        f'<div class="op" id="{escape(operation.get("operationId", path))}">'
        f'<div><span class="m">{method}</span><code>{escape(path)}</code></div>'
        f"<div>{escape(operation.get('summary') or '')}</div>"
        + (f"<p>{escape(description)}</p>" if description else "")
        + takes
        + _parameters(operation)
        + "</div>"
    )


def reference_html(schema: dict[str, Any], schema_url: str) -> str:
    """The page: the API's description, then every route grouped by its first tag."""
    by_tag: dict[str, list[str]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(_operation(method, path, operation))
    info = schema.get("info", {})
    sections = "".join(
        f'<h2 id="tag-{escape(tag)}">{escape(tag)}</h2>' + "".join(ops)
        for tag, ops in by_tag.items()
    )
    contents = " · ".join(f'<a href="#tag-{escape(t)}">{escape(t)}</a>' for t in by_tag)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info.get('title', 'API'))} API reference</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>{escape(info.get('title', 'API'))} API reference "
        f"<small>{escape(str(info.get('version', '')))}</small></h1>"
        f"<p>{escape(info.get('description', ''))}</p>"
        f'<p>The same as OpenAPI 3 JSON: <a href="{escape(schema_url)}">{escape(schema_url)}</a>'
        f"</p><p>{contents}</p>{sections}</body></html>"
    )
