"""A concern sent twice is filed once: the receipts of the last minutes' submissions.

A 311 app retries ``POST requests.json`` when the answer is slow to come (a timeout, a lost
connection), and a person taps "send" twice; before, each copy became a post and a case, so a
department's queue held the same concern twice and its figures counted it twice. Now a
submission that repeats one filed in the last ``WINDOW`` (10 minutes) gets the first one's
receipt back — the same request id and the same token — and nothing new is stored.

A submission repeats another when everything that describes it is the same (``key``):

- the channel, the department (Open311's ``service_code``) and the text (spaces trimmed);
- for Open311, the place (``lat``, ``long``, ``address_string``, ``address_id``) and who sent
  it as the request says (``email``, ``device_id``, ``account_id``, names, ``phone``); when it
  says nothing of the sender, the client's address (an IPv6 client's /64) stands for it;
- for the public form, the form's own one-time number (each form shown gets a fresh one, so a
  double click or a resend of the page repeats, a second person's form does not); without it,
  the client's address.

So two people who report the same pothole in the same words both get a request of their own,
and both posts count for the hot spot; so does one person who reports it again after the window.
A repeat of a case that is no longer open (closed, or its case gone) is filed as a new concern:
the receipt does not bring a closed case back.

The receipts are kept in the server's memory only, at most ``WINDOW`` and ``LIMIT`` of them,
never in the store: the key is a SHA-256 digest of the fields above, and the token (shown once
to the sender, stored only as its hash) is kept beside it so that a repeat can be given it
again. A restart forgets them; a repeat sent across a restart is filed again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=10)
"""How long a submission's receipt is kept for its repeats."""
LIMIT = 20_000
"""Receipts kept at most (the oldest go first): a flood cannot grow the server's memory."""


@dataclass(frozen=True)
class Receipt:
    case_id: str
    token: str
    filed_at: datetime


def key(*parts: object) -> str:
    """The digest of what describes a submission (see the module docstring)."""
    body = json.dumps([str(p) if p is not None else None for p in parts], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class Receipts:
    """The receipts of the submissions filed in the last ``window``, by ``key``."""

    def __init__(self, window: timedelta = WINDOW, limit: int = LIMIT):
        self.window, self.limit = window, limit
        self._kept: OrderedDict[str, Receipt] = OrderedDict()
        self._lock = threading.Lock()

    def _prune(self, now: datetime) -> None:
        while self._kept:
            oldest = next(iter(self._kept.values()))
            if now - oldest.filed_at <= self.window and len(self._kept) <= self.limit:
                return
            self._kept.popitem(last=False)

    def find(self, digest: str, now: datetime) -> Receipt | None:
        """The receipt of the submission ``digest`` filed within the window before ``now``."""
        with self._lock:
            self._prune(now)
            return self._kept.get(digest)

    def keep(self, digest: str, receipt: Receipt) -> None:
        """Remember ``receipt`` for the repeats of ``digest`` (the newest replaces an older)."""
        with self._lock:
            self._kept.pop(digest, None)
            self._kept[digest] = receipt
            self._prune(receipt.filed_at)

    def __len__(self) -> int:
        return len(self._kept)
