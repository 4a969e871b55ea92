# Werkvereniging begroting: every target builds .venv from nothing when it is missing.
# Only python3 (>= 3.11) and make are needed; `make test` also wants Debian's chromium
# (installed by .ci/run) for the browser tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
BUDGET := ledger/begroting-2022.beancount
BOOKS  := ledger/begroting-2022.beancount ledger/boekhouding-2022.beancount

.PHONY: setup fava test report check clean

setup: $(VENV)/.installed

# Rebuilt whenever pyproject.toml changes; the repo's packages are installed editable,
# so `plugin "plugins...."` lines work from any working directory.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

fava: setup
	$(BIN)/fava --host $(HOST) --port $(PORT) $(BOOKS)

test: setup
	$(BIN)/python -m pytest

report: setup
	$(BIN)/python -m report $(BUDGET) $(REPORT_ARGS)

check: setup
	@for f in $(BOOKS); do $(BIN)/bean-check $$f || exit 1; done

clean:
	rm -rf $(VENV)
