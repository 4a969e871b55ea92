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

.PHONY: setup fava test report check clean import board bench inkomsten

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

# make report            the budget table in the seed's layout
# make report CSV=f.csv   the same table as CSV for a spreadsheet
report: setup
	@$(BIN)/python -m report $(BUDGET) $(if $(CSV),--csv $(CSV))

check: setup
	@for f in $(BOOKS); do $(BIN)/bean-check $$f || exit 1; done

# make inkomsten                   income that needs attention, as of today: uncommitted income that
#                                  came in, committed income still missing after its quarter
# make inkomsten DATUM=2022-06-30  the same as of a date
inkomsten: setup
	@$(BIN)/python -m report.income_watch ledger/boekhouding-2022.beancount $(if $(DATUM),--datum $(DATUM))

# make import                        the monthly bank run: every bank file in $(DOWNLOADS) (camt.053,
#                                    MT940, ING or Rabobank CSV); only entries not yet in the actual
#                                    book are appended to $(TE_CONTROLEREN) for review
# make import DOWNLOADS=~/bank/2022-03   the same from another folder (or one file)
DOWNLOADS      ?= bankbestanden
TE_CONTROLEREN := ledger/boekhouding-2022/te-controleren.beancount
import: setup
	@$(BIN)/python -m importers extract -e ledger/boekhouding-2022.beancount -o $(TE_CONTROLEREN) $(DOWNLOADS)

# make regels            rules for importers/regels.txt proposed from the book's own categorisations
#                        (a counterparty booked on one budget line only), with their evidence; printed
# make regels SCHRIJF=1  the same, appended to importers/regels.txt (under the book's lock)
.PHONY: regels
regels: setup
	@$(BIN)/python -m importers regels -e ledger/boekhouding-2022.beancount $(if $(SCHRIJF),--schrijf)

# make board            both books read-only for the board, on 127.0.0.1 only: Fava refuses every
#                       change (HTTP 401). Fava has no login: to let the board in from elsewhere, put
#                       a reverse proxy with a password in front (README: "Board mode").
# make board PORT=5001  on another port
board: setup
	$(BIN)/fava --read-only --host 127.0.0.1 --port $(PORT) $(BOOKS)

# make bench                           our costs against bean-check, bean-query, Fava and hledger on
#                                      synthetic books of 1k, 10k and 100k postings: tables of ratios,
#                                      import throughput and growth (README: "Performance")
# make bench SIZES=1k,10k,100k,1M      the full run, up to a million postings
# make bench ROUNDS=1                  one round per measurement instead of the median of 5
# make bench README=1                  also write the tables into README.md
# Installs Debian's hledger first when it is missing (as root, or through sudo).
SIZES ?= 1k,10k,100k
bench: setup
	@command -v hledger >/dev/null 2>&1 || { \
	  echo "make bench: installing hledger (apt-get install hledger)" >&2; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends hledger >/dev/null; } \
	  || echo "make bench: could not install hledger; its rows are left out" >&2; }
	@$(BIN)/python -m bench --sizes $(SIZES) $(if $(ROUNDS),--rounds $(ROUNDS)) $(if $(README),--readme)

clean:
	rm -rf $(VENV)
