"""Notifications to departments: a new case in their queue, a deadline near, a case overdue, a
closure disputed — to the department's webhook and e-mail (``webhook``, ``email`` in its
``[[departments]]`` table; e-mail needs ``smtp_host``).

``notify_cases(store, settings, now)`` is one scan: it works out the notifications due, records
the new ones in ``case_notifications`` (one per case, kind and *ref*, so a scan never repeats
one), then delivers every recorded notification that still has a channel to deliver. What is due:

- ``new_case``: an open case in a department's queue; ref = the department (a case reassigned
  to another department is new in that one's queue, and notifies it once; one handed back to a
  department it left is new there again: ref = department and arrival, ``water|2``);
- ``deadline_near``: an open case whose deadline is at most ``notify_deadline_hours`` away;
- ``overdue``: an open case past its deadline; for both, ref = department and deadline, so a new
  deadline or a new department notifies again, the same one never;
- ``disputed``: a citizen's dispute (the ``disputed`` event) of a case that is still open;
  ref = the event, so a second dispute notifies again.

Each channel's delivery is stored with the notification (``deliveries``: per channel ``ok``,
``attempts`` — the scans that tried it —, ``tries`` — every try's outcome —, ``error``). A failed
channel is tried again at the next scan, up to ``notify_max_attempts`` scans; a channel that got
through is never sent again. A channel found dead in a scan (a webhook timed out, unreachable
or answering 5xx; an SMTP server down) is not tried again in that scan: its other notifications
are counted as tried and wait for the next. A webhook try retries with backoff inside the scan
(the alerts' ``WebhookSink``, with the notification id as ``Idempotency-Key``); e-mails carry it
as ``Message-ID``. A pending notification whose department has no contact left (its webhook
and e-mail both removed) is closed unsent, its
``deliveries.closed`` = ``{"reason": "no_contact", ...}``, and never sent later — before, it
waited for a retry forever and a contact added back sent the stale backlog, closed cases
included. A queue notice (new case, deadline near, overdue) whose case was closed or moved
while it waited is closed unsent the same way (``overtaken``). Delivery is at least once: a
process killed between sending and recording sends again at the next scan, with the same key.

Content (RIGHTS.md §4, §7): the case id, department, status, dates, the public link and the
concern's title and text redacted as every display redacts them. Never the post id, an author
key, an account name or a dispute's note.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from heard.answer.cases import OPEN_STATES, TRIAGE
from heard.answer.retired import retire_removed, retired_codes, stored_codes
from heard.clock import to_naive_utc
from heard.notify.sinks import RETRY_STATUS, WebhookSink
from heard.read.redact import redact

KINDS = ("new_case", "deadline_near", "overdue", "disputed")
CHANNELS = ("webhook", "email")
MAX_CONCERN_CHARS = 4000
SMTP_TIMEOUT_S = 10.0
LINK_PATH = "/public/cases/{case_id}"
"""The case's public page (status, department, reply, timeline; no personal data)."""

_HEADLINES = {
    "new_case": "new case in the queue of {dept}",
    "deadline_near": "deadline within {hours} hours",
    "overdue": "overdue: open past its deadline",
    "disputed": "disputed: the closure was contested and the case is open again",
}


@dataclass(frozen=True)
class Contact:
    """Where a department is told: its webhook and e-mail (either may be missing)."""

    code: str
    name_zh: str = ""
    name_en: str = ""
    webhook: str | None = None
    email: str | None = None

    @property
    def name(self) -> str:
        return " / ".join(n for n in (self.name_zh, self.name_en) if n) or self.code


def contacts(settings: Any, store: Any) -> dict[str, Contact]:
    """Departments with a webhook or an e-mail: the configured ones (heard.toml, the preset, the
    dashboard's). Where none is configured (a trained router alone), those stored by earlier
    runs. A department removed from the configuration is never among them: its stored contacts
    are not told (``heard.answer.retired``)."""
    from heard.answer.operator import configured_departments

    found: dict[str, Contact] = {}
    configured = configured_departments(settings, store)
    if not configured and "departments" in store.tables():
        for d in store.cases.departments():
            found[d["code"]] = Contact(
                d["code"], d.get("name_zh") or "", d.get("name_en") or "",
                d.get("webhook"), d.get("email"),
            )  # fmt: skip
    for d in configured:
        found[d.code] = Contact(d.code, d.name_zh, d.name_en, d.webhook, d.email)
    return {c: v for c, v in found.items() if c != TRIAGE and (v.webhook or v.email)}


def notification_id(case_id: str, kind: str, ref: str) -> str:
    return hashlib.sha1(f"{case_id}|{kind}|{ref}".encode()).hexdigest()[:20]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else to_naive_utc(value).isoformat(timespec="seconds") + "Z"


def due(
    cases: Iterable[dict[str, Any]],
    disputes: Iterable[dict[str, Any]],
    departments: Iterable[str],
    known: set[tuple[str, str, str]],
    now: datetime,
    near_hours: int,
) -> list[dict[str, Any]]:
    """The notifications to record now: (case, kind, ref) not in ``known``, for cases of
    ``departments``. ``cases`` are open cases; ``disputes`` the ``disputed`` events with their
    case's department and status. Pure: the scan and tests call it alike."""
    wanted = set(departments)
    current = to_naive_utc(now)
    near = timedelta(hours=near_hours)
    out: list[dict[str, Any]] = []

    def add(case: dict[str, Any], kind: str, ref: str) -> None:
        key = (case["case_id"], kind, ref)
        if key in known:
            return
        known.add(key)
        out.append({"case_id": key[0], "kind": kind, "ref": ref, "case": case})

    for case in cases:
        dept = case["department"]
        if dept not in wanted or case["status"] not in OPEN_STATES:
            continue
        # a case back in a queue it left is new there again: ref "dept|n" for its n-th arrival
        # (its first keeps "dept", so what a store recorded before stays recorded)
        arrivals = int(case.get("arrivals") or 0)
        add(case, "new_case", dept if arrivals <= 1 else f"{dept}|{arrivals}")
        deadline = case.get("deadline_at")
        if deadline is None:
            continue
        deadline = to_naive_utc(deadline)
        ref = f"{dept}|{_iso(deadline)}"
        if current > deadline:
            add(case, "overdue", ref)
        elif deadline - current <= near:
            add(case, "deadline_near", ref)
    for event in disputes:
        if event["department"] in wanted and event["status"] in OPEN_STATES:
            add(event, "disputed", str(event["event_id"]))
    return out


def payload(
    item: dict[str, Any],
    contact: Contact,
    concern: dict[str, Any] | None,
    now: datetime,
    *,
    near_hours: int,
    base_url: str | None,
) -> dict[str, Any]:
    """What a notification says, as JSON (the webhook's body; the e-mail is written from it)."""
    case = item["case"]
    text = redact((concern or {}).get("text")) or ""
    if len(text) > MAX_CONCERN_CHARS:
        text = text[:MAX_CONCERN_CHARS] + "…"
    link = LINK_PATH.format(case_id=case["case_id"])
    headline = _HEADLINES[item["kind"]].format(dept=contact.name, hours=near_hours)
    return {
        "notification_id": notification_id(item["case_id"], item["kind"], item["ref"]),
        "kind": item["kind"],
        "case_id": case["case_id"],
        "department": {
            "code": contact.code,
            "name_zh": contact.name_zh,
            "name_en": contact.name_en,
        },
        "status": case["status"],
        "created_at": _iso(case.get("created_at")),
        "deadline_at": _iso(case.get("deadline_at")),
        "link": (base_url.rstrip("/") if base_url else "") + link,
        "concern": {"title": redact((concern or {}).get("title")), "text": text},
        "message": f"case {case['case_id']}: {headline}",
        "notified_at": _iso(now),
    }


def email_message(body: dict[str, Any], to: str, sender: str) -> EmailMessage:
    """The plain-text e-mail of a notification payload."""
    msg = EmailMessage()
    # one line: a department name stored with a line break made every send raise
    msg["Subject"] = " ".join(f"[Heard] {body['message']}".split())
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = f"<{body['notification_id']}@heard>"
    dept = body["department"]
    names = " / ".join(n for n in (dept["name_zh"], dept["name_en"]) if n)
    concern = body["concern"]
    lines = [
        body["message"],
        "",
        f"Case:       {body['case_id']}",
        f"Department: {names} ({dept['code']})" if names else f"Department: {dept['code']}",
        f"Status:     {body['status']}",
        f"Opened:     {body['created_at']}",
        f"Deadline:   {body['deadline_at'] or '-'}",
        f"Link:       {body['link']}",
        "",
        "Concern (personal data redacted):",
        *([concern["title"]] if concern.get("title") else []),
        concern["text"],
        "",
        "-- ",
        "Sent by Heard. Reply to the case through Heard, not to this e-mail.",
    ]
    msg.set_content("\n".join(lines))
    return msg


def send_email(settings: Any, msg: EmailMessage, password: str | None) -> dict[str, Any]:
    """One try over SMTP: ``{"ok": bool, "try": outcome}``, with ``"down": True`` when the
    server could not be reached or hung up; never raises for a delivery."""
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, password or "")
            refused = smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        # the server, not this message: unreachable, timed out, hung up, refused the login or
        # the sender — the next e-mail would fare alike (a refused recipient or message would not)
        down = not isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError))
        return {"ok": False, "try": f"{type(exc).__name__}: {exc}"[:300], "down": down}
    if refused:
        return {"ok": False, "try": f"refused: {sorted(refused)}"}
    return {"ok": True, "try": "250"}


def _channels(contact: Contact | None, settings: Any) -> list[str]:
    if contact is None:
        return []
    out = []
    if contact.webhook:
        out.append("webhook")
    if contact.email and settings.smtp_host:
        out.append("email")
    return out


def _dead_try(outcome: str) -> bool:
    """Whether a webhook's last try says the endpoint is down for every notification (timed out,
    unreachable, or a status asking to come back later), not that it refused this one."""
    return (
        outcome == "timeout"
        or outcome.startswith("unreachable")
        or (outcome.isdigit() and int(outcome) in RETRY_STATUS)
    )


class _Sender:
    """Sends one notification's channels that still need it, and keeps their record."""

    def __init__(self, settings: Any, sleep: Callable[[float], None], at: datetime):
        self.settings = settings
        self.sleep = sleep
        self.at = _iso(at)
        self.hooks: dict[str, WebhookSink] = {}
        # channels found dead in this scan (a webhook URL, "email"), with the try that showed it:
        # not tried again until the next scan, so one dead channel costs one notification's
        # tries, not every pending notification's (a hung webhook held a scan ~24 s each)
        self.dead: dict[str, str] = {}
        self.password = settings.smtp_password() if settings.smtp_user else None

    def deliver(
        self, note: dict[str, Any], contact: Contact | None
    ) -> tuple[dict[str, Any], bool, list[str]]:
        """(deliveries, done, the channels tried now)."""
        limit = self.settings.notify_max_attempts
        deliveries = dict(note["deliveries"] or {})
        channels = _channels(contact, self.settings)
        tried = []
        for channel in channels:
            state = dict(deliveries.get(channel) or {"ok": False, "attempts": 0, "tries": []})
            if state["ok"] or state["attempts"] >= limit:
                continue
            assert contact is not None
            target = (contact.webhook or "") if channel == "webhook" else "email"
            if target in self.dead:  # counted as this scan's try: given up as if tried
                ok, tries = False, [f"not tried: {self.dead[target]} earlier in this scan"]
            elif channel == "webhook":
                ok, tries = self._webhook(target, note["payload"])
                if not ok and tries and _dead_try(tries[-1]):
                    self.dead[target] = tries[-1]
            else:
                try:
                    msg = email_message(
                        note["payload"], contact.email or "", self.settings.smtp_from
                    )
                    result = send_email(self.settings, msg, self.password)
                except ValueError as exc:  # an address the e-mail library refuses: this one
                    result = {"ok": False, "try": f"cannot write the e-mail: {exc}"[:300]}
                ok, tries = result["ok"], [result["try"]]
                if result.get("down"):
                    self.dead[target] = result["try"].split(":")[0]
            state.update(
                ok=ok,
                attempts=state["attempts"] + 1,
                tries=[*state["tries"], *tries],
                error=None if ok else (tries[-1] if tries else "not sent"),
                at=self.at,
            )
            deliveries[channel] = state
            tried.append(channel)
        done = bool(channels) and all(
            deliveries.get(c, {}).get("ok") or deliveries.get(c, {}).get("attempts", 0) >= limit
            for c in channels
        )
        return deliveries, done, tried

    def _webhook(self, url: str, body: dict[str, Any]) -> tuple[bool, list[str]]:
        sink = self.hooks.get(url)
        if sink is None:
            sink = WebhookSink([url], sleep=self.sleep, id_field="notification_id")
            self.hooks[url] = sink
        result = sink.send(body)
        target = result["targets"][0]
        return bool(result["ok"]), list(target["attempts"])

    def close(self) -> None:
        for sink in self.hooks.values():
            sink.close()


def notify_cases(
    store: Any,
    settings: Any,
    now: datetime,
    *,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    lock: AbstractContextManager[Any] | None = None,
) -> dict[str, Any]:
    """One scan: move the open cases of departments removed from the configuration to triage
    (``heard.answer.retired``), record the notifications due at ``now``, then deliver what is
    pending.

    Returns ``{"new": [...], "sent": [...], "closed": [...], "pending": n,
    "email_unconfigured": [...], "retired": [...]}``: the notifications recorded now, those tried
    now with their deliveries, those closed unsent now (``reason`` ``retired``: their department
    was removed from the configuration; ``no_contact``: their department has no channel left;
    ``overtaken``: their case was closed or moved meanwhile), how many still wait, departments
    that have an e-mail while ``smtp_host`` is unset, and the open cases moved to triage now
    because their department was removed (``{"case_id", "from"}``). ``dry_run``: only
    say what would be recorded and retried (nothing is stored or sent). ``lock`` is held
    around every store access (the server's write lock), never while sending."""
    guard: AbstractContextManager[Any] = lock if lock is not None else nullcontext()
    with guard:
        if getattr(store, "cases", None) is None:  # the answer side is not on this backend
            return {
                "new": [], "sent": [], "closed": [], "pending": 0, "email_unconfigured": [],
                "retired": [],
            }  # fmt: skip
        from heard.answer.operator import configured_departments

        configured = [d.code for d in configured_departments(settings, store)]
        moved = [] if dry_run or store.read_only else retire_removed(store, configured, now)
        retired = set(retired_codes(stored_codes(store), configured))
        found = contacts(settings, store)
        unconfigured = sorted(c for c, v in found.items() if v.email and not settings.smtp_host)
        summary: dict[str, Any] = {
            "new": [], "sent": [], "pending": 0, "email_unconfigured": unconfigured,
        }  # fmt: skip
        summary["closed"], summary["retired"] = [], moved
        if "case_notifications" not in store.tables():
            return summary
        cases, disputes = store.cases.notification_inputs(sorted(found), OPEN_STATES)
        items = due(
            cases, disputes, found, store.cases.notification_keys(), now,
            settings.notify_deadline_hours,
        )  # fmt: skip
        rows = [
            {
                "notification_id": notification_id(i["case_id"], i["kind"], i["ref"]),
                "case_id": i["case_id"],
                "kind": i["kind"],
                "ref": i["ref"],
                "department": i["case"]["department"],
                "created_at": now,
                "payload": payload(
                    i,
                    found[i["case"]["department"]],
                    store.cases.concern(i["case_id"]),
                    now,
                    near_hours=settings.notify_deadline_hours,
                    base_url=settings.public_base_url,
                ),
            }
            for i in items
        ]
        summary["new"] = [_brief(r) for r in rows]
        if dry_run or store.read_only:
            summary["pending"] = len(store.cases.pending_notifications()) + len(rows)
            return summary
        store.cases.add_notifications(rows)
        pending = store.cases.pending_notifications()
    sender = _Sender(settings, sleep, now)
    left = 0
    try:
        for note in pending:
            contact = found.get(note["department"])
            why = (
                "retired" if note["department"] in retired
                else "no_contact" if contact is None
                else _overtaken(store, note)
            )  # fmt: skip
            if why is not None:  # nothing can send it, or what it says is no longer so
                closed = {**(note["deliveries"] or {}), "closed": _closed_unsent(why, now)}
                with guard:
                    store.cases.set_notification_deliveries(note["notification_id"], closed, True)
                summary["closed"].append({**_brief(note), "reason": why})
                continue
            assert contact is not None
            deliveries, done, tried = sender.deliver(note, contact)
            if not tried:
                left += 0 if done else 1
                continue
            with guard:
                store.cases.set_notification_deliveries(note["notification_id"], deliveries, done)
            summary["sent"].append({**_brief(note), "deliveries": deliveries, "done": done})
            left += 0 if done else 1
    finally:
        sender.close()
    summary["pending"] = left
    return summary


QUEUE_KINDS = ("new_case", "deadline_near", "overdue")
"""Notices about a case waiting in the department's queue: stale once it is closed or moved."""

_CLOSED_WHY = {
    "no_contact": "the department has no webhook or e-mail any more: closed unsent; a contact "
    "added later is told of later moves, not of this one",
    "retired": "the department is retired (removed from heard.toml, or by an admin): closed "
    "unsent, its stored contacts are not told any more (its open cases went to triage)",
    "overtaken": "the case was closed or moved to another department before this notice could "
    "be delivered: closed unsent (a dead channel came back, or a contact was added, too late)",
}


def _overtaken(store: Any, note: dict[str, Any]) -> str | None:
    """``overtaken`` when a queue notice (new case, deadline near, overdue) waited for a channel
    while its case was closed or moved on: sending it now would call a department to a case that
    is done or not its own. A dispute is told whatever happened since."""
    if note["kind"] not in QUEUE_KINDS:
        return None
    case = store.cases.case(note["case_id"])
    moved = case is None or case["department"] != note["department"]
    return "overtaken" if moved or case["status"] not in OPEN_STATES else None


def _closed_unsent(why: str, now: datetime) -> dict[str, Any]:
    return {"reason": why, "at": _iso(now), "message": _CLOSED_WHY[why]}


def _brief(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("notification_id", "case_id", "kind", "department")}
