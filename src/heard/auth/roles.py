"""Roles, ordered: each role can do what the roles below it can.

``moderator`` works the protect side's review queue (decisions, appeals); it sits above
``analyst`` so an admin can moderate too. Being a trusted flagger (DSA Art. 22) is not a role but
an attribute of an account (``heard users trusted NAME``): any account can be one, and its reports
go first in the queue. Role values are not stored (accounts keep the name), so inserting a role
changes no stored account.
"""

from __future__ import annotations

from enum import IntEnum

from heard.errors import InputError


class Role(IntEnum):
    """Stored by name, never by number, so a role can be inserted between two others."""

    viewer = 1  # reads dashboards, topics, hot spots, search
    responder = 2  # also works one department's case queue: status, reply, reassignment
    analyst = 3  # also uploads data, reads the quarantine, works every case queue (triage included)
    moderator = 4  # also reviews flags, decides on posts and on appeals (heard.protect)
    admin = 5  # also manages users and tokens, and sees reviewer calibration

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.strip().lower()]
        except KeyError:
            raise InputError(
                f"unknown role {name!r}",
                "use one of: " + ", ".join(r.name for r in cls),
            ) from None


def may_work_case(role: Role, own_department: str | None, case_department: str) -> bool:
    """Whether an account may change a case of ``case_department``: a responder only in the
    department its account is tied to; an analyst or an admin in any (they clear triage); a
    viewer never. Why responder sits below analyst: it works cases but does not see the
    quarantine or upload data; a department's staff need nothing else."""
    if role >= Role.analyst:
        return True
    if role == Role.responder:
        return own_department is not None and own_department == case_department
    return False


PUBLIC = None
"""What a route declares when anyone may call it (login page, health, static files)."""
