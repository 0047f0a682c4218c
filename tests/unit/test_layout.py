"""The shape the code keeps (issue 15): no SQL and no database connection outside ``store/`` (the
read model's SQL is in ``store/queries/``), a store that imports no reader, side or surface, no
module over 600 lines, no import cycles between modules (lazy imports inside functions count too;
``TYPE_CHECKING`` blocks do not)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "heard"
SQL = re.compile(
    r"\b(SELECT\s+.+\s+FROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|INDEX)|BEGIN\b|COMMIT\b|ROLLBACK\b)",
    re.S,
)
MAY_RUN_SQL = ("store",)
SQL_STILL_TO_MOVE = ("heard.read.cases", "heard.read.issues")
"""The two read-model modules that still hold their own SQL: it moves to ``store/queries/`` next
(as every other ``read/`` module's has), and then they leave this list. No module joins it."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _strings(tree: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _code_strings(path: Path) -> list[str]:
    """String constants that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            docs.add(id(node.value))  # attribute docstrings
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


def test_no_sql_and_no_connection_outside_the_store():
    offenders = []
    for name, path in _modules().items():
        side = name.split(".")[1] if "." in name else ""
        if side in MAY_RUN_SQL:
            continue
        text = path.read_text(encoding="utf-8")
        if name not in SQL_STILL_TO_MOVE and any(SQL.search(s) for s in _code_strings(path)):
            offenders.append(f"{name}: SQL")
        if re.search(r"\.con\b|duckdb\.connect|import duckdb|import psycopg", text):
            offenders.append(f"{name}: database connection")
    assert not offenders, offenders


def test_no_module_over_600_lines():
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert not long, long


def _imports(path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            skip.update(id(n) for n in ast.walk(node))
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        out.update(t for t in targets if t in known)
    return out


NOT_FOR_THE_STORE = (
    "heard.read",
    "heard.listen",
    "heard.answer",
    "heard.protect",
    "heard.stages",
    "heard.pipeline",
    "heard.notify",
    "heard.cli",
    "heard.api",
    "heard.web",
    "heard.report",
)


def test_the_store_imports_no_reader_side_or_surface():
    """``store/`` (its query functions included) is below everything that reads it."""
    modules = _modules()

    def above(target: str) -> bool:
        return any(target == p or target.startswith(p + ".") for p in NOT_FOR_THE_STORE)

    found = {
        name: sorted(t for t in _imports(path, set(modules)) if above(t))
        for name, path in modules.items()
        if name == "heard.store" or name.startswith("heard.store.")
    }
    assert not {name: targets for name, targets in found.items() if targets}


def test_no_import_cycles():
    modules = _modules()
    graph = {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, [" → ".join(c) for c in cycles]


def test_every_module_imports():
    """A module that imports a moved or missing name fails here, not on a user's first command."""
    import importlib

    failed = {}
    for name in sorted(_modules()):
        try:
            importlib.import_module(name)
        except ImportError as exc:  # psycopg's optional binary parts are installed by make test
            failed[name] = f"{type(exc).__name__}: {exc}"
    assert not failed, failed
