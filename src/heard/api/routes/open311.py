"""Open311 GeoReport v2 (``/open311/v2/…``, JSON): services are departments, requests are cases.

No account is needed (that is the point of 311): reads show only what a public case page shows
(redacted text, department, status, reply, timeline), and ``POST requests.json`` is rate-limited
per client address. Field names follow GeoReport v2 (``heard.answer.open311``); errors are its
list of ``{"code", "description"}``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from heard.answer import cases as workflow
from heard.answer import open311 as o3
from heard.answer.cases import CLOSED_STATES, OPEN_STATES
from heard.answer import intake
from heard.api.errors import georeport_declared
from heard.api.routes.deps import (
    case_moved,
    db_of,
    department_names_of,
    departments_of,
    intake_receipts,
    public_limiter,
    refund_public_action,
    sender_address,
    utc_naive,
    work_zone,
)
from heard.api.routes.read import Instant
from heard.api.security import requires
from heard.auth import PUBLIC
from heard.clock import to_naive_utc, utcnow
from heard.errors import InputError, NotFoundError
from heard.read import cases as cq

router = APIRouter(prefix="/open311/v2", tags=["open311"])
MAX_BODY_BYTES = 64 * 1024
"""A form-encoded description of 4,000 Chinese characters is about 36 KiB."""
ERRORS = {
    400: georeport_declared("A missing or malformed field, as GeoReport errors"),
    404: georeport_declared("No such service or request"),
    413: georeport_declared("The request is too large"),
    429: georeport_declared("Too many requests from this address"),
}
STATUSES = r"^(open|closed)(,(open|closed))*$"
"""GeoReport's two request statuses, one or both, comma delimited (anything else is a 422)."""
DEFAULT_WINDOW = timedelta(days=90)
"""GeoReport v2: without ``start_date``, requests of the most recent 90 days (counted back from
the newest request, so that a historical board is not empty)."""
MAX_PAGE = 1000
"""GeoReport v2: at most 1,000 requests an answer (its suggested default); ``page`` goes on."""
TEXT = r"\S"
"""A field that must say something: at least one character that is not a space."""


def _error(status: int, description: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status, headers=headers)


def _spend(request: Request) -> JSONResponse | None:
    """Count this public action (submission, dispute, token tried) against the address's hour,
    looking and counting in one step; GeoReport's 429 when the hour is used up."""
    limiter, key = public_limiter(request)
    wait = limiter.take(key)
    if wait > 0:
        return _error(
            429, "too many requests from this address", {"Retry-After": str(int(wait) + 1)}
        )
    return None


def _repeated(request: Request, *names: str) -> JSONResponse | None:
    """GeoReport's 400 when one of ``names`` is given more than once (a time or an id is one
    value: the last one was taken silently)."""
    twice = [n for n in names if len(request.query_params.getlist(n)) > 1]
    if twice:
        return _error(400, f"{', '.join(twice)} given more than once: give each once")
    return None


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("locale", "zh").lower().startswith("en") else "zh"


@router.get("/discovery.json", dependencies=[requires(PUBLIC)], summary="Open311 discovery")
def discovery(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/") + "/open311/v2/"
    return {
        "changeset": "2026-12-05T00:00:00Z",
        "contact": "the institution that runs this Heard",
        "key_service": "no API key needed; submissions are rate-limited per address",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-12-05T00:00:00Z",
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


@router.get("/services.json", dependencies=[requires(PUBLIC)], summary="Services (departments)")
def services(request: Request) -> list[dict[str, Any]]:
    lang = _lang(request)
    return [o3.service(d, lang) for d in departments_of(request)]


@router.get(
    "/services/{service_code}.json",
    dependencies=[requires(PUBLIC)],
    summary="One service's definition",
    responses={404: ERRORS[404]},
    response_model=None,
)
def service_definition(request: Request, service_code: str) -> Any:
    for d in departments_of(request):
        if d["code"] == service_code:
            return o3.service_definition(d)
    return _error(404, f"no service {service_code[:60]!r}: see services.json")


def _public_case(request: Request, case_id: str) -> dict[str, Any] | None:
    try:
        return cq.public_case(db_of(request), case_id, now=utcnow())
    except NotFoundError:
        return None


@router.get(
    "/requests.json",
    dependencies=[requires(PUBLIC)],
    summary="Requests (cases), newest first; filter by id, service, status or date range",
    responses={400: ERRORS[400]},
    response_model=None,
)
def list_requests(
    request: Request,
    service_request_id: str | None = None,
    service_code: Annotated[str | None, Query(max_length=2000)] = None,
    status: Annotated[
        str | None,
        Query(pattern=STATUSES, description="open, closed, or both comma delimited: open,closed"),
    ] = None,
    start_date: Instant | None = None,
    end_date: Instant | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
) -> Any:
    """``start_date``/``end_date``: GeoReport's range of ``requested_datetime`` (ISO 8601, UTC
    unless an offset is given; anything else is GeoReport's 422). Without ``start_date``, the 90
    days up to the newest request listed (GeoReport's "last 90 days": on a live board the newest
    request is today's; a historical board, such as an imported export, lists its last 90 days
    instead of nothing). ``page_size`` requests (at most
    1,000, the default) of page ``page`` (from 1), newest first."""
    refused = _repeated(request, "service_request_id", "start_date", "end_date", "page")
    if refused is not None:
        return refused
    lang = _lang(request)
    now = utcnow()
    # GeoReport: service_code and status "can be declared multiple times, comma delimited"
    codes = tuple(dict.fromkeys(c.strip() for c in (service_code or "").split(",") if c.strip()))
    known = list(department_names_of(request)) if codes else []  # retired ones have requests
    for code in codes:  # a typo listed nothing, as if the service had no requests
        if code not in known and code != workflow.TRIAGE:
            return _error(
                400,
                f"unknown service_code {code[:60]!r}: use one of "
                f"{', '.join(known[:40]) or '(none configured)'} (GET services.json lists them)",
            )
    if service_request_id:  # GeoReport: it overrides the other arguments
        ids = list(dict.fromkeys(i.strip() for i in service_request_id.split(",") if i.strip()))
        if len(ids) > MAX_PAGE:  # only the first 50 were read: the rest looked unknown
            return _error(
                400, f"{len(ids):,} service_request_id values: ask for at most {MAX_PAGE:,} at once"
            )
        return [o3.request(c, lang) for c in cq.public_cases(db_of(request), ids, now=now)]
    start, end = utc_naive(start_date), utc_naive(end_date)
    if start is not None and end is not None and start > end:  # it listed [], as if none then
        return _error(
            400,
            f"start_date ({start:%Y-%m-%dT%H:%M:%SZ}) is after end_date ({end:%Y-%m-%dT%H:%M:%SZ}):"
            " give the earlier time as start_date",
        )
    wanted = set((status or "open,closed").split(","))
    states = (
        () if wanted == {"open", "closed"} else OPEN_STATES if "open" in wanted else CLOSED_STATES
    )
    if start is None:  # GeoReport's 90 days, back from the newest request listed
        newest = cq.list_cases(
            db_of(request), departments=codes, limit=1, now=now,
            statuses=tuple(states), created_to=end,
        )["cases"]  # fmt: skip
        latest = newest[0]["created_at"] if newest else end or to_naive_utc(now)
        start = latest - DEFAULT_WINDOW if latest - datetime.min > DEFAULT_WINDOW else datetime.min
    listed = cq.list_cases(
        db_of(request), departments=codes, limit=page_size, offset=(page - 1) * page_size,
        now=now, statuses=tuple(states), created_from=start, created_to=end,
    )["cases"]  # fmt: skip
    found = cq.public_cases(db_of(request), [row["case_id"] for row in listed], now=now)
    return [o3.request(case, lang) for case in found]


@router.get(
    "/requests/{service_request_id}.json",
    dependencies=[requires(PUBLIC)],
    summary="One request",
    responses={404: ERRORS[404]},
    response_model=None,
)
def get_request(request: Request, service_request_id: str) -> Any:
    case = _public_case(request, service_request_id)
    if case is None:
        return _error(404, f"no request {service_request_id[:60]!r}")
    return [o3.request(case, _lang(request))]


@router.get(
    "/servicerequestupdates.json",
    dependencies=[requires(PUBLIC)],
    summary="Updates of requests (FixMyStreet style): one per timeline event, of one request "
    "or of all in a start_date/end_date window",
    responses={400: ERRORS[400], 404: ERRORS[404]},
    response_model=None,
)
def request_updates(
    request: Request,
    service_request_id: str | None = None,
    start_date: Instant | None = None,
    end_date: Instant | None = None,
) -> Any:
    """One request's updates (``service_request_id``), or, as FixMyStreet polls, every
    request's updates whose ``updated_datetime`` lies from ``start_date`` to ``end_date`` (ISO
    8601, UTC unless an offset is given; without ``start_date`` the 90 days up to ``end_date``,
    or now), oldest first, at most 1,000: ask again from the last one's time for more."""
    refused = _repeated(request, "service_request_id", "start_date", "end_date")
    if refused is not None:
        return refused
    if service_request_id:
        case = _public_case(request, service_request_id)
        if case is None:
            return _error(404, f"no request {service_request_id[:60]!r}")
        return o3.updates(case)
    start, end = utc_naive(start_date), utc_naive(end_date)
    if start is not None and end is not None and start > end:
        return _error(400, "start_date is after end_date: give the earlier time as start_date")
    now = utcnow()
    end = end or to_naive_utc(now)
    if start is None:
        start = end - DEFAULT_WINDOW if end - datetime.min > DEFAULT_WINDOW else datetime.min
    updated = cq.updated_case_ids(db_of(request), start, end, MAX_PAGE)
    found = cq.public_cases(db_of(request), [case_id for case_id, _ in updated], now=now)
    # cases left out (past the first 1,000) have no update before the last one's first: the
    # answer stops there, so that asking again from its last time misses nothing
    last = o3.iso(updated[-1][1]) if len(updated) == MAX_PAGE else None
    listed = [
        u
        for case in found
        for u in o3.updates(case, start, end)
        if last is None or (u["updated_datetime"] or "") <= last
    ]
    return sorted(listed, key=lambda u: u["updated_datetime"] or "")[:MAX_PAGE]


@router.get(
    "/tokens/{token}.json",
    dependencies=[requires(PUBLIC)],
    summary="The request a submission token belongs to (wrong tokens count in the limit)",
    responses={404: ERRORS[404], 429: ERRORS[429]},
    response_model=None,
)
def token_lookup(request: Request, token: str) -> Any:
    refused = _spend(request)  # a wrong token counts, as on the form and in disputes
    if refused is not None:
        return refused
    db = db_of(request)
    found = cq.case_id_for_token(db, workflow.hash_token(token)) if len(token) <= 200 else None
    if found is None:
        return _error(404, "no request for this token")
    refund_public_action(request)  # the right token is no guess
    return [{"service_request_id": found, "token": token}]


TEXT_FIELDS = ("service_code", "description", "token")
"""Fields Heard reads; a JSON number or object in one is refused (lat, long … may be numbers)."""


def _once(pairs: list[tuple[str, str]]) -> dict[str, str] | JSONResponse:
    """The form's fields; GeoReport's 400 when a field Heard reads (``TEXT_FIELDS``) is given
    twice with different values. The last was taken silently: ``service_code=water&
    service_code=roads`` filed to roads. The same value twice is one value."""
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in TEXT_FIELDS and name in fields and fields[name] != value:
            return _error(
                400, f"{name} is given more than once, with different values: give it once"
            )
        fields[name] = value
    return fields


async def _fields(request: Request) -> dict[str, str] | JSONResponse:
    """The submission's fields, from a form (GeoReport's way) or a JSON object."""
    length = int(request.headers.get("content-length") or 0)
    if length > MAX_BODY_BYTES:
        return _error(413, f"the request is larger than {MAX_BODY_BYTES // 1024} KiB")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _error(413, f"the request is larger than {MAX_BODY_BYTES // 1024} KiB")
    ctype = request.headers.get("content-type", "").strip().lower()  # media types ignore case
    try:
        if ctype.startswith("application/json"):
            import json

            twice: list[str] = []

            def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
                seen: dict[str, Any] = {}
                for key, value in items:
                    if key in TEXT_FIELDS and key in seen and seen[key] != value:
                        twice.append(key)
                    seen[key] = value
                return seen

            data = json.loads(body.decode("utf-8"), object_pairs_hook=pairs)
            if twice:  # {"service_code": "water", "service_code": "roads"}: the last was taken
                return _error(
                    400, f"{twice[0]} is given more than once, with different values: give it once"
                )
            if not isinstance(data, dict):
                return _error(400, "the JSON body must be an object")
            wrong = [k for k in TEXT_FIELDS if not isinstance(data.get(k, ""), (str, type(None)))]
            if wrong:
                kind = type(data[wrong[0]]).__name__
                return _error(400, f"{wrong[0]} must be a string (it is a JSON {kind})")
            return {str(k): str(v) for k, v in data.items() if v is not None}
        if ctype.startswith("multipart/form-data"):  # an app attaching a photo: files dropped
            return await _multipart(request)
        from urllib.parse import parse_qsl

        # strict: percent-escapes that are not UTF-8 are refused, not stored as U+FFFD
        return _once(parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "the body is not UTF-8 form data or a JSON object")
    except RecursionError:  # json.loads recurses once a level: thousands of [[[… ran it out
        return _error(400, "the JSON body is nested too deep: send a flat object of fields")


async def _multipart(request: Request) -> dict[str, str] | JSONResponse:
    """The text fields of a multipart/form-data body (its files are not kept: Heard stores no
    media); an unreadable one is GeoReport's 400."""
    from starlette.datastructures import UploadFile
    from starlette.formparsers import MultiPartException

    try:
        form = await request.form(max_files=10, max_fields=100)
    except MultiPartException as exc:
        return _error(400, f"the multipart body cannot be read: {exc.message}")
    try:
        return _once([(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)])
    finally:
        await form.close()


@router.post(
    "/requests.json",
    dependencies=[requires(None)],
    summary="Submit a request: service_code and description (no account; rate-limited)",
    responses=ERRORS,
    response_model=None,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["service_code", "description"],
                        "properties": {
                            "service_code": {"type": "string", "pattern": TEXT},
                            "description": {
                                "type": "string",
                                "pattern": TEXT,
                                "maxLength": o3.MAX_DESCRIPTION,
                            },
                        },
                    }
                }
            },
        }
    },
)
async def submit(request: Request) -> Any:
    from starlette.concurrency import run_in_threadpool

    refused = _spend(request)  # counted before the body is read: a burst cannot pass together
    if refused is not None:
        return refused
    checked = await _submission(request)
    if isinstance(checked, JSONResponse):
        refund_public_action(request)  # a malformed submission stores nothing and is not counted
        return checked
    text, department, fields = checked
    receipts = intake_receipts(request)  # here, in the event loop: one for every thread
    return await run_in_threadpool(
        _file, request, text, department, receipts, _repeat_of(request, fields)
    )


REPEAT_FIELDS = ("lat", "long", "address_string", "address_id")
"""The place a request names: the same words at another place are another request."""


def _repeat_of(request: Request, fields: dict[str, str]) -> tuple[object, ...]:
    """What tells this submission from another with the same service and description
    (``heard.answer.repeats``): its place, and its sender as the request names them (e-mail,
    device, account …; an e-mail's case does not matter), else the client's address. Only a
    digest of them is kept, in memory, for minutes."""
    place = [(fields.get(n) or "").strip() for n in REPEAT_FIELDS]
    sender = [(fields.get(n) or "").strip() for n in o3.PERSONAL_FIELDS]
    sender = [v.casefold() if n == "email" else v for n, v in zip(o3.PERSONAL_FIELDS, sender)]
    if not any(sender):
        sender = ["address", sender_address(request)]
    return (*place, *sender)


async def _submission(
    request: Request,
) -> tuple[str, dict[str, Any], dict[str, str]] | JSONResponse:
    """The description, the department and the fields of a submission, or GeoReport's error."""
    fields = await _fields(request)
    if isinstance(fields, JSONResponse):
        return fields
    code = (fields.get("service_code") or "").strip()
    text = workflow.one_break(fields.get("description") or "").strip()
    if not code or not text:
        return _error(400, "service_code and description are required")
    if len(text) > o3.MAX_DESCRIPTION:
        return _error(400, f"description is longer than {o3.MAX_DESCRIPTION} characters")
    departments = {d["code"]: d for d in departments_of(request)}
    if code not in departments:
        return _error(404, f"no service {code[:60]!r}: see services.json")
    return text, departments[code], fields


NOTICE = "keep the token: it is shown once; addresses and contact details are not stored"
REPEATED = (
    "this request was received already (the same service, description, place and sender "
    "moments ago): it has this id and token, and no second request was opened"
)


def _file(
    request: Request,
    text: str,
    department: dict[str, Any],
    receipts: Any,
    repeat_of: tuple[object, ...],
) -> Any:
    """Ingest the description as a post, open its case with the chosen service, issue a token;
    a repeat of a request filed moments ago gets that one's id and token back."""
    try:
        filed = intake.file_concern(
            request.app.state.uploader, db_of(request), text=text, department=department,
            channel=o3.SOURCE, now=utcnow(), zone=work_zone(request), receipts=receipts,
            repeat_of=repeat_of,
        )  # fmt: skip
    except InputError as exc:
        return _error(400, exc.what)
    if not filed.repeated:
        case_moved(request)
    return [
        {
            "service_request_id": filed.case_id,
            "token": filed.token,
            "service_notice": REPEATED if filed.repeated else NOTICE,
            "account_id": None,
            "expected_datetime": o3.iso(filed.deadline_at),
        }
    ]


@router.post(
    "/requests/{service_request_id}/dispute.json",
    dependencies=[requires(None)],
    summary="Heard's extension: 'closed, not fixed' — the submitter reopens a closed request "
    "with its token; counted against the department",
    responses=ERRORS,
    response_model=None,
)
async def dispute(request: Request, service_request_id: str) -> Any:
    refused = _spend(request)  # every dispute counts, a missing or wrong token too
    if refused is not None:
        return refused
    fields = await _fields(request)
    if isinstance(fields, JSONResponse):
        refund_public_action(request)  # a body that cannot be read is no dispute
        return fields
    db = db_of(request)
    if not str(fields.get("token") or "").strip():
        return _error(400, "token is required: the one given when the request was filed")
    try:
        intake.dispute(
            db, service_request_id, fields.get("token") or "", fields.get("description"),
            utcnow(), departments_of(request), zone=work_zone(request),
        )  # fmt: skip
    except NotFoundError:  # a wrong token counts too (below): no guessing
        return _error(404, "no request with this id and token")
    except workflow.BadValueError as exc:  # a description too long: refused whole, not cut
        return _error(400, exc.what)
    except InputError:
        return _error(400, "only a closed request can be disputed")
    case_moved(request)
    return [o3.request(cq.public_case(db, service_request_id, now=utcnow()), _lang(request))]
