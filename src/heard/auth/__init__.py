"""Accounts for the dashboard and API: users with roles, sessions, API tokens, login limits.

Roles are ordered ``viewer < analyst < admin``; a route declares the least role it needs.
Passwords are argon2 hashes; session and API tokens are stored only as SHA-256 hashes.
"""

from heard.auth.accounts import (
    Accounts,
    User,
    ensure_demo_user,
)
from heard.auth.ratelimit import LoginLimiter
from heard.auth.roles import PUBLIC, Role

__all__ = ["Accounts", "LoginLimiter", "PUBLIC", "Role", "User", "ensure_demo_user"]
