"""Departments managed in the dashboard (admin): the list, one department's form, a new one.

A department saved here is stored whole (``store.cases.save_department_edit``) and wins over
heard.toml's or the preset's definition of the same code everywhere: routing (a zero-shot router
reads the descriptions and keywords at the next run; a trained router keeps the departments it
learned until ``heard train router`` runs again), the public pages, Open311's services and
notifications (contacts). The same checks as heard.toml's (``parse_one``) refuse a bad form with
the reason. A department is never deleted here: its cases keep it. "Retire" takes one out of
service, whether heard.toml, the preset or this page added it (``heard.answer.department_admin``:
audited; its open cases go to triage). An edit of a heard.toml department is marked so
(``EDITS_CONFIGURED``): removing its table from heard.toml retires it all the same, and drops the
edit (``heard.answer.retired``); saving a retired department's form here brings it back into
service as a dashboard department (audited too)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from heard.answer.departments import DEFAULT_DEADLINE_DAYS, EDITS_CONFIGURED, parse_one
from heard.api.routes.deps import case_moved, department_names_of, show_department_numbers
from heard.api.security import identify, requires
from heard.auth import Role
from heard.clock import utcnow
from heard.errors import InputError, NotFoundError
from heard.web.render import reason_of, render

router = APIRouter(include_in_schema=False)


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("\n", ",").split(",")]


def _deadlines(text: str) -> dict[str, int]:
    """``default = 15`` lines (one category each) → {category: working days}."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        category, sep, days = line.partition("=")
        days = days.strip()
        # isdigit() also says yes to digits int() refuses (superscripts such as "²"): a 500
        if not sep or not (days.isascii() and days.isdigit()):
            raise InputError(
                f"deadline line {n} ({line.strip()!r}) is not 'category = days'",
                "write one line per category, e.g. default = 15",
            )
        out[category.strip()] = int(days)
    return out or {"default": DEFAULT_DEADLINE_DAYS}


def _editable(request: Request) -> list[dict[str, Any]]:
    """Every department as a form fills it: the configured ones with the dashboard's edits
    (their own zh/en descriptions), then any only an earlier run stored."""
    from heard.answer.operator import configured_departments

    db = request.app.state.db
    out = {d.code: d.to_dict() for d in configured_departments(request.app.state.settings, db)}
    for d in department_names_of(request).values():  # retired ones too: saved, back in service
        out.setdefault(
            d["code"],
            {**{k: d[k] for k in ("code", "name_zh", "name_en", "keywords", "deadline_days")},
             "description_zh": d["description"] or "", "retired": d["retired"]},
        )  # fmt: skip
    return sorted(out.values(), key=lambda d: d["code"])


def _form_page(request: Request, status: int = 200, **context: Any) -> Response:
    return render(
        request,
        "departments_admin.html",
        status=status,
        departments=_editable(request),
        **context,
    )


@router.get("/admin/departments", dependencies=[requires(Role.admin, page=True)])
def departments_page(request: Request) -> Response:
    return _form_page(request)


@router.get("/admin/departments/{department}", dependencies=[requires(Role.admin, page=True)])
def department_form(
    request: Request, department: str, saved: bool = False, retired: int | None = None
) -> Response:
    found = next((d for d in _editable(request) if d["code"] == department), None)
    if found is None:
        return _form_page(request, status=404, error=f"no department {department!r}")
    return _form_page(request, editing=found, saved=saved, moved=retired)


@router.post(
    "/admin/departments/{department}/retire", dependencies=[requires(Role.admin, page=True)]
)
def retire_department(request: Request, department: str) -> Response:
    """Take the department out of service (``heard.answer.department_admin``): its open cases
    go to triage, its record stays public; saving its form brings it back."""
    from heard.answer.department_admin import retire

    user = identify(request).user
    assert user is not None
    db = request.app.state.db
    try:
        with db.write_lock:
            done = retire(
                db.store, request.app.state.settings, department, utcnow(),
                account=user.username, role=user.role.name, via="dashboard",
            )  # fmt: skip
    except NotFoundError as exc:
        return _form_page(request, status=404, error=reason_of(request, exc))
    except InputError as exc:
        found = next((d for d in _editable(request) if d["code"] == department), None)
        return _form_page(request, status=409, error=reason_of(request, exc), editing=found)
    db.changed()
    case_moved(request)
    show_department_numbers(request.app.state.settings, db)
    moved = len(done["moved"])
    return RedirectResponse(f"/admin/departments/{department}?retired={moved}", status_code=303)


@router.post("/admin/departments", dependencies=[requires(Role.admin, page=True)])
def save_department(
    request: Request,
    code: Annotated[str, Form(max_length=48)],
    name_zh: Annotated[str, Form(max_length=200)] = "",
    name_en: Annotated[str, Form(max_length=200)] = "",
    description_zh: Annotated[str, Form(max_length=4000)] = "",
    description_en: Annotated[str, Form(max_length=4000)] = "",
    keywords: Annotated[str, Form(max_length=4000)] = "",
    webhook: Annotated[str, Form(max_length=2000)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    phone: Annotated[str, Form(max_length=400)] = "",
    deadline_days: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    table: dict[str, Any] = {
        "code": code.strip(),
        "name_zh": name_zh,
        "name_en": name_en,
        "description_zh": description_zh,
        "description_en": description_en,
        "keywords": [k for k in _lines(keywords) if k],
    }
    if webhook.strip():
        table["webhook"] = webhook.strip()
    if email.strip():
        table["email"] = email.strip()
    phones = [p.strip() for p in phone.replace("，", ",").split(",") if p.strip()]
    if phones:  # the department's own published numbers: shown as written in its replies
        table["phone"] = phones
    try:
        table["deadline_days"] = _deadlines(deadline_days)
        department = parse_one(table)
    except InputError as exc:
        reason = reason_of(request, exc)
        return _form_page(request, status=400, error=reason, editing=table)
    user = identify(request).user
    assert user is not None
    db = request.app.state.db
    from heard.answer.operator import file_departments

    # an edit of a heard.toml department, not an addition: removing its table retires it
    in_file = department.code in {d.code for d in file_departments(request.app.state.settings)}
    from heard.answer.department_admin import restored, was_retired

    with db.write_lock, db.store.transaction():
        settings, now = request.app.state.settings, utcnow()
        back = was_retired(db.store, settings, department.code)  # the admin re-adds it
        definition = department.to_dict()
        marked = {**definition, EDITS_CONFIGURED: in_file}
        db.store.cases.save_department_edit(marked, now, user.role.name)
        db.store.cases.save_departments([definition])
        if back:
            restored(db.store, department.code, now, account=user.username,
                     role=user.role.name, via="dashboard")  # fmt: skip
    db.changed()
    show_department_numbers(request.app.state.settings, db)
    return RedirectResponse(f"/admin/departments/{department.code}?saved=1", status_code=303)
