"""The accounts repository: users, browser sessions and API tokens.

Each call runs under a lock on a connection safe for any thread (``fetchall_any_thread``: its own
DuckDB cursor; PostgreSQL's connection), so request threads can share the repository.
Passwords and tokens arrive here already hashed (``heard.auth.accounts``).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any


class Accounts:
    def __init__(self, store: Any):
        self.store = store
        self._lock = threading.Lock()

    def _run(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._lock:
            result: list[tuple[Any, ...]] = self.store.fetchall_any_thread(sql, params)
            return result

    # ---- users ------------------------------------------------------------------------------
    def insert_user(self, username: str, password_hash: str, role: str, now: datetime) -> None:
        self._run(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            [username, password_hash, role, now],
        )

    def user(self, username: str) -> tuple[str, str, str] | None:
        """(username, role, password hash) or None."""
        rows = self._run(
            "SELECT username, role, password_hash FROM users WHERE username = ?", [username]
        )
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def set_department(self, username: str, department: str | None) -> None:
        """Tie a (responder) account to the department whose queue it works."""
        self._run("UPDATE users SET department = ? WHERE username = ?", [department, username])

    def department(self, username: str) -> str | None:
        rows = self._run("SELECT department FROM users WHERE username = ?", [username])
        return rows[0][0] if rows else None

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self._run(
            "UPDATE users SET password_hash = ? WHERE username = ?", [password_hash, username]
        )

    def list_users(self) -> list[dict[str, Any]]:
        rows = self._run(
            "SELECT u.username, u.role, u.created_at, (SELECT count(*) FROM api_tokens t "
            "WHERE t.username = u.username AND t.revoked_at IS NULL), u.department "
            "FROM users u ORDER BY u.username"
        )
        return [
            {
                "username": r[0],
                "role": r[1],
                "created_at": r[2],
                "active_tokens": r[3],
                "department": r[4],
            }
            for r in rows
        ]

    def remove_user(self, username: str, now: datetime) -> None:
        """The user, its sessions, and its tokens (revoked, kept for the record)."""
        with self.store.transaction():
            self._run("DELETE FROM sessions WHERE username = ?", [username])
            self._run(
                "UPDATE api_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
                [now, username],
            )
            self._run("DELETE FROM users WHERE username = ?", [username])

    # ---- sessions ---------------------------------------------------------------------------
    def start_session(
        self, token_hash: str, username: str, csrf: str, now: datetime, expires_at: datetime
    ) -> None:
        self._run("DELETE FROM sessions WHERE expires_at < ?", [now])
        self._run(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
            [token_hash, username, csrf, now, expires_at],
        )

    def session(self, token_hash: str, now: datetime) -> tuple[str, str, str] | None:
        """(username, role, CSRF token) of a live session, or None."""
        rows = self._run(
            "SELECT u.username, u.role, s.csrf_token FROM sessions s JOIN users u USING (username) "
            "WHERE s.token_hash = ? AND s.expires_at > ?",
            [token_hash, now],
        )
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def end_session(self, token_hash: str) -> None:
        self._run("DELETE FROM sessions WHERE token_hash = ?", [token_hash])

    # ---- API tokens -------------------------------------------------------------------------
    def insert_token(
        self, token_id: str, username: str, token_hash: str, label: str, now: datetime
    ) -> None:
        self._run(
            "INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, NULL)",
            [token_id, username, token_hash, label, now],
        )

    def token_exists(self, token_id: str) -> bool:
        return bool(self._run("SELECT 1 FROM api_tokens WHERE token_id = ?", [token_id]))

    def revoke_token(self, token_id: str, now: datetime) -> None:
        self._run("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?", [now, token_id])

    def list_tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT token_id, username, label, created_at, revoked_at FROM api_tokens"
        rows = self._run(
            sql + (" WHERE username = ?" if username else "") + " ORDER BY created_at",
            [username] if username else [],
        )
        return [
            dict(zip(["token_id", "username", "label", "created_at", "revoked_at"], r))
            for r in rows
        ]

    def token_user(self, token_hash: str) -> tuple[str, str] | None:
        """(username, role) of a live token, or None."""
        rows = self._run(
            "SELECT u.username, u.role FROM api_tokens t JOIN users u USING (username) "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL",
            [token_hash],
        )
        return (rows[0][0], rows[0][1]) if rows else None

    # ---- trusted flaggers (DSA Art. 22): an attribute of an account -------------------------
    def set_trusted_flagger(self, username: str, trusted: bool) -> None:
        self._run("UPDATE users SET trusted_flagger = ? WHERE username = ?", [trusted, username])

    def is_trusted_flagger(self, username: str) -> bool:
        rows = self._run(
            "SELECT coalesce(trusted_flagger, false) FROM users WHERE username = ?", [username]
        )
        return bool(rows and rows[0][0])
