"""Users, sessions and API tokens, kept in the store (migration 4).

Passwords: argon2id (argon2-cffi). Session and API tokens: random 32-byte values given to the
client once; only their SHA-256 is stored, so a copy of the database does not leak a login.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from heard.clock import utcnow
from heard.auth.roles import Role
from heard.errors import InputError

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
        self.store = store
        self.clock = clock
        self._lock = threading.Lock()

    def _con(self):
        return self.store.con.cursor()

    def _rows(self, sql: str, params: list[Any]) -> list[tuple]:
        with self._lock:
            con = self._con()
            try:
                return con.execute(sql, params).fetchall()
            finally:
                con.close()

    # ---- users ------------------------------------------------------------------------------
    def add_user(self, username: str, password: str, role: Role | str) -> User:
        role = Role.parse(role) if isinstance(role, str) else role
        if not USERNAME_RE.match(username):
            raise InputError(
                f"username {username!r} is not allowed",
                "use 2–64 letters, digits, '_', '.' or '-'",
            )
        if len(password) < MIN_PASSWORD:
            raise InputError(f"the password is shorter than {MIN_PASSWORD} characters", "choose a longer one")
        if self.get_user(username) is not None:
            raise InputError(f"user {username!r} exists already", "remove it first, or pick another name")
        self._rows("INSERT INTO users VALUES (?, ?, ?, ?)",
                   [username, _hasher.hash(password), role.name, self.clock()])
        return User(username, role)

    def get_user(self, username: str) -> User | None:
        rows = self._rows("SELECT username, role FROM users WHERE username = ?", [username])
        return User(rows[0][0], Role[rows[0][1]]) if rows else None

    def list_users(self) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT u.username, u.role, u.created_at, "
            "(SELECT count(*) FROM api_tokens t WHERE t.username = u.username AND t.revoked_at IS NULL) "
            "FROM users u ORDER BY u.username", [])
        return [{"username": r[0], "role": r[1], "created_at": r[2], "active_tokens": r[3]} for r in rows]

    def remove_user(self, username: str) -> None:
        if self.get_user(username) is None:
            raise InputError(f"no user {username!r}", "see `heard users list`")
        self._rows("DELETE FROM sessions WHERE username = ?", [username])
        self._rows("UPDATE api_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
                   [self.clock(), username])
        self._rows("DELETE FROM users WHERE username = ?", [username])

    def authenticate(self, username: str, password: str) -> User | None:
        rows = self._rows("SELECT password_hash, role FROM users WHERE username = ?", [username])
        stored = rows[0][0] if rows else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if not rows:
            return None
        if _hasher.check_needs_rehash(stored):
            self._rows("UPDATE users SET password_hash = ? WHERE username = ?", [_hasher.hash(password), username])
        return User(username, Role[rows[0][1]])

    # ---- sessions ---------------------------------------------------------------------------
    def start_session(self, user: User) -> tuple[str, str]:
        """Return (session token for the cookie, CSRF token for forms)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        self._rows("DELETE FROM sessions WHERE expires_at < ?", [now])
        self._rows("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                   [_sha(token), user.username, csrf, now, now + SESSION_TTL])
        return token, csrf

    def session(self, token: str) -> Session | None:
        rows = self._rows(
            "SELECT u.username, u.role, s.csrf_token FROM sessions s JOIN users u USING (username) "
            "WHERE s.token_hash = ? AND s.expires_at > ?", [_sha(token), self.clock()])
        if not rows:
            return None
        return Session(User(rows[0][0], Role[rows[0][1]]), rows[0][2])

    def end_session(self, token: str) -> None:
        self._rows("DELETE FROM sessions WHERE token_hash = ?", [_sha(token)])

    # ---- API tokens -------------------------------------------------------------------------
    def create_token(self, username: str, label: str = "") -> tuple[str, str]:
        """Return (token id, the token itself). The token is shown once and stored hashed."""
        if self.get_user(username) is None:
            raise InputError(f"no user {username!r}", "add the user first: heard users add NAME --role ROLE")
        token_id = secrets.token_hex(6)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._rows("INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, NULL)",
                   [token_id, username, _sha(token), label, self.clock()])
        return token_id, token

    def revoke_token(self, token_id: str) -> None:
        rows = self._rows("SELECT revoked_at FROM api_tokens WHERE token_id = ?", [token_id])
        if not rows:
            raise InputError(f"no API token with id {token_id!r}", "see `heard users list --tokens`")
        self._rows("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?", [self.clock(), token_id])

    def list_tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT token_id, username, label, created_at, revoked_at FROM api_tokens"
        rows = self._rows(sql + (" WHERE username = ?" if username else "") + " ORDER BY created_at",
                          [username] if username else [])
        return [dict(zip(["token_id", "username", "label", "created_at", "revoked_at"], r)) for r in rows]

    def user_for_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        rows = self._rows(
            "SELECT u.username, u.role FROM api_tokens t JOIN users u USING (username) "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL", [_sha(token)])
        return User(rows[0][0], Role[rows[0][1]]) if rows else None


def ensure_demo_user(store: Any) -> User:
    """Create the demo login (``demo`` / ``heard-demo``, analyst) when absent; used by ``make demo``."""
    accounts = Accounts(store)
    return accounts.get_user(DEMO_USER) or accounts.add_user(DEMO_USER, DEMO_PASSWORD, Role.analyst)
