"""One exception tree for Heard. Every message says what happened, why, and the fix.

HeardError                    base; ``exit_code`` is what the CLI exits with
├── InputError                the user's input is wrong (missing file, unknown format, bad flag) → 2
│   ├── NotFoundError         what was asked for does not exist or may not be shown → 2 (HTTP 404)
│   │   └── MergedTopicError  the topic was merged into another (``into``): pages lead there
│   └── ConflictError         the input is fine but the thing's state refuses it → 2 (HTTP 409)
├── PipelineConfigError       stages are mis-ordered or missing → 2
├── StageError                a pipeline stage failed on a batch (names the stage) → 5
├── StoreError                the store cannot be used → 3
│   ├── StoreLockedError      another process owns the DuckDB file → 3
│   └── StoreUnavailableError the database went away (a restart, a failover): try again → 3
├── ModelError                a model file is missing or incompatible → 4
└── ApiError                  (heard.api.errors) an HTTP answer with its status, raised by routes

Foreign exceptions (duckdb, pyarrow, openpyxl …) are wrapped at the boundary where they occur.
"""

from __future__ import annotations


class HeardError(Exception):
    """Base of every error Heard raises on purpose."""

    exit_code = 1

    def __init__(self, what: str, fix: str | None = None):
        self.what = what
        self.fix = fix
        super().__init__(what if not fix else f"{what}\n  fix: {fix}")


class InputError(HeardError):
    """The input given by the user cannot be used as it is. ``field`` names the input to fix
    (snake_case, as a form field and a JSON body key are named); the fix text does not name it,
    each surface does in its own words: the CLI its option (``--legal-ground``), the API the body
    field, a page the form field's label."""

    exit_code = 2

    def __init__(self, what: str, fix: str | None = None, *, field: str | None = None):
        super().__init__(what, fix)
        self.field = field


class NotFoundError(InputError):
    """What was asked for does not exist, or may not be shown (below k distinct authors)."""

    def __init__(self, what: str, fix: str | None = None, details: list[str] | None = None):
        super().__init__(what, fix)
        self.details = details or []


class ConflictError(InputError):
    """The request is well formed, but what it acts on is not in a state that allows it (an
    appeal decided already, a decision appealed already): HTTP 409, where a plain input error
    (a missing or invalid field) is a 400."""


class MergedTopicError(NotFoundError):
    """The topic asked for was merged into topic ``into``: the dashboard leads there."""

    def __init__(self, what: str, fix: str | None, into: int):
        super().__init__(what, fix)
        self.into = into


class PipelineConfigError(HeardError):
    """The pipeline's stages do not fit together (a requirement is not assigned earlier)."""

    exit_code = 2


class StageError(HeardError):
    """A pipeline stage raised on a batch; the message names the stage."""

    exit_code = 5


class StoreError(HeardError):
    """The store cannot be opened or written."""

    exit_code = 3


class StoreLockedError(StoreError):
    """Another process holds the DuckDB file (one process owns it)."""


class StoreUnavailableError(StoreError):
    """The database server closed the connection (a restart, a failover, an administrator's
    ``pg_terminate_backend``) or cannot be reached now: the same work may succeed once it is back
    (the server answers 503 with ``Retry-After``; ``heard watch`` waits and stores the batch)."""


class ModelError(HeardError):
    """A model file is missing, unreadable, or from an incompatible version."""

    exit_code = 4
