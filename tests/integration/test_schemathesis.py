"""Schemathesis (the issue's bar for "the OpenAPI schema tells the truth") against the app in
process: every check, every phase it runs by default, an admin bearer token, a fixed seed. 0
failures and 0 server errors over 1,000+ cases (bench/schemathesis_run.py is the long run, with
``st run`` against ``heard serve``)."""

from __future__ import annotations

import pytest

from api_seed import build

pytest.importorskip("schemathesis", reason="the test extra pins schemathesis")

MAX_EXAMPLES = 10  # per operation and phase: 1,700+ cases


UNEXPRESSIBLE = {
    "include-path": "/api/v1/ingest",
    "include-method": "POST",
    "checks": {"positive_data_acceptance": {"enabled": False}},
}
"""The one check left out, for one operation: a field map that names one field twice
(``map=place=a`` and ``map=place=b``) is refused with a declared 400, as on the command line,
and JSON Schema cannot say "no two items name the same field"; every other check still runs on
it (server errors, declared statuses, response shapes, rejection of schema-violating input)."""

SERVICES_ARE_DATA = {
    "include-path": "/open311/v2/requests.json",
    "include-method": "GET",
    "checks": {"positive_data_acceptance": {"enabled": False}},
}
"""The same check, left out for Open311's request list: ``service_code`` must name a service,
and services are departments, data an admin edits while the server runs, so the schema (built
once) cannot list them as an enum; an unknown code is GeoReport's declared 400 naming the valid
ones (it listed ``[]`` before, as if the service had no requests)."""


TOPIC_CURSORS = {
    "include-path": "/api/v1/topics",
    "include-method": "GET",
    "checks": {"positive_data_acceptance": {"enabled": False}},
}
"""The same check, left out for the topic list: its ``cursor`` is a walk's mark that only this
server writes (``heard.read.topics.encode_mark``), and one it cannot read (a cursor of an
older Heard, or made up) is a declared 400 that says to start again from the first page; the
schema can say a cursor's alphabet and length, not "one this server gave"."""


def run_schemathesis(app, token: str, max_examples: int, seed: int):
    """Run the engine as ``st run --checks all`` does; return its statistic (the CLI's counts)."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events, from_schema
    from schemathesis.engine.statistic import Statistic

    config = SchemathesisConfig.from_dict(
        {"operations": [UNEXPRESSIBLE, SERVICES_ARE_DATA, TOPIC_CURSORS]}
    )
    config.update(seed=seed, max_failures=None)
    project = config.projects.default  # where the operations override above lives
    project.update(headers={"Authorization": f"Bearer {token}"}, workers=1)
    # every check is on by default (as `st run --checks all`); naming them here would also
    # override the operations' exceptions above
    project.generation.update(max_examples=max_examples)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=config)
    stat, errors = Statistic(), []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            stat.on_scenario_finished(event.recorder)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(repr(event))
    return stat, errors


def describe(stat) -> list[str]:
    out = []
    for label, groups in stat.failures.items():
        for group in groups.values():
            status = group.response.status_code if group.response is not None else None
            for failure in group.failures:
                out.append(f"{label}: {failure.title} ({status}): {failure.message[:300]}")
    return out


def server_errors(stat) -> int:
    return sum(
        1
        for groups in stat.failures.values()
        for group in groups.values()
        if group.response is not None and group.response.status_code >= 500
    )


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path):
    from heard.api import create_app
    from heard.settings import Settings

    db = tmp_path / "h.duckdb"
    tokens = build(db)
    app = create_app(Settings(db=db))
    stat, errors = run_schemathesis(app, tokens["admin"], MAX_EXAMPLES, seed=16)
    assert not errors, errors[:3]
    assert stat.total_cases >= 1000
    assert len(stat.tested_operations) >= 45
    assert server_errors(stat) == 0
    assert stat.total_failures == 0, "\n".join(describe(stat)[:20])
