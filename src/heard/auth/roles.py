"""Roles, ordered: each role can do what the roles below it can."""

from __future__ import annotations

from enum import IntEnum

from heard.errors import InputError


class Role(IntEnum):
    viewer = 1  # reads dashboards, topics, hot spots, search
    analyst = 2  # also uploads data and reads the quarantine
    admin = 3  # also manages users and tokens

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
