# Werkvereniging begroting: every target builds .venv from nothing when it is missing.
# Only python3 (>= 3.11), make and apt-get are needed: what a target needs from Debian and is
# missing (python3-venv; for `make test` chromium and poppler-utils; for `make bench` hledger)
# is installed on first use, as root or through sudo (ensure_deb below).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# One book per year (README: "The year cycle"): every target works on the books of $(JAAR).
# make check JAAR=2023, make fava JAAR=2023, make import JAAR=2023, ...
JAAR   ?= 2022
LEDGER ?= ledger
BUDGET := $(LEDGER)/begroting-$(JAAR).beancount
ACTUAL := $(LEDGER)/boekhouding-$(JAAR).beancount
BOOKS  := $(BUDGET) $(ACTUAL)

.PHONY: setup fava test report check clean import board bench inkomsten jaarrekening nieuw-jaar afsluiten kascontrole

# $(call ensure_deb,PACKAGE,CHECK): install Debian's PACKAGE when the shell command CHECK fails
# (no commas in CHECK). apt-get runs as root, or through sudo; where neither works the command
# fails with a message that says what to run, and the caller decides whether that stops the target.
ensure_deb = { $(2); } >/dev/null 2>&1 || { \
  echo "make $@: installing Debian's $(1) (apt-get install $(1))" >&2; \
  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
  { $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null; } \
  || { echo "make $@: could not install $(1); as root run: apt-get install $(1)" >&2; false; }; }

setup: $(VENV)/.installed

# Rebuilt whenever pyproject.toml changes; the repo's packages are installed editable,
# so `plugin "plugins...."` lines work from any working directory. Debian's python3 makes
# venvs only with python3-venv: tried first, installed when the venv cannot be made.
$(VENV)/.installed: pyproject.toml
	@$(call ensure_deb,python3-venv,$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); false; })
	@[ -x $(BIN)/pip ] || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

fava: setup
	$(BIN)/fava --host $(HOST) --port $(PORT) $(BOOKS)

# The browser tests drive Debian's chromium; the annual accounts' PDF tests read it with pdftotext.
test: setup
	@$(call ensure_deb,chromium,test -x /usr/bin/chromium)
	@$(call ensure_deb,poppler-utils,command -v pdftotext)
	$(BIN)/python -m pytest

# make report            the budget table in the seed's layout
# make report CSV=f.csv   the same table as CSV for a spreadsheet
report: setup
	@$(BIN)/python -m report $(BUDGET) $(if $(CSV),--csv $(CSV))

# make check   bean-check on every book (all of them, every problem listed, then it fails), and a
#              warning naming the count and amount of entries not yet reviewed (flag ! or on
#              Passiva:NogTeRubriceren)
check: setup
	@status=0; for f in $(BOOKS); do $(BIN)/bean-check $$f || { echo "make check: $$f has errors (above)" >&2; status=1; }; done; \
	$(BIN)/python -m report.unreviewed $(BOOKS) || status=1; exit $$status

# make inkomsten                   income that needs attention, as of today: uncommitted income that
#                                  came in, committed income still missing after its quarter
# make inkomsten DATUM=2022-06-30  the same as of a date
inkomsten: setup
	@$(BIN)/python -m report.income_watch $(ACTUAL) $(if $(DATUM),--datum $(DATUM))

# make import                        the monthly bank run: every bank file in $(DOWNLOADS) (camt.053,
#                                    MT940, ING or Rabobank CSV); only entries not yet in the actual
#                                    book are appended to $(TE_CONTROLEREN) for review
# make import DOWNLOADS=~/bank/2022-03   the same from another folder (or one file)
DOWNLOADS      ?= bankbestanden
TE_CONTROLEREN := $(LEDGER)/boekhouding-$(JAAR)/te-controleren.beancount
import: setup
	@$(BIN)/python -m importers extract -e $(ACTUAL) -o $(TE_CONTROLEREN) $(DOWNLOADS)

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
# make bench ROUNDS=1                  one round per measurement instead of the median of 7
# make bench README=1                  also write the tables into README.md
# Installs Debian's hledger first when it is missing (as root, or through sudo).
SIZES ?= 1k,10k,100k
bench: setup
	@$(call ensure_deb,hledger,command -v hledger) || echo "make bench: without hledger its rows are left out" >&2
	@$(BIN)/python -m bench --sizes $(SIZES) $(if $(ROUNDS),--rounds $(ROUNDS)) $(if $(README),--readme)

# make jaarrekening                       the jaarrekening of $(JAAR) (balans, staat van baten en
#                                         lasten, resultaatbestemming, toelichting) as HTML and PDF in
#                                         build/; refused (nothing written) unless both books pass bean-check
# make jaarrekening JAAR=2023 JAARREKENING=~/alv/jr-2023.html   another year, another file (.pdf beside it)
JAARREKENING ?= build/jaarrekening-$(JAAR).html
jaarrekening: setup
	@$(BIN)/python -m annual.jaarrekening $(ACTUAL) --jaar $(JAAR) -o $(JAARREKENING)

# make nieuw-jaar JAAR=2023   start 2023: a draft ledger/begroting-2023.beancount with the 2022 lines
#                             (amounts to fill in, 2022's figures beside each) and ledger/boekhouding-2023
#                             opening with the 2022 closing balances. Refused when 2023 exists or 2022
#                             does not pass bean-check; 2022's files are not touched.
nieuw-jaar: setup
	@$(if $(filter command line environment,$(origin JAAR)),,echo "error: make nieuw-jaar needs the new year: make nieuw-jaar JAAR=$$(( $(JAAR) + 1 ))" >&2; exit 2)
	@$(BIN)/python -m annual.new_year $(JAAR) --ledger $(LEDGER)

# make afsluiten DATUM=2022-03-31 DOOR="Kascommissie, verslag 2022-04-12"
#                     close the actual book up to DATUM after the board or kascommissie approved it:
#                     a fingerprint of every entry up to that day goes into
#                     ledger/boekhouding-$(JAAR)/afsluitingen.beancount; bean-check then reports any
#                     change to the closed period (README: "Closed periods")
afsluiten: setup
	@$(BIN)/python -m closing $(ACTUAL) --datum "$(DATUM)" --door "$(DOOR)"

# make kascontrole                      the kascommissie's pack in build/kascontrole/: kascontrole.txt
#                                       and a CSV per section (bank reconciliation, entries to review,
#                                       expenses without a document, overruns and approvals, funds,
#                                       closed periods, bean-check errors); README: "Kascontrole"
# make kascontrole KASCONTROLE=dir DREMPEL=250   another folder; documents required above 250 EUR
KASCONTROLE ?= build/kascontrole
DREMPEL     ?= 500
kascontrole: setup
	@$(BIN)/python -m audit $(ACTUAL) --map "$(KASCONTROLE)" --drempel "$(DREMPEL)"

clean:
	rm -rf $(VENV)
