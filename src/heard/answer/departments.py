"""Departments as data: who owns a concern, how to reach them, how long they have to answer.

A department comes from a ``[[departments]]`` table in ``heard.toml`` (``parse_departments`` takes
the parsed TOML dict; the settings layer wires it) or from a preset. The description and keywords
are what the zero-shot router reads when there is no labelled history, so they are written as a
resident would describe a concern, not as an organisation chart.

The Teddy Cup 2020 preset names that board's seven first-level departments with descriptions and
keywords written for Heard. Its three-level label system (附件1) has no licence, so it is never
copied here: ``load_teddycup_taxonomy(path)`` reads it at run time from the user's copy, and
``with_taxonomy_keywords`` adds its second- and third-level names to the departments' keywords.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from heard.errors import InputError

TRIAGE = "triage"
"""``heard.answer.cases.TRIAGE``, the queue of unsure cases: no department's code (cases imports
this module, so it is named here too; tests/unit/test_answer_departments.py checks they agree)."""
CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,47}$")
DEFAULT_DEADLINE_DAYS = 15
"""Working days to answer when a department names none (12345 hotlines commonly allow 15)."""

_FIELDS = {
    "code",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "keywords",
    "webhook",
    "email",
    "phone",
    "deadline_days",
}
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{1,30}$")
"""A published contact number: digits, spaces, dashes, brackets, a leading +."""


@dataclass(frozen=True)
class Department:
    """One department that owns concerns: names, what it handles, contact and deadlines."""

    code: str
    name_zh: str
    name_en: str
    description_zh: str = ""
    description_en: str = ""
    keywords: tuple[str, ...] = ()
    webhook: str | None = None
    email: str | None = None
    phones: tuple[str, ...] = ()
    """The department's own published numbers (heard.toml ``phone``: one or a list), which its
    replies give: public, so never redacted as personal data (``read.redact``)."""
    deadline_days: dict[str, int] = field(
        default_factory=lambda: {"default": DEFAULT_DEADLINE_DAYS}
    )

    def deadline_for(self, category: str | None = None) -> int:
        """Days to answer a concern of ``category`` (the department's default when unnamed)."""
        days = self.deadline_days
        if category is not None and category in days:
            return days[category]
        return days.get("default", DEFAULT_DEADLINE_DAYS)

    def profile_texts(self) -> list[str]:
        """The texts the zero-shot router embeds: names, descriptions, then each keyword."""
        head = [
            t for t in (self.name_zh, self.name_en, self.description_zh, self.description_en) if t
        ]
        return head + list(self.keywords)

    def to_dict(self) -> dict[str, Any]:
        """The ``[[departments]]`` table form (round-trips through ``parse_departments``)."""
        out: dict[str, Any] = {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "keywords": list(self.keywords),
            "deadline_days": dict(self.deadline_days),
        }
        if self.webhook:
            out["webhook"] = self.webhook
        if self.email:
            out["email"] = self.email
        if self.phones:
            out["phone"] = list(self.phones)
        return out


def parse_departments(config: dict[str, Any] | list[dict[str, Any]]) -> list[Department]:
    """Departments from parsed TOML: the whole ``heard.toml`` dict (its ``departments`` key) or the
    list of ``[[departments]]`` tables itself. Every problem names the table and the fix."""
    tables = config.get("departments", []) if isinstance(config, dict) else config
    if not isinstance(tables, list):
        raise InputError(
            "heard.toml 'departments' must be an array of tables",
            "write each department as a [[departments]] table with code, name_zh and name_en",
        )
    out: list[Department] = []
    seen: set[str] = set()
    for i, table in enumerate(tables):
        dept = _parse_one(table, i)
        if dept.code in seen:
            raise InputError(
                f"[[departments]] #{i + 1}: code {dept.code!r} is used twice",
                "give every department its own code",
            )
        seen.add(dept.code)
        out.append(dept)
    return out


EDITS_CONFIGURED = "edits_configured"
"""Key of a dashboard edit's stored definition: true when it edited a department heard.toml (or
the preset) configured at the time, rather than adding one (``web/department_pages.py``). A run
that finds heard.toml configuring the code of an edit not so marked marks it
(``heard.answer.retired.settle_edits``): the department is heard.toml's now."""
RETIRED = "retired"
"""Key of a dashboard edit's stored definition: true when an admin retired the department in the
dashboard or the API (``heard.answer.department_admin.retire``); saving its form again brings it
back into service."""


def merge_edits(configured: list[Department], edits: list[dict[str, Any]]) -> list[Department]:
    """The departments in effect: the configured ones (heard.toml or the preset), each replaced
    by its dashboard edit when it has one, then the departments added in the dashboard, less
    those an admin retired (``RETIRED``). An edit of a heard.toml department whose table was
    removed since is set aside: removing the table retires the department
    (``heard.answer.retired``), edited or not, and the next run drops the edit
    (``settle_edits``), so that a table written again later is not overridden by it."""
    codes = {d.code for d in configured}
    edited: dict[str, dict[str, Any]] = {}
    withdrawn: set[str] = set()
    for e in edits:
        code = str(e.get("code"))
        # an edit under the reserved code (saved before it was refused) is left out, not an error
        if code == TRIAGE or (e.get(EDITS_CONFIGURED) and code not in codes):
            continue
        if e.get(RETIRED):
            withdrawn.add(code)
        edited[code] = {k: v for k, v in e.items() if k not in (EDITS_CONFIGURED, RETIRED)}
    out = [parse_one(edited.pop(d.code)) if d.code in edited else d for d in configured]
    out += [parse_one(e) for e in edited.values()]
    return [d for d in out if d.code not in withdrawn]


def parse_one(table: Any) -> Department:
    """One department's table (as heard.toml or the dashboard gives it), checked."""
    return _parse_one(table, 0)


def _parse_one(table: Any, i: int) -> Department:
    where = f"[[departments]] #{i + 1}"
    if not isinstance(table, dict):
        raise InputError(
            f"{where} is not a table", "write it as [[departments]] with key = value lines"
        )
    unknown = sorted(set(table) - _FIELDS)
    if unknown:
        raise InputError(f"{where} has unknown keys {unknown}", f"use only {sorted(_FIELDS)}")
    code = table.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise InputError(
            f"{where}: code {code!r} is not a short lowercase identifier",
            "use lowercase letters, digits, '_' or '-', starting with a letter, "
            'e.g. code = "transport"',
        )
    if code == TRIAGE:  # the queue of unsure cases is no department: never public, never told
        raise InputError(
            f"{where}: code {code!r} is reserved for the queue of cases the router was unsure "
            "about",
            'give the department another code, e.g. code = "general"',
        )
    where = f"[[departments]] {code!r}"
    names = {k: table.get(k, "") for k in ("name_zh", "name_en")}
    if not any(isinstance(v, str) and v.strip() for v in names.values()):
        raise InputError(f"{where} has no name", "give name_zh or name_en (or both)")
    texts = {
        k: table.get(k, "") for k in ("name_zh", "name_en", "description_zh", "description_en")
    }
    for key, value in texts.items():
        if not isinstance(value, str):
            raise InputError(
                f"{where}: {key} must be a string, got {type(value).__name__}",
                f'quote it: {key} = "…"',
            )
    keywords = table.get("keywords", [])
    if not isinstance(keywords, list) or not all(
        isinstance(k, str) and k.strip() for k in keywords
    ):
        raise InputError(
            f"{where}: keywords must be a list of non-empty strings",
            'e.g. keywords = ["公交", "bus"]',
        )
    webhook = table.get("webhook")
    if webhook is not None and (
        not isinstance(webhook, str) or not re.fullmatch(r"https?://\S+", webhook)
    ):
        raise InputError(
            f"{where}: webhook {webhook!r} is not an http(s) URL",
            'e.g. webhook = "https://example.org/hook"',
        )
    email = table.get("email")
    if email is not None and (
        not isinstance(email, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)
    ):
        raise InputError(
            f"{where}: email {email!r} is not an e-mail address",
            'e.g. email = "transport@city.example"',
        )
    phones = _parse_phones(table.get("phone"), where)
    return Department(
        code=code,
        # a name is one line: it heads notification e-mails (a line break there broke them)
        name_zh=" ".join(texts["name_zh"].split()),
        name_en=" ".join(texts["name_en"].split()),
        description_zh=texts["description_zh"].strip(),
        description_en=texts["description_en"].strip(),
        keywords=tuple(dict.fromkeys(k.strip() for k in keywords)),
        webhook=webhook,
        email=email,
        phones=phones,
        deadline_days=_parse_deadlines(table.get("deadline_days"), where),
    )


def _parse_phones(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(
        isinstance(v, str) and PHONE_RE.match(v.strip()) for v in values
    ):
        raise InputError(
            f"{where}: phone {value!r} is not a published number or a list of them",
            'e.g. phone = "0731-88886666", or phone = ["0731-88886666", "96777"]',
        )
    return tuple(dict.fromkeys(v.strip() for v in values))


def phone_numbers(tables: Any) -> list[str]:
    """The ``phone`` values of ``[[departments]]`` tables as given, unchecked (what the CLI hands
    to the redaction before any command reads the departments; a bad table is reported by the
    command that parses them)."""
    out: list[str] = []
    for table in tables if isinstance(tables, list) else []:
        value = table.get("phone") if isinstance(table, dict) else None
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        out.extend(v for v in values if isinstance(v, str))
    return out


def _parse_deadlines(value: Any, where: str) -> dict[str, int]:
    if value is None:
        return {"default": DEFAULT_DEADLINE_DAYS}
    if isinstance(value, int) and not isinstance(value, bool):
        value = {"default": value}
    if not isinstance(value, dict):
        raise InputError(
            f"{where}: deadline_days must be a number or a table of category = days",
            "e.g. deadline_days = 15, or [departments.deadline_days] with "
            "default = 15, consultation = 5",
        )
    out: dict[str, int] = {}
    for category, days in value.items():
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            raise InputError(
                f"{where}: deadline_days.{category} = {days!r} "
                "is not a whole number of days from 1 to 365",
                f"e.g. {category} = 15",
            )
        out[str(category)] = days
    out.setdefault("default", DEFAULT_DEADLINE_DAYS)
    return out


# ---------------------------------------------------------------- taxonomy (附件1, read at run
# time)

TEDDYCUP_TAXONOMY_FILES = ("attachment1_label_taxonomy.csv", "附件1.xlsx")


def load_teddycup_taxonomy(path: str | Path) -> dict[str, list[tuple[str, str]]]:
    """The Teddy Cup three-level label system: first level → [(second, third), …] in file order.

    ``path`` is the CSV (columns 一级分类, 二级分类, 三级分类), the official 附件1.xlsx, or a folder
    holding either. It is read from the user's copy every time; Heard ships none of it."""
    path = Path(path)
    if path.is_dir():
        found = [path / name for name in TEDDYCUP_TAXONOMY_FILES if (path / name).is_file()]
        if not found:
            raise InputError(
                f"no Teddy Cup taxonomy in {path} "
                f"(looked for {', '.join(TEDDYCUP_TAXONOMY_FILES)})",
                "give the path of 附件1.xlsx or of a CSV with columns 一级分类, 二级分类, 三级分类",
            )
        path = found[0]
    if not path.is_file():
        raise InputError(
            f"Teddy Cup taxonomy file {path} does not exist",
            "give the path of 附件1.xlsx or of a CSV with columns 一级分类, 二级分类, 三级分类",
        )
    rows = (
        _read_xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xls") else _read_csv_rows(path)
    )
    if not rows or [c.strip() for c in rows[0][:3]] != ["一级分类", "二级分类", "三级分类"]:
        raise InputError(
            f"{path} does not start with the columns 一级分类, 二级分类, 三级分类",
            "give the official 附件1 (three-level label system) or a CSV with those three columns",
        )
    out: dict[str, list[tuple[str, str]]] = {}
    first = second = ""
    for row in rows[1:]:
        cells = [(str(c).strip() if c is not None else "") for c in (list(row) + ["", "", ""])[:3]]
        # the official sheet leaves merged cells blank below their first row: carry them down
        first, second = cells[0] or first, cells[1] or second
        if first and (cells[1] or cells[2]):
            out.setdefault(first, []).append((second, cells[2]))
    return out


def _read_csv_rows(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [row for row in csv.reader(f) if any(c.strip() for c in row)]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc}", "save the CSV as UTF-8") from exc


def _read_xlsx_rows(path: Path) -> list[list[Any]]:
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError(
            f"{path} cannot be read as a spreadsheet: {exc}",
            "give the official 附件1.xlsx or a CSV",
        ) from exc
    return [list(r) for r in rows if any(str(c).strip() for c in r)]


def with_taxonomy_keywords(
    departments: list[Department], taxonomy: dict[str, list[tuple[str, str]]]
) -> list[Department]:
    """Departments whose keywords also hold their taxonomy's second- and third-level names
    (matched on ``name_zh`` = first level); departments the taxonomy does not name are unchanged."""
    out = []
    for dept in departments:
        pairs = taxonomy.get(dept.name_zh, [])
        extra = [name for pair in pairs for name in pair if name and name != dept.name_zh]
        out.append(replace(dept, keywords=tuple(dict.fromkeys([*dept.keywords, *extra]))))
    return out
