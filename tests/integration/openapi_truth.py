"""Does the served OpenAPI document tell the truth? A small schema-driven property harness.

It reads ``/api/v1/openapi.json`` from the app, and for every operation draws requests from the
declared parameter and body schemas (hypothesis strategies built from the JSON Schema here), mixed
with values the schema does not allow: empty, unicode and 5,000-character strings, negative and
huge integers, wrong types, missing required parameters and bodies. Each request carries a bearer
token of the role the route declares (``requires(Role.x)``; none for public routes). Checks:

- ``server_error``: no 5xx, ever;
- ``undeclared_status``: the status is one the operation's ``responses`` lists. Nothing is
  implicit: 401/403 are declared by the app for every route that needs a role, 422 by FastAPI for
  every route with parameters or a body; a 400/404 must be declared by the route itself;
- ``not_json``: a response whose declared content is JSON (and every JSON response) parses;
- ``error_shape``: an /api/v1 error is ``{ok: false, error, errors: [...], status}`` with the
  response's status; an /open311/v2 error is GeoReport's ``[{code, description}]``.

Path parameters are drawn without ``/`` and never empty or a dot segment (those address another
route, not this one). Used by tests/integration/test_openapi_truth.py (short) and
bench/openapi_truth.py (long).
"""

from __future__ import annotations

import json
import string
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from heard.api.security import UNDECLARED, declared_role, iter_routes

SCHEMA_URL = "/api/v1/openapi.json"
JUNK_TEXT = st.one_of(
    st.just(""),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.just("9" * 5000),
    st.just("000000000"),
    st.sampled_from(["-1", "1e20", "NaN", "null", "true", "[]", "{}", "'; DROP TABLE posts; --"]),
)
JUNK_VALUE = st.one_of(
    JUNK_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.floats(allow_nan=False, allow_infinity=False),
)


def resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def valid(schema: dict[str, Any], doc: dict[str, Any], depth: int = 0) -> st.SearchStrategy:
    """Values the JSON Schema allows (approximately: enough for a fuzzer)."""
    schema = resolve(schema, doc)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([valid(s, doc, depth) for s in schema[key]])
    if "allOf" in schema:
        return valid(schema["allOf"][0], doc, depth)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False)
    if kind == "array":
        return st.lists(valid(schema.get("items", {}), doc, depth + 1), max_size=3)
    if kind == "object" or "properties" in schema:
        return body(schema, doc, depth + 1, junk=False)
    if schema.get("format") == "date-time":
        return st.datetimes().map(lambda d: d.isoformat())
    if schema.get("format") == "binary":
        return st.binary(max_size=200)
    if "pattern" in schema:
        text = st.from_regex(schema["pattern"], fullmatch=True)
    else:
        text = st.text(st.characters(exclude_categories=("Cs",)))
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    return text.filter(lambda s: len(s) >= lo and (hi is None or len(s) <= hi))


def value(schema: dict[str, Any], doc: dict[str, Any], depth: int = 0) -> st.SearchStrategy:
    """Mostly allowed values, sometimes not (a quarter of the draws)."""
    return st.one_of(valid(schema, doc, depth), valid(schema, doc, depth), JUNK_VALUE)


def body(schema: dict[str, Any], doc: dict[str, Any], depth: int = 0, junk: bool = True) -> Any:
    """A JSON object from ``properties``: required fields mostly present, others by chance."""
    schema = resolve(schema, doc)
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    if depth > 3 or not props:
        return st.fixed_dictionaries({})

    @st.composite
    def draw(draw_: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, sub in props.items():
            keep = draw_(st.integers(0, 9)) < (9 if name in required else 5)
            if keep:
                gen = value(sub, doc, depth) if junk else valid(sub, doc, depth)
                out[name] = draw_(gen)
        return out

    return draw()


@dataclass
class Operation:
    method: str
    path: str
    spec: dict[str, Any]
    role: str | None  # the token's role name; None: a public route

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass
class Report:
    cases: Counter = field(default_factory=Counter)
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    @property
    def n_cases(self) -> int:
        return sum(self.cases.values())

    @property
    def n_failures(self) -> int:
        return sum(len(v) for v in self.failures.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.n_cases,
            "failures": self.n_failures,
            "server_errors": sum(
                f["check"] == "server_error" for v in self.failures.values() for f in v
            ),
            "cases_by_operation": dict(self.cases),
            "statuses_by_operation": {k: dict(v) for k, v in self.statuses.items()},
            "failures_by_operation": {k: v[:5] for k, v in self.failures.items()},
            "failure_counts_by_operation": {k: len(v) for k, v in self.failures.items()},
        }


def operations(app: Any, doc: dict[str, Any]) -> list[Operation]:
    roles = {}
    for path, route in iter_routes(app.routes):
        for method in getattr(route, "methods", None) or ():
            role = declared_role(route)
            roles[(method.lower(), path)] = None if role in (None, UNDECLARED) else role.name
    return [
        Operation(method, path, spec, roles.get((method, path)))
        for path, item in doc["paths"].items()
        for method, spec in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


PATH_TEXT = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="/?#%"), min_size=1, max_size=30
).filter(lambda s: s.strip(".") != "")
SAFE_PATH = set(string.ascii_letters + string.digits + "-_.~:")


def _path_value(raw: Any) -> str:
    text = str(raw)
    if not text or "/" in text or text.strip(".") == "":
        text = "x" + text.replace("/", "_")
    return quote(text, safe="".join(SAFE_PATH))


@st.composite
def request_for(draw: Any, op: Operation, doc: dict[str, Any]) -> dict[str, Any]:
    path, query = op.path, {}
    for param in op.spec.get("parameters", []):
        param = resolve(param, doc)
        schema = param.get("schema", {})
        if param["in"] == "path":
            raw = draw(st.one_of(valid(schema, doc), PATH_TEXT, JUNK_VALUE))
            path = path.replace("{" + param["name"] + "}", _path_value(raw))
        elif param["in"] == "query":
            present = draw(st.integers(0, 9)) < (9 if param.get("required") else 5)
            if present:
                raw = draw(value(schema, doc))
                if raw is not None:
                    query[param["name"]] = raw if isinstance(raw, str) else json.dumps(raw)
    req: dict[str, Any] = {"method": op.method.upper(), "url": path, "params": query}
    content = (op.spec.get("requestBody") or {}).get("content", {})
    if "application/json" in content and draw(st.integers(0, 19)) > 0:
        schema = content["application/json"].get("schema", {})
        req["json"] = draw(st.one_of(body(schema, doc), body(schema, doc), JUNK_VALUE))
    elif "multipart/form-data" in content and draw(st.integers(0, 9)) > 1:
        schema = resolve(content["multipart/form-data"].get("schema", {}), doc)
        files, data = {}, {}
        for name, sub in schema.get("properties", {}).items():
            if draw(st.integers(0, 9)) < 3:
                continue
            sub = resolve(sub, doc)
            if sub.get("format") == "binary" or "binary" in json.dumps(sub):
                blob = draw(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
                raw = blob if isinstance(blob, bytes) else blob.encode("utf-8", "replace")
                fname = draw(st.sampled_from(["a.jsonl", "a.csv", "a.txt", "", "x.xlsx"]))
                files[name] = (fname, raw)
            else:
                data[name] = str(draw(value(sub, doc)))
        req["files"], req["data"] = files or None, data or None
    elif "application/x-www-form-urlencoded" in content and draw(st.integers(0, 9)) > 0:
        schema = resolve(content["application/x-www-form-urlencoded"].get("schema", {}), doc)
        form = draw(body(schema, doc))
        req["data"] = {k: v if isinstance(v, str) else json.dumps(v) for k, v in form.items()}
    return req


def check(op: Operation, resp: Any) -> list[str]:
    """The checks this response fails (names above)."""
    bad = []
    status = resp.status_code
    declared = op.spec.get("responses", {})
    if status >= 500:
        bad.append("server_error")
    if str(status) not in declared and "default" not in declared:
        bad.append("undeclared_status")
    ctype = resp.headers.get("content-type", "")
    spec = declared.get(str(status), declared.get("default", {}))
    wants_json = set(spec.get("content", {"application/json": {}})) <= {"application/json"}
    parsed: Any = None
    media = ctype.split(";")[0].strip()
    is_json = media == "application/json" or media.endswith("+json")  # not JSON Lines (ndjson)
    if is_json or (wants_json and status != 204):
        try:
            parsed = json.loads(resp.content)
        except ValueError:
            bad.append("not_json")
    if status >= 400 and parsed is not None:
        if op.path.startswith("/open311/"):
            shape = (
                isinstance(parsed, list)
                and len(parsed) >= 1
                and all(
                    isinstance(e, dict)
                    and e.get("code") == status
                    and isinstance(e.get("description"), str)
                    for e in parsed
                )
            )
        else:
            shape = (
                isinstance(parsed, dict)
                and parsed.get("ok") is False
                and isinstance(parsed.get("error"), str)
                and isinstance(parsed.get("errors"), list)
                and parsed.get("status") == status
            )
        if not shape:
            bad.append("error_shape")
    return bad


def exercise(
    client: Any,
    app: Any,
    tokens: dict[str, str],
    examples: int,
    seed_: int = 0,
    only: set[str] | None = None,
) -> Report:
    """Send ``examples`` drawn requests to each operation; return what came back."""
    doc = client.get(SCHEMA_URL).json()
    report = Report()
    for op in operations(app, doc):
        if only and op.name not in only:
            continue
        run = _runner(client, op, doc, tokens, report, examples, seed_)
        run()
    return report


def _runner(
    client: Any,
    op: Operation,
    doc: dict[str, Any],
    tokens: dict[str, str],
    report: Report,
    examples: int,
    seed_: int,
) -> Any:
    headers = {"Authorization": f"Bearer {tokens[op.role]}"} if op.role else {}

    @seed(seed_)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(req=request_for(op, doc))
    def run(req: dict[str, Any]) -> None:
        resp = client.request(headers=headers, **req)
        report.cases[op.name] += 1
        report.statuses[op.name][resp.status_code] += 1
        for name in check(op, resp):
            report.failures[op.name].append(
                {
                    "check": name,
                    "status": resp.status_code,
                    "request": {k: v for k, v in req.items() if k != "files"},
                    "body": resp.text[:300],
                }
            )

    return run
