"""The protect side's pages for moderators and admins: the review queue, one item with its
evidence and the decision form, pending appeals, and reviewer calibration. The same domain
calls as the API (``heard.protect.review``, ``heard.protect.calibration``), under the same write
lock. A gold (calibration) item looks like any other item in the queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from heard.api.errors import ApiError, status_of
from heard.api.routes.deps import db_of
from heard.api.routes.protect import locked_write, username_of
from heard.auth import Role
from heard.api.security import requires
from heard.errors import InputError, NotFoundError
from heard.protect.inputs import REASONS_MAX
from heard.protect.statement import DECISIONS, GROUNDS, LEGAL_GROUND_MAX
from heard.protect.taxonomy import LABELS, load_taxonomy
from heard.read import protect as rq
from heard.read.common import safe_statement
from heard.web.render import reason_of, render

router = APIRouter(include_in_schema=False)
MODERATOR = requires(Role.moderator, page=True)


def _queue(request: Request, limit: int = 50) -> list[dict[str, Any]]:
    from heard.protect.calibration import Calibration

    who = username_of(request) or ""
    items: list[dict[str, Any]] = locked_write(
        request, lambda store: Calibration(store).queue(who, limit=limit), changes=False
    )
    return items


@router.get("/moderate", dependencies=[MODERATOR])
def queue_page(request: Request) -> Response:
    items = [rq.review_item(db_of(request), i) for i in _queue(request)]
    return render(request, "moderate.html", items=items)


def _item_page(request: Request, flag_id: str, status: int = 200, **context: Any) -> Response:
    # one item per post: any of its pending flags opens it (a link to a flag that is not the
    # post's first one, from the flags list or an older queue page, keeps working)
    item = next(
        (i for i in _queue(request, limit=500) if flag_id in (i.get("flag_ids") or [i["flag_id"]])),
        None,
    )
    if item is None:
        raise ApiError(404, f"no flag {flag_id!r} waits for review", ["fix: see /moderate"])
    taxonomy = load_taxonomy()
    return render(
        request,
        "moderate_item.html",
        status=status,
        item=rq.review_item(db_of(request), item),
        decisions=DECISIONS,
        grounds=list(GROUNDS),
        labels=[taxonomy[name] for name in LABELS],
        **context,
    )


@router.get("/moderate/items/{flag_id}", dependencies=[MODERATOR])
def item_page(request: Request, flag_id: str) -> Response:
    return _item_page(request, flag_id)


@router.post("/moderate/items/{flag_id}", dependencies=[MODERATOR])
def decide(
    request: Request,
    flag_id: str,
    # none chosen is refused by the domain (the decisions named), the facts kept on the page
    decision: Annotated[str, Form(max_length=40)] = "",
    # 4x the limits: a longer text comes back on the page with its length (protect/inputs.py),
    # not as a JSON 422 that loses what was typed (a textarea's maxlength counts a line break
    # once, the form sends it as two characters)
    facts: Annotated[str, Form(max_length=4 * REASONS_MAX)] = "",
    label: Annotated[str, Form(max_length=40)] = "",
    ground: Annotated[str, Form(max_length=20)] = "incompatible",
    legal_ground: Annotated[str, Form(max_length=4 * LEGAL_GROUND_MAX)] = "",
    keywords: Annotated[list[str] | None, Form(max_length=20)] = None,
    # the flags the page showed: the decision covers exactly these (409 when one arrived since)
    flag_ids: Annotated[list[str] | None, Form(max_length=500)] = None,
) -> Response:
    from heard.protect.calibration import Calibration
    from heard.protect.review import Review

    who = username_of(request) or ""

    def work(store: Any) -> dict[str, Any]:
        cal = Calibration(store)
        # a gold item is answered with a decision's shape (docs/protect/calibration.md)
        gold = cal.is_gold(flag_id)
        decide_one = cal.answer if gold else Review(store).decide
        done = decide_one(
            flag_id,
            decision,
            facts=facts,
            moderator=who,
            label=label or None,
            ground=ground,
            legal_ground=legal_ground,
            keywords=keywords,
            seen=flag_ids,
        )
        return {**done, "gold": gold}

    try:
        done = locked_write(request, work)
    except (InputError, NotFoundError) as exc:
        reason = reason_of(request, exc)
        status = status_of(exc)
        typed = {
            "decision": decision,
            "label": label,
            "ground": ground,
            "legal_ground": legal_ground,
            "keywords": keywords or [],
        }
        return _item_page(request, flag_id, status=status, error=reason, facts=facts, typed=typed)
    if done["gold"]:
        # a gold answer: its statement as the decision would have it (stored nowhere)
        statement = safe_statement(done["statement"])
    else:
        statement = rq.statement_of(db_of(request), done["decision_id"])
    # the author's notice token is on this page only (no-store): the moderator hands it on
    return render(
        request, "moderate_done.html", done=done, statement=statement, token=done["author_token"]
    )


@router.post("/moderate/items/{flag_id}/original", dependencies=[MODERATOR])
def original(
    request: Request, flag_id: str, reason: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    """The item page again, its post's original text in place of the redacted one: a reason is
    required and each use is written to the audit log (``heard.protect.original``)."""
    from heard.protect.calibration import Calibration
    from heard.protect.original import show_gold_original, show_original

    who = username_of(request) or ""
    # one item per post: any of its pending flags opens it (a link to a flag that is not the
    # post's first one, from the flags list or an older queue page, keeps working)
    item = next(
        (i for i in _queue(request, limit=500) if flag_id in (i.get("flag_ids") or [i["flag_id"]])),
        None,
    )
    if item is None:
        raise ApiError(404, f"no flag {flag_id!r} waits for review", ["fix: see /moderate"])

    def work(store: Any) -> dict[str, Any]:
        if Calibration(store).is_gold(flag_id):
            return show_gold_original(store, flag_id, reason, who)
        return show_original(store, item["post_id"], reason, who)

    try:
        shown = locked_write(request, work)
    except (InputError, NotFoundError) as exc:
        error = reason_of(request, exc)
        status = 404 if isinstance(exc, NotFoundError) else 400
        return _item_page(request, flag_id, status=status, original_error=error)
    return _item_page(request, flag_id, original=shown)  # no-store, as every page


@router.get("/moderate/appeals", dependencies=[MODERATOR])
def appeals_page(request: Request) -> Response:
    return render(request, "moderate_appeals.html", appeals=rq.pending_appeals(db_of(request)))


@router.post("/moderate/appeals/{appeal_id}", dependencies=[MODERATOR])
def decide_appeal(
    request: Request,
    appeal_id: str,
    # none chosen is refused by the domain with the outcomes to choose from, the reasons kept
    outcome: Annotated[str, Form(max_length=20)] = "",
    facts: Annotated[str, Form(max_length=4 * REASONS_MAX)] = "",
) -> Response:
    from heard.protect.review import Review

    who = username_of(request) or ""
    try:
        locked_write(
            request, lambda store: Review(store).decide_appeal(appeal_id, outcome, who, facts)
        )
    except (InputError, NotFoundError) as exc:
        reason = reason_of(request, exc)
        return render(
            request,
            "moderate_appeals.html",
            status=status_of(exc),
            appeals=rq.pending_appeals(db_of(request)),
            error=reason,
            typed={appeal_id: {"outcome": outcome, "facts": facts}},
        )
    return RedirectResponse("/moderate/appeals?decided=1", status_code=303)


@router.get("/admin/calibration", dependencies=[requires(Role.admin, page=True)])
def calibration_page(request: Request) -> Response:
    from heard.protect.calibration import Calibration

    from heard.protect.original import original_views

    rows = locked_write(request, lambda store: Calibration(store).report(), changes=False)
    views = locked_write(request, lambda store: original_views(store, 100), changes=False)
    return render(request, "calibration.html", moderators=rows, views=views)
