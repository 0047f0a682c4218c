"""Heard: hear what people say online, answer them in public, keep online spaces healthy.

The public surface is re-exported here and pinned by ``tests/unit/test_public_api.py``.
"""

from heard.errors import (
    HeardError,
    InputError,
    NotFoundError,
    PipelineConfigError,
    StageError,
    StoreError,
    StoreLockedError,
)

__version__ = "0.1.0"

__all__ = [
    "HeardError",
    "InputError",
    "NotFoundError",
    "PipelineConfigError",
    "StageError",
    "StoreError",
    "StoreLockedError",
    "__version__",
]
