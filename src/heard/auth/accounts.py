"""Users, sessions and API tokens, kept in the store (migration 4).

Passwords: argon2id (argon2-cffi). Session and API tokens: random 32-byte values given to the
client once; only their SHA-256 is stored, so a copy of the database does not leak a login.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from heard.clock import utcnow
from heard.auth.roles import Role
from heard.errors import ConflictError, InputError, NotFoundError

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 8
SESSION_TTL = timedelta(hours=12)
TOKEN_PREFIX = "hrd_"
DEMO_USER, DEMO_PASSWORD = "demo", "heard-demo"

_hasher = PasswordHasher()
# A fixed hash verified when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: Role

    def can(self, needed: Role) -> bool:
        return self.role >= needed


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str


class Accounts:
    """Account operations over a store's connection. ``clock`` returns naive UTC datetimes."""

    def __init__(self, store: Any, clock: Callable[[], datetime] = utcnow):
        self.repo = store.accounts
        self.clock = clock

    # ---- users ------------------------------------------------------------------------------
    def add_user(
        self, username: str, password: str, role: Role | str, department: str | None = None
    ) -> User:
        """A new account; a responder names the department whose queue it works (and only a
        responder names one)."""
        role = Role.parse(role) if isinstance(role, str) else role
        if role == Role.responder and not department:
            raise InputError(
                "a responder works one department's queue: none was given",
                "name it: --department CODE (see heard departments)",
            )
        if department and role != Role.responder:
            raise InputError(
                f"only a responder is tied to a department, not a {role.name}",
                "leave out --department, or use --role responder",
            )
        if not USERNAME_RE.match(username):
            raise InputError(
                f"username {username!r} is not allowed",
                "use 2–64 letters, digits, '_', '.' or '-'",
            )
        if len(password) < MIN_PASSWORD:
            raise InputError(
                f"the password is shorter than {MIN_PASSWORD} characters", "choose a longer one"
            )
        if self.get_user(username) is not None:
            raise InputError(
                f"user {username!r} exists already", "remove it first, or pick another name"
            )
        self.repo.insert_user(username, _hasher.hash(password), role.name, self.clock())
        if department:
            self.repo.set_department(username, department)
        return User(username, role)

    def change_department(self, username: str, department: str) -> str | None:
        """Move a responder account to another department's queue; returns the department it
        worked before. The account keeps its password, sessions and API tokens: from its next
        request it works ``department``'s queue (the caller checks that the code is one in
        service, and records the change in the audit log)."""
        user = self.get_user(username)
        if user is None:
            raise NotFoundError(f"no user {username!r}", "see `heard users list`")
        if user.role != Role.responder:
            raise InputError(
                f"{username!r} has the role {user.role.name}: only a responder is tied to a "
                "department",
                "an analyst, moderator or admin works every department's cases already",
            )
        before = self.department_of(username)
        if before == department:
            raise InputError(
                f"{username!r} works {department!r} already", "name another department"
            )
        self.repo.set_department(username, department)
        return before

    def department_of(self, username: str) -> str | None:
        """The department a responder account works (None for other roles)."""
        result: str | None = self.repo.department(username)
        return result

    def get_user(self, username: str) -> User | None:
        row = self.repo.user(username)
        return User(row[0], Role[row[1]]) if row else None

    def list_users(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.repo.list_users()
        return result

    def remove_user(self, username: str) -> None:
        user = self.get_user(username)
        if user is None:
            raise InputError(f"no user {username!r}", "see `heard users list`")
        if user.role == Role.admin and not any(
            u["role"] == Role.admin.name and u["username"] != username for u in self.list_users()
        ):
            raise ConflictError(
                f"{username!r} is the last admin: no account could manage users, departments or "
                "settings after it",
                "add another admin first (role admin), then remove this one",
            )
        self.repo.remove_user(username, self.clock())

    def authenticate(self, username: str, password: str) -> User | None:
        row = self.repo.user(username)
        stored = row[2] if row else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if not row:
            return None
        if _hasher.check_needs_rehash(stored):
            self.repo.set_password_hash(username, _hasher.hash(password))
        return User(username, Role[row[1]])

    # ---- sessions ---------------------------------------------------------------------------
    def start_session(self, user: User) -> tuple[str, str]:
        """Return (session token for the cookie, CSRF token for forms)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        self.repo.start_session(_sha(token), user.username, csrf, now, now + SESSION_TTL)
        return token, csrf

    def session(self, token: str) -> Session | None:
        row = self.repo.session(_sha(token), self.clock())
        return Session(User(row[0], Role[row[1]]), row[2]) if row else None

    def end_session(self, token: str) -> None:
        self.repo.end_session(_sha(token))

    # ---- API tokens -------------------------------------------------------------------------
    def create_token(self, username: str, label: str = "") -> tuple[str, str]:
        """Return (token id, the token itself). The token is shown once and stored hashed."""
        if self.get_user(username) is None:
            raise NotFoundError(
                f"no user {username!r}", "add the user first: heard users add NAME --role ROLE"
            )
        token_id = secrets.token_hex(6)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.repo.insert_token(token_id, username, _sha(token), label, self.clock())
        return token_id, token

    def revoke_token(self, token_id: str) -> None:
        if not self.repo.token_exists(token_id):
            raise NotFoundError(
                f"no API token with id {token_id!r}", "see `heard users list --tokens`"
            )
        self.repo.revoke_token(token_id, self.clock())

    def list_tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.repo.list_tokens(username)
        return result

    def user_for_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        row = self.repo.token_user(_sha(token))
        return User(row[0], Role[row[1]]) if row else None


def ensure_demo_user(store: Any) -> User:
    """Create the demo login (``demo`` / ``heard-demo``) when absent; used by ``make demo``. A
    moderator, so that the tour reaches every side: the case queues and the review queue (not
    users, tokens or calibration, which are an admin's)."""
    accounts = Accounts(store)
    return accounts.get_user(DEMO_USER) or accounts.add_user(
        DEMO_USER, DEMO_PASSWORD, Role.moderator
    )
