"""Copies of the repo's ledger/ and queries/ with a year of hand-made bookings, for the year-end tests.

Not a conftest: test modules import what they use from here (see tests/fava/fava_books.py).
The bookings make every part of the jaarrekening non-trivial: an opening balance, cash and a
receivable, a liability and an unreviewed bank line, income and spending on the lawsuit fund's
lines (declared as TEAM.md agrees: `fonds:` on the lines, Vermogen:Bestemmingsfondsen:Rechtszaak),
cents, and a board decision. Every expense stays within its budget, so both books pass bean-check.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FUND = "Vermogen:Bestemmingsfondsen:Rechtszaak"
FUND_LINES = ("Inkomsten:GerichteSponsoring:CrowdfundingRechtzaak", "Uitgaven:RechtzaakTegenDeStaat",
              "Uitgaven:Crowdfunding")

OPENS = """
2022-01-01 open Vermogen:Openingsbalans EUR
  label: "Beginsaldo 2022"
2022-01-01 open Activa:Kas EUR
  label: "Kas"
2022-01-01 open Activa:Vorderingen:Debiteuren EUR
  label: "Nog te ontvangen bijdragen"
2022-01-01 open Passiva:Crediteuren EUR
  label: "Nog te betalen facturen"
"""

FUND_OPEN = f"""
2022-01-01 open {FUND} EUR
  label: "Bestemmingsfonds rechtszaak"
"""

ACTUALS = """
2022-01-01 * "Beginsaldo Betaalrekening 1 januari 2022"
  Activa:Bank:Betaalrekening                  12000.00 EUR
  Activa:Kas                                     150.00 EUR
  Vermogen:Openingsbalans

2022-01-20 * "Leden" "Contributie individuele leden"
  Inkomsten:Contributies:IndividueleLeden      -6768.00 EUR
  Activa:Bank:Betaalrekening

2022-02-10 * "Crowdfunding" "Opbrengst crowdfunding rechtszaak"
  Inkomsten:GerichteSponsoring:CrowdfundingRechtzaak  -20000.50 EUR
  Activa:Bank:Betaalrekening

2022-03-25 * "Kernteam" "Kernteam eerste kwartaal"
  bestuursbesluit: "Bestuursbesluit 2022-03"
  Uitgaven:Kernteam                            17000.00 EUR
  Activa:Bank:Betaalrekening

2022-03-30 * "Crowdfunding" "Kosten crowdfundingplatform"
  Uitgaven:Crowdfunding                          800.25 EUR
  Activa:Bank:Betaalrekening

2022-05-11 * "Advocaat" "Rechtszaak tegen de staat, eerste termijn"
  Uitgaven:RechtzaakTegenDeStaat               15000.00 EUR
  Activa:Bank:Betaalrekening

2022-09-30 * "Seats2Meet" "Toegezegde sponsoring, nog niet ontvangen"
  Inkomsten:AlgemeneSponsoring:Seats2Meet     -10000.00 EUR
  Activa:Vorderingen:Debiteuren

2022-12-20 * "Hosting" "Automatisering december, nog te betalen"
  Uitgaven:Automatisering                        300.00 EUR
  Passiva:Crediteuren

2022-12-28 ! "Onbekend" "Nog te rubriceren bijschrijving"
  Activa:Bank:Betaalrekening                      45.50 EUR
  Passiva:NogTeRubriceren
"""


def declare_fund(ledger: Path) -> None:
    """Declare the lawsuit fund in the copy, unless the books already do (year-a's declarations)."""
    chart = ledger / "rekeningen.beancount"
    text = chart.read_text(encoding="utf-8")
    for account in FUND_LINES:
        pattern = re.compile(rf"^(\d{{4}}-\d\d-\d\d open {re.escape(account)}\s+EUR\n)((?:  .*\n)*)", re.MULTILINE)
        match = pattern.search(text)
        assert match, account
        if "fonds:" not in match.group(2):
            text = text[:match.end()] + f'  fonds: "{FUND}"\n' + text[match.end():]
    if f"open {FUND}" not in text:
        text += FUND_OPEN
    chart.write_text(text, encoding="utf-8")


def copy_books(target: Path, actuals: str = ACTUALS, with_bookings: bool = True) -> Path:
    """Copy ledger/ and queries/ into target; with_bookings adds the fund and the year's bookings.

    Returns the copied ledger folder.
    """
    shutil.copytree(REPO / "ledger", target / "ledger", ignore=shutil.ignore_patterns(".*.lock", ".*.tmp"))
    shutil.copytree(REPO / "queries", target / "queries")
    ledger = target / "ledger"
    if with_bookings:
        declare_fund(ledger)
        bank = ledger / "boekhouding-2022" / "bank.beancount"
        bank.write_text(bank.read_text(encoding="utf-8") + OPENS + actuals, encoding="utf-8")
    return ledger


def bean_check(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "bean-check"), str(book)], capture_output=True, text=True, cwd=book.parent, check=False
    )


def bean_query(book: Path, query_file: Path) -> list[dict]:
    """Run a query file with the real bean-query command; rows as dicts of strings (CSV)."""
    import csv
    import io

    done = subprocess.run(
        [str(BIN / "bean-query"), "-f", "csv", str(book), query_file.read_text(encoding="utf-8")],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(csv.DictReader(io.StringIO(done.stdout)))
