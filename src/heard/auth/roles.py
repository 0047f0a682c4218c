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
    viewer = 1  # reads dashboards, topics, hot spots, search
    analyst = 2  # also uploads data and reads the quarantine
    moderator = 3  # also reviews flags, decides on posts and on appeals (heard.protect)
    admin = 4  # also manages users and tokens, and sees reviewer calibration

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.strip().lower()]
        except KeyError:
            raise InputError(
                f"unknown role {name!r}",
                "use one of: " + ", ".join(r.name for r in cls),
            ) from None


PUBLIC = None
"""What a route declares when anyone may call it (login page, health, static files)."""
