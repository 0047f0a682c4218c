"""Short fuzz runs in the normal suite (derandomised, so a failure reproduces); the long run is
``bench/fuzz_ingest.py --examples N``. See fuzz_targets.py for the inputs and the property."""

from __future__ import annotations

import random
import shutil

import pytest
from fuzz_targets import (
    fuzzed_files,
    new_workdir,
    pipeline_for,
    random_file,
    read_and_map,
    through_pipeline,
)
from hypothesis import HealthCheck, given, settings

from heard.store import open_store

FAST = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def workdir():
    path = new_workdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_connectors_and_mapping_never_raise_on_mutated_files(workdir):
    @FAST
    @given(fuzzed_files())
    def check(file):
        read_and_map(*file, workdir)

    check()


@pytest.mark.slow
def test_the_full_pipeline_never_raises_and_counts_every_row(workdir):
    with open_store(workdir / "fuzz.duckdb") as store:
        pipeline = pipeline_for(store)

        @settings(FAST, max_examples=40)
        @given(fuzzed_files())
        def check(file):
            through_pipeline(*file, workdir, store, pipeline)

        check()


def test_the_volume_engine_draws_every_kind_and_never_raises(workdir):
    """The bench's ``--engine random`` inputs hold the same property (seeded, so reproducible)."""
    rng = random.Random(20261205)
    suffixes = set()
    for _ in range(2_000):
        suffix, data = random_file(rng)
        suffixes.add(suffix)
        read_and_map(suffix, data, workdir)
    assert suffixes == {".jsonl", ".json", ".csv"}
