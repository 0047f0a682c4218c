"""The public surface of ``heard`` (what ``heard/__init__.py`` re-exports) is pinned here: a
change to it is a change to this test, made on purpose."""

from __future__ import annotations

import heard
from heard.errors import HeardError


def test_public_names_are_exactly_these():
    assert sorted(heard.__all__) == sorted(
        [
            "HeardError",
            "InputError",
            "NotFoundError",
            "PipelineConfigError",
            "StageError",
            "StoreError",
            "StoreLockedError",
            "__version__",
        ]
    )
    for name in heard.__all__:
        assert hasattr(heard, name), name


def test_every_public_error_is_in_the_one_tree():
    for name in heard.__all__:
        value = getattr(heard, name)
        if isinstance(value, type):
            assert issubclass(value, HeardError), name


def test_api_errors_join_the_tree():
    from heard.api.errors import ApiError

    assert issubclass(ApiError, HeardError)
    assert ApiError(404, "gone").status == 404


def test_store_protocol_is_met_by_the_embedded_store(tmp_path):
    from heard.store import Store, open_store

    with open_store(tmp_path / "x.duckdb") as store:
        assert isinstance(store, Store)
        with store.transaction():
            with store.transaction():  # nested blocks join the outer one
                pass
