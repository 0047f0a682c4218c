#!/usr/bin/env bash
# The whole suite: ruff's lint, then unit, integration (real DuckDB and PostgreSQL, in-process API,
# CLI runner) and browser tests.
# pytest's "no tests collected" (exit 5) is a failure here too: a suite that runs nothing proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
.venv/bin/ruff check --quiet src tests bench  # lint first: unused or undefined names fail the suite
exec .venv/bin/python -m pytest tests -q -p no:cacheprovider --junitxml=test-artifacts/junit.xml "$@"
