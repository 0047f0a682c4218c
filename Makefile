# Heard — the two commands a new user needs:
#   make demo   installs what is needed, runs the main job on the bundled demo corpus, says what to look at
#   make test   installs what is needed (test tools, Debian chromium for browser tests, Debian
#               postgresql binaries for the store contract), runs the whole suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | cksum | cut -d' ' -f1)
DEMO_DB ?= demo.duckdb

.PHONY: demo test install install-test browser postgres clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml requirements.lock
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

browser:
	bash scripts/install-browser.sh

postgres:
	bash scripts/install-postgres.sh

demo: install
	$(VENV)/bin/heard demo --db $(DEMO_DB)

test: install browser postgres
	bash scripts/run-tests.sh

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts $(DEMO_DB) $(DEMO_DB).wal
