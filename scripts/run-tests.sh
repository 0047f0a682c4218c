#!/usr/bin/env bash
# The whole suite: ruff's lint and format check, mypy (strict on store/, pipeline/, read/),
# then unit, integration (real DuckDB and PostgreSQL, in-process API, CLI runner) and browser
# tests.
# pytest's "no tests collected" (exit 5) is a failure here too: a suite that runs nothing proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
.venv/bin/ruff check --quiet src tests bench  # lint first: unused or undefined names, long lines
.venv/bin/ruff format --check --quiet src tests bench  # formatted as `ruff format` writes it
.venv/bin/mypy src/heard/store src/heard/pipeline src/heard/read  # strict there (pyproject.toml)
exec .venv/bin/python -m pytest tests -q -p no:cacheprovider --junitxml=test-artifacts/junit.xml "$@"
