"""Typed settings, built once at the edge (CLI, server) and passed down.

Precedence: defaults < ``heard.toml`` (in the working directory, or ``--config``) < ``HEARD_*``
environment variables < command-line flags. No other module reads the environment. A
``HEARD_*`` variable that names no setting (a typo: ``HEARD_DATABSE``) is warned about once on
stderr, with the nearest setting's variable.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from heard.errors import InputError


class Settings(BaseSettings):
    """Every setting Heard has, with its default and what it does."""

    model_config = SettingsConfigDict(env_prefix="HEARD_", extra="forbid")

    db: str = Field(
        "heard.duckdb",
        description="The store that holds everything: a DuckDB file, or a PostgreSQL URL "
        "(postgresql://user@host:port/db; postgresql:///db for the local socket) that serve, "
        "watch and other commands share.",
    )
    timezone: str = Field(
        "Asia/Shanghai",
        description="Time zone of source timestamps that carry none, and of every time shown to "
        "people "
        "(CLI tables, dashboard, brief; marked with its offset). Stored and API times are UTC.",
    )
    author_salt: str | None = Field(
        None,
        description="Salt for pseudonymous author keys (RIGHTS.md §4). Unset: each store creates a "
        "random one on first use and keeps it (heard.protect.salt). Set it only to share keys "
        "across stores, as a secret.",
    )
    batch_size: int = Field(512, ge=1, le=100_000, description="Posts per pipeline batch.")
    watch_batch_size: int = Field(
        64,
        ge=1,
        le=100_000,
        description="Posts per small batch in 'heard watch' (a batch is also processed when it has "
        "waited --max-wait seconds).",
    )
    embedder: str = Field(
        "use-int8",
        description="'use-int8' (multilingual USE, bundled, its token layers in int8: ~2x faster "
        "than 'use', "
        "vectors at cosine ~0.9998 to it), 'use' (the same model in float32), 'use-int8-row' (int8 "
        "with activations quantised per row: a text's vector never depends on its batch) or "
        "'st:/local/path' "
        "(sentence-transformers). A database keeps one embedder's vectors.",
    )
    user_dict: Path | None = Field(None, description="jieba user dictionary (place names).")
    threads: int = Field(
        2,
        ge=1,
        le=64,
        description="Embedder threads: chunks of 256 texts are encoded side by side (vectors do "
        "not depend on it).",
    )
    alert_log: Path = Field(Path("heard-alerts.jsonl"), description="JSONL file alerts go to.")
    webhooks: list[str] = Field(default_factory=list, description="URLs alerts are POSTed to.")
    alert_alpha: float = Field(
        1e-7,
        gt=0,
        le=1e-3,
        description="Alert sensitivity: the burst test's significance level. Larger alerts sooner "
        "and more often (measured trade-off in docs/heat.md).",
    )
    min_group_size: int = Field(
        5, ge=5, description="k: aggregates shown need at least this many distinct authors."
    )
    public_accounts: list[str] = Field(
        default_factory=list,
        description="Public institutional accounts whose @handles in posts are shown as written "
        "(RIGHTS.md §4); every other @mention is shown as @[user].",
    )

    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Reverse proxies (addresses or networks, e.g. 127.0.0.1, 10.0.0.0/8) whose "
        "X-Forwarded-For/-Proto headers are believed: the login limit then counts the real "
        "client, and cookies get Secure when the browser used https. Empty: the headers are "
        "ignored.",
    )
    answer_cases: bool = Field(
        False,
        description="Open a case for every new top-level post: route it to a department (low "
        "confidence: the 'triage' queue) and import an official reply the source carries "
        "(答复意见/答复时间). On for '--preset teddycup-replies'.",
    )
    case_sources: list[str] = Field(
        default_factory=list,
        description="With answer_cases on, only posts of these sources open cases (e.g. "
        "['cityboard']: a message board's posts are concerns, a microblog's are listened to). "
        "Empty: every source. The public form and Open311 always open cases.",
    )
    router_model: Path | None = Field(
        None,
        description="Directory of a router trained with 'heard train router'; without one, "
        "cases are routed zero-shot from the departments' descriptions.",
    )
    department_preset: str | None = Field(
        None,
        description="Departments to use when heard.toml names none (no departments tables): "
        "'teddycup' (the seven first-level departments of the Teddy Cup 2020 board).",
    )
    departments: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The departments array of tables in heard.toml (at the top level, beside "
        "the heard table; docs/routing.md).",
    )
    issues: bool = Field(
        True,
        description="Find issues (one problem at one place or of one group) at the end of every "
        "run: heard issues, the dashboard's Issues page and the brief.",
    )
    issues_posts: int = Field(
        20000,
        ge=100,
        description="Issues are found among this many newest posts (bounds the end-of-run work).",
    )
    protect: bool = Field(
        True,
        description="Run the harm detectors (heard.protect) on every ingested post and store their "
        "flags for review. Off: no flags (throughput cost measured in docs/protect/review.md).",
    )
    protect_auto_threshold: float | None = Field(
        0.9,
        ge=0.5,
        le=1.0,
        description="Spam and scam flags scoring at least this are actioned automatically, with a "
        "statement of reasons (RIGHTS.md §5: no other label ever is). None: never.",
    )
    protect_auto_action: str = Field(
        "limit_visibility",
        pattern="^(label|limit_visibility|remove)$",
        description="What an automated spam/scam decision does: label, limit_visibility or remove.",
    )

    notify_deadline_hours: int = Field(
        24,
        ge=1,
        le=24 * 30,
        description="Case notifications: a department is told 'deadline near' when an open case's "
        "deadline is at most this many hours away (docs/answer/notifications.md).",
    )
    notify_interval_s: float = Field(
        60.0,
        ge=0,
        le=24 * 3600,
        description="Case notifications: while `heard serve` runs, it scans for due "
        "notifications this often, in seconds (0: never; then `heard notify` or `heard watch` "
        "must send them).",
    )
    notify_max_attempts: int = Field(
        5,
        ge=1,
        le=100,
        description="Case notifications: scans (heard notify, heard watch refreshes) that try a "
        "failed channel of a notification before it is given up (each webhook try itself retries "
        "with backoff).",
    )
    public_base_url: str | None = Field(
        None,
        pattern=r"^https?://\S+$",
        description="Address of the public server (e.g. https://heard.city.example): put before "
        "the case link in notifications. Unset: the link is the path alone.",
    )
    smtp_host: str | None = Field(
        None,
        description="SMTP server that case notifications are e-mailed through (departments' "
        "email). Unset: notifications go to departments' webhooks only.",
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_from: str = Field(
        "heard@localhost",
        pattern=r"^[^@\s]+@[^@\s]+$",
        description="Sender address of notification e-mails.",
    )
    smtp_starttls: bool = Field(
        False, description="Upgrade the SMTP connection with STARTTLS before logging in."
    )
    smtp_user: str | None = Field(
        None, description="SMTP login name (with smtp_password_env); unset: no login."
    )
    smtp_password_env: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable that holds the SMTP password (the password "
        "itself is never written in heard.toml).",
    )

    @field_validator("db", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        """Kept as written: a path would fold ``postgresql:///db`` into ``postgresql:/db``."""
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"{name!r} is not an IANA time zone (e.g. Asia/Shanghai, UTC)"
            ) from exc
        return name

    def smtp_password(self) -> str | None:
        """The SMTP password from the environment variable ``smtp_password_env`` names."""
        if not self.smtp_password_env:
            return None
        value = os.environ.get(self.smtp_password_env)
        if value is None:
            raise InputError(
                f"smtp_password_env names {self.smtp_password_env}, which is not set",
                f"export {self.smtp_password_env}=… before running, or unset smtp_password_env",
            )
        return value

    def public(self) -> dict[str, Any]:
        """Settings as shown by ``heard config show`` (the salt and a database password are
        never printed)."""
        from heard.store.backends import shown  # a PostgreSQL URL as a URL, its password hidden

        out = self.model_dump(mode="json")
        out["db"] = shown(self.db)
        out["author_salt"] = (
            "(set)" if self.author_salt else "(random per store, created on first use)"
        )
        return out


NOT_SETTINGS_ENV = ("HEARD_PG_BINDIR", "HEARD_BENCH_CACHE")
"""``HEARD_*`` variables read by the test helpers and benchmarks, not settings (as are
``HEARD_TEST_*``, the test suite's hooks): never warned about."""

_warned: set[str] = set()


def ignored_env(settings: Settings | None = None) -> list[tuple[str, str]]:
    """``(variable, nearest setting variable)`` for each ``HEARD_*`` variable of the environment
    that no setting reads (the variable ``smtp_password_env`` names is read: not ignored)."""
    known = sorted(f"HEARD_{name.upper()}" for name in Settings.model_fields)
    read = set(NOT_SETTINGS_ENV)
    if settings is not None and settings.smtp_password_env:
        read.add(settings.smtp_password_env.upper())
    out = []
    for name in sorted(os.environ):
        upper = name.upper()
        if not upper.startswith("HEARD_") or upper.startswith("HEARD_TEST_"):
            continue
        if upper not in known and upper not in read:
            nearest = difflib.get_close_matches(upper, known, n=1, cutoff=0.0)
            out.append((name, nearest[0] if nearest else known[0]))
    return out


def ignored_env_note(name: str, nearest: str) -> str:
    return (
        f"{name} is not a Heard setting and was ignored (did you mean {nearest}? "
        "'heard config show' lists every setting)"
    )


def warn_ignored_env(settings: Settings) -> None:
    """Warn on stderr, once per process and variable, of each ``ignored_env`` variable: a typo
    in ``HEARD_DB`` left every command on ./heard.duckdb without a word."""
    for name, nearest in ignored_env(settings):
        if name not in _warned:
            _warned.add(name)
            print(f"warning: {ignored_env_note(name, nearest)}", file=sys.stderr, flush=True)


def load_settings(config: Path | None = None, *, warn: bool = True, **flags: Any) -> Settings:
    """Build settings from ``heard.toml`` (or ``config``), the environment, then ``flags``.

    Flags that are ``None`` are treated as not given. ``warn``: warn of ``HEARD_*`` variables
    that name no setting (``warn_ignored_env``).
    """
    path = config or Path("heard.toml")
    from_file: dict[str, Any] = {}
    if config is not None and not path.exists():
        raise InputError(f"config file {path} does not exist", "give the path of a heard.toml")
    if path.exists():
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
            stray = sorted(set(document) - {"heard", "departments"})
            if stray:  # e.g. `db = …` above [heard]: it would be silently ignored
                raise InputError(
                    f"{stray[0]!r} in {path} is outside the [heard] table",
                    "put settings under [heard] (and departments in [[departments]] tables); "
                    "'heard config show' lists every setting",
                )
            from_file = dict(document.get("heard", {}))
            if "departments" in document:  # [[departments]] tables sit beside [heard]
                from_file["departments"] = document["departments"]
        except tomllib.TOMLDecodeError as exc:
            raise InputError(
                f"{path} is not valid TOML: {exc}", "fix the file or remove it"
            ) from exc
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})",
                "save it as UTF-8 (TOML files are UTF-8)",
            ) from exc
        except OSError as exc:
            raise InputError(
                f"cannot read {path}: {exc.strerror or exc}", "give the path of a heard.toml file"
            ) from exc
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        # env beats the file: build from env, then overlay file values the env did not set.
        try:
            from_env = Settings()
        except SettingsError as exc:  # a list or table setting whose HEARD_* value is not JSON
            found = re.search(r'field "(\w+)"', str(exc))
            env = f"HEARD_{found.group(1).upper()}" if found else "a HEARD_* variable"
            raise InputError(
                f"{env} is not valid JSON: list and table settings are given as JSON there",
                f"e.g. {env}='[\"https://hooks.example/a\"]', or set it in heard.toml",
            ) from exc
        env_set = from_env.model_fields_set
        merged = {
            **{k: v for k, v in from_file.items() if k not in env_set},
            **{k: getattr(from_env, k) for k in env_set},
            **given,
        }
        settings = Settings(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            raise InputError(
                f"{name!r} is not a Heard setting",
                f"remove it from [heard] in {path}; 'heard config show' lists every setting",
            ) from exc
        top = str(first["loc"][0]) if first["loc"] else name  # departments.0.code: departments
        if top in given:
            origin = f"the --{top.replace('_', '-')} flag"
        elif f"HEARD_{top.upper()}" in {key.upper() for key in os.environ}:
            origin = f"HEARD_{top.upper()}"
        else:
            origin = f"[heard] {top} in {path}"
        raise InputError(
            f"setting {name!r} is invalid: {first['msg']} (from {origin})",
            f"check [heard] {name} in {path}, HEARD_{name.upper()}, or the command's "
            f"--{name.replace('_', '-')} flag if it has one",
        ) from exc
    if warn:
        warn_ignored_env(settings)
    return settings
