"""Protect endpoints: flags, the review queue and decisions (moderator), appeals, the public
report link (anyone, rate-limited), transparency figures (anyone), calibration and the uses of
"show original" (admin).

Writes go through the store under the read view's ``write_lock`` (one writer), like uploads.
No route takes or returns an author: ``author`` as a parameter is refused (RIGHTS.md §4).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from heard.api.errors import ApiError, declared, one_of
from heard.api.routes.deps import db_of, spend_public_action
from heard.api.security import requires
from heard.auth import Role
from heard.read import protect as rq
from heard.read.common import jsonable

router = APIRouter(prefix="/api/v1", tags=["protect"])

Decision = Literal["no_action", "label", "limit_visibility", "remove"]


class Body(BaseModel):
    """A request body: a field the route does not read is a 422 that names it (a misspelt
    ``notes`` or ``legal-ground`` was dropped without a word, as an unknown query parameter
    was before ``deps.known_query_only``)."""

    model_config = ConfigDict(extra="forbid")


class DecisionIn(Body):
    decision: Decision
    facts: str = Field(min_length=1, max_length=5000)
    label: str | None = Field(None, max_length=40)
    ground: Literal["incompatible", "illegal"] = "incompatible"
    legal_ground: str | None = Field(
        None, max_length=500, description="With ground 'illegal': the law and article relied on"
    )
    keywords: list[Annotated[str, Field(max_length=60)]] | None = Field(
        None,
        max_length=10,
        description="Those of the label's DSA keywords (category_specification) that apply to "
        "this post; none given: the label's keyword when it has only one, else none",
    )
    flag_ids: list[Annotated[str, Field(max_length=40)]] | None = Field(
        None,
        max_length=500,
        description="Every flag the item showed (the queue item's flag_ids): the decision covers "
        "exactly these, which must be the post's pending flags, else 409 and nothing is decided "
        "(a flag that arrived after the item was read). None: the flag in the path alone",
    )


class AppealIn(Body):
    decision_id: str = Field(max_length=40)
    text: str = Field(min_length=1, max_length=5000)


class AppealDecisionIn(Body):
    outcome: Literal["upheld", "reversed"]
    facts: str = Field("", max_length=5000)


TaxonomyLabel = one_of(rq.LABELS)
FlagStatus = one_of(rq.FLAG_STATUSES)


class ReportIn(Body):
    post_id: str = Field(max_length=300)
    label: TaxonomyLabel = Field(
        description="A label of the harm taxonomy (political opinion never is one)"
    )
    note: str = Field("", max_length=2000)


def locked_write(request: Request, work: Any, changes: bool = True) -> Any:
    """``work(store)`` on the store itself, one caller at a time (the store's connection is not
    shared between request threads; the read view's cursors are, but hold no repositories)."""
    db = db_of(request)
    with db.write_lock:
        result = work(db.store)
    if changes:
        db.changed()
    return result


def username_of(request: Request) -> str | None:
    caller = getattr(request.state, "caller", None)
    return caller.user.username if caller is not None and caller.user is not None else None


def file_report(request: Request, post_id: str, label: str, note: str) -> dict[str, Any]:
    """A report by the caller, through the public page or the API: ``{flag_id, source,
    duplicate}``. Spends the public budget (a 429 when it is used up), answers a repeat (same
    address or account, post and label, first report still pending) with the first report's
    flag, and refuses (429) an anonymous address's new reports beyond ``REPORTS_PER_HOUR``
    (``heard.api.reports``). Bad input raises as ``Review.report`` does."""
    from heard.api.errors import ApiError
    from heard.api.reports import REPORTS_PER_HOUR, RecentReports, report_guards, reporter_of
    from heard.protect.review import Review

    spend_public_action(request)
    who = username_of(request)
    reporter = reporter_of(request, who)
    recent, limiter = report_guards(request)
    key = RecentReports.key(reporter, post_id, label)
    budget = "reports:" + reporter

    def work(store: Any) -> dict[str, Any]:
        # under the write lock: the repeat check and the write are one step, so two identical
        # reports at once (a double click, a retried request) file one flag
        earlier = recent.get(key)
        if earlier is not None:
            flag = store.protect.flag(earlier)
            if flag is not None and flag["status"] == "pending":
                return {"flag_id": earlier, "source": flag["source"], "duplicate": True}
        if who is None:
            wait = limiter.retry_after(budget)
            if wait > 0:
                return {"wait": wait}
        row = Review(store).report(post_id, label, note=note, flagger=who)
        if who is None:
            limiter.failed(budget)
        recent.put(key, row["flag_id"])
        return {"flag_id": row["flag_id"], "source": row["source"], "duplicate": False}

    filed: dict[str, Any] = locked_write(request, work)
    if "wait" in filed:
        wait = filed["wait"]
        raise ApiError(
            429,
            f"this address has filed {REPORTS_PER_HOUR} reports in the last hour",
            [
                f"fix: try again in {int(wait // 60) + 1} minutes; each report is read by a "
                "person, so reports from one address are limited"
            ],
            {"Retry-After": str(int(wait) + 1)},
        )
    return filed


@router.get(
    "/flags",
    dependencies=[requires(Role.moderator)],
    summary="Flags with evidence",
    responses=declared(400),
)
def list_flags(
    request: Request,
    label: TaxonomyLabel | None = None,
    status: FlagStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    from heard.protect.calibration import Calibration

    # no ``author``: the middleware refuses it on every route (RIGHTS.md §4). The caller's gold
    # items are listed as the pending reports they look like in the queue (calibration.md)
    who = username_of(request) or ""
    gold = locked_write(request, lambda store: Calibration(store).unanswered(who), changes=False)
    return {
        "ok": True,
        **rq.list_flags(db_of(request), label=label, status=status, limit=limit, gold=gold),
    }


@router.get(
    "/flags/{flag_id}/history",
    dependencies=[requires(Role.moderator)],
    summary="One flag's history from the audit log: raised, withdrawn by a rescan, decided "
    "(to a moderator once decided; admins: always)",
    responses=declared(403, 404),
)
def flag_history(request: Request, flag_id: str) -> dict[str, Any]:
    from heard.protect.calibration import Calibration

    caller = getattr(request.state, "caller", None)
    if caller is None or caller.user is None or not caller.user.can(Role.admin):
        # to a moderator, a flag waiting for review and a gold item answer alike: the history
        # is shown once the flag is decided (the queue item has the flags and their evidence)
        waiting = locked_write(
            request,
            lambda store: Calibration(store).is_gold(flag_id)
            or (store.protect.flag(flag_id) or {}).get("status") == "pending",
            changes=False,
        )
        if waiting:
            raise ApiError(
                403,
                f"flag {flag_id} waits for review: its history is shown once it is decided",
                [
                    "fix: decide it from the review queue (GET /api/v1/review/queue), which "
                    "shows the post, every flag on it and their evidence; admins see the "
                    "history of any flag"
                ],
            )
    return {"ok": True, **rq.flag_history(db_of(request), flag_id)}


@router.get(
    "/review/queue",
    dependencies=[requires(Role.moderator)],
    summary="The caller's review queue: posts, flags, evidence, definitions",
)
def review_queue(
    request: Request, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> dict[str, Any]:
    from heard.protect.calibration import Calibration

    items = locked_write(
        request,
        lambda store: Calibration(store).queue(username_of(request) or "", limit=limit),
        changes=False,
    )
    return {"ok": True, "items": [rq.review_item(db_of(request), i) for i in items]}


@router.post(
    "/review/{flag_id}",
    dependencies=[requires(Role.moderator)],
    summary="Decide on a flag's post, with the facts",
    responses=declared(400, 404, 409),
)
def decide(request: Request, flag_id: str, body: DecisionIn) -> dict[str, Any]:
    from heard.protect.calibration import Calibration
    from heard.protect.review import Review

    who = username_of(request) or ""

    def work(store: Any) -> dict[str, Any]:
        cal = Calibration(store)
        # a gold item is answered with a decision's shape (calibration.md): nothing tells it apart
        decide = cal.answer if cal.is_gold(flag_id) else Review(store).decide
        d = decide(
            flag_id,
            body.decision,
            facts=body.facts,
            moderator=who,
            label=body.label,
            ground=body.ground,
            legal_ground=body.legal_ground,
            keywords=body.keywords,
            seen=body.flag_ids,
        )
        # the author's notice token, once (the post's first decision): the platform hands it on
        return {
            "decision_id": d["decision_id"],
            "decision": d["decision"],
            "author_token": d["author_token"],
        }

    return {"ok": True, **locked_write(request, work)}


@router.get(
    "/decisions",
    dependencies=[requires(Role.moderator)],
    summary="Decisions with statements of reasons",
    responses=declared(400),
)
def list_decisions(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    return {"ok": True, **rq.list_decisions(db_of(request), limit=limit)}


@router.get(
    "/decisions/{decision_id}/statement",
    dependencies=[requires(Role.viewer)],
    summary="One decision's statement of reasons",
    responses=declared(404),
)
def statement(request: Request, decision_id: str) -> dict[str, Any]:
    return {"ok": True, "statement": rq.statement_of(db_of(request), decision_id)}


@router.get(
    "/dsa/statements",
    dependencies=[requires(Role.moderator)],
    summary="Restrictions in the DSA transparency database's statement shape",
)
def dsa_statements(request: Request) -> dict[str, Any]:
    return {"ok": True, "statements": rq.dsa_statements(db_of(request))}


@router.post(
    "/appeals",
    dependencies=[requires(Role.moderator)],
    summary="Enter an appeal the author sent another way (letter, phone, e-mail), once per "
    "decision; authors appeal themselves at /statements/appeal with their notice token",
    responses=declared(400, 404, 409),
)
def file_appeal(request: Request, body: AppealIn) -> dict[str, Any]:
    from heard.protect.review import Review

    row = locked_write(request, lambda store: Review(store).appeal(body.decision_id, body.text))
    return {"ok": True, "appeal_id": row["appeal_id"], "status": row["status"]}


@router.post(
    "/appeals/{appeal_id}/decision",
    dependencies=[requires(Role.moderator)],
    summary="Decide an appeal (not by the moderator who decided)",
    responses=declared(400, 404, 409),
)
def decide_appeal(request: Request, appeal_id: str, body: AppealDecisionIn) -> dict[str, Any]:
    from heard.protect.review import Review

    who = username_of(request) or ""
    row = locked_write(
        request, lambda store: Review(store).decide_appeal(appeal_id, body.outcome, who, body.facts)
    )
    return {"ok": True, "appeal_id": appeal_id, "outcome": row["outcome"]}


@router.post(
    "/posts/{post_id}/notice",
    dependencies=[requires(Role.moderator)],
    summary="A new notice token for a post with decisions (the old one stops working)",
    responses=declared(404),
)
def renew_notice(request: Request, post_id: str) -> dict[str, Any]:
    from heard.protect.review import Review

    token = locked_write(request, lambda store: Review(store).renew_notice(post_id))
    return {"ok": True, "post_id": post_id, "author_token": token}


class OriginalIn(Body):
    reason: str = Field(
        "", max_length=2000, description="Why the redacted text is not enough (audited)"
    )


@router.post(
    "/posts/{post_id}/original",
    dependencies=[requires(Role.moderator)],
    summary="One flagged post's original text, personal data included (moderators and admins; "
    "a reason is required and each use is written to the audit log)",
    responses=declared(400, 404),
)
def show_original(request: Request, post_id: str, body: OriginalIn) -> dict[str, Any]:
    from heard.protect.calibration import Calibration
    from heard.protect.original import show_gold_original, show_original

    who = username_of(request) or ""

    def work(store: Any) -> dict[str, Any]:
        gold_id = Calibration(store).gold_of_post(post_id)  # the post id a gold item shows
        if gold_id is not None:
            return show_gold_original(store, gold_id, body.reason, who, post_id=post_id)
        return show_original(store, post_id, body.reason, who)

    shown = locked_write(request, work)
    return {"ok": True, **shown}  # no-store, as every API answer


class NoticeIn(Body):
    token: str = Field(min_length=1, max_length=200)


class NoticeAppealIn(NoticeIn):
    decision_id: str = Field(max_length=40)
    text: str = Field(min_length=1, max_length=5000)


@router.post(
    "/statements",
    dependencies=[requires(None)],
    summary="An author's view: the statements of reasons of the decisions on their post, with "
    "the post's notice token (no account; rate-limited)",
    responses=declared(400, 404, 429),
)
def statements_by_notice(request: Request, body: NoticeIn) -> dict[str, Any]:
    from heard.protect.review import Review

    spend_public_action(request)
    post_id = locked_write(
        request, lambda store: Review(store).post_of_notice(body.token), changes=False
    )
    return {"ok": True, **rq.statements_of_post(db_of(request), post_id)}


@router.post(
    "/statements/appeal",
    dependencies=[requires(None)],
    summary="An author appeals a decision on their post, once, with the post's notice token",
    responses=declared(400, 404, 409, 429),
)
def appeal_by_notice(request: Request, body: NoticeAppealIn) -> dict[str, Any]:
    from heard.protect.review import Review

    spend_public_action(request)
    row = locked_write(
        request,
        lambda store: Review(store).appeal_with_notice(body.token, body.decision_id, body.text),
    )
    return {"ok": True, "appeal_id": row["appeal_id"], "status": row["status"]}


@router.post(
    "/report",
    dependencies=[requires(None)],
    summary="Report a post (no account needed; rate-limited; a repeat of the same post and label "
    "from the same address answers with the first report, duplicate true)",
    responses=declared(400, 404, 429),
)
def report(request: Request, body: ReportIn) -> dict[str, Any]:
    filed = file_report(request, body.post_id, body.label, body.note)
    if filed["duplicate"]:
        filed["message"] = (
            "you reported this post under this label already; that report waits for review "
            "(nothing new was filed)"
        )
    return {"ok": True, **filed}


@router.get(
    "/transparency",
    dependencies=[requires(None)],
    summary="Public figures: flags, decisions, automation, appeals, time to decision",
)
def transparency(request: Request) -> dict[str, Any]:
    return {"ok": True, **rq.transparency(db_of(request))}


@router.get(
    "/audit/original-views",
    dependencies=[requires(Role.admin)],
    summary="Who used 'show original' (admins): time, account, role, post and reason of each "
    "use, newest first, from the audit log; never the original text",
    responses=declared(400),
)
def original_views(
    request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    from heard.protect.original import original_views as views

    return {
        "ok": True,
        "views": locked_write(request, lambda store: views(store, limit), changes=False),
    }


@router.get(
    "/calibration",
    dependencies=[requires(Role.admin)],
    summary="Per-moderator agreement with gold items (Cohen's κ)",
)
def calibration(request: Request) -> dict[str, Any]:
    from heard.protect.calibration import Calibration

    def work(store: Any) -> dict[str, Any]:
        cal = Calibration(store)
        return {"moderators": cal.report(), "gold": jsonable(cal.gold_list())}

    return {"ok": True, **locked_write(request, work, changes=False)}
