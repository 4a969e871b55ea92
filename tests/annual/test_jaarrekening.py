"""make jaarrekening: the PDF's figures are the books' figures, read back with pdftotext and compared
with what the shipped queries answer through the real bean-query; books that fail bean-check are refused."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from year_books import FUND, REPO, bean_check, bean_query, copy_books

from report.dutch_format import format_euro

ZERO = Decimal(0)


def make_jaarrekening(ledger: Path, output: Path, year: str = "2022") -> subprocess.CompletedProcess:
    """The real make target on the copied books."""
    return subprocess.run(
        [
            "make",
            "-s",
            "jaarrekening",
            f"JAAR={year}",
            f"ACTUAL={ledger}/boekhouding-{year}.beancount",
            f"JAARREKENING={output}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, str]:
    """(ledger copy, PDF, its text) after make jaarrekening on the copy with a year of bookings."""
    target = tmp_path_factory.mktemp("jaarrekening")
    ledger = copy_books(target)
    output = target / "uit" / "jaarrekening-2022.html"
    done = make_jaarrekening(ledger, output)
    assert done.returncode == 0, done.stderr
    pdf = output.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return ledger, pdf, text


def euro(value: Decimal) -> str:
    return format_euro(value, 2)  # the bookings have cents, so the jaarrekening shows them


def figures_on_line(text: str, label: str, count: int) -> list[str]:
    """The amounts printed after a label (and its note number) on the PDF line that starts with it."""
    amount = r"(\(?[\d.]+,\d\d\)?)"
    pattern = re.compile(
        rf"^\s*{re.escape(label)}\s+(?:\(\d+\)\s+)?" + r"\s+".join([amount] * count) + r"\s*$", re.MULTILINE
    )
    found = pattern.findall(text)
    assert len(found) == 1, f"{label!r}: {len(found)} lines with {count} amounts in the PDF"
    return list(found[0]) if count > 1 else [found[0]]


def labels(ledger: Path) -> dict[str, str]:
    rows = bean_query(ledger / "boekhouding-2022.beancount", REPO / "queries" / "begrotingstabel.bql")
    return {row["rekening"]: row["omschrijving"] for row in rows}


def test_the_statement_of_income_and_expenses_equals_the_queries(built):
    ledger, _, text = built
    booked: dict[str, Decimal] = {}
    for row in bean_query(ledger / "boekhouding-2022.beancount", REPO / "queries" / "realisatie.bql"):
        sign = -1 if row["rekening"].startswith("Inkomsten:") else 1
        booked[row["rekening"]] = booked.get(row["rekening"], ZERO) + sign * Decimal(row["bedrag"])
    budget = bean_query(ledger / "begroting-2022.beancount", REPO / "queries" / "begrotingstabel.bql")
    assert len(budget) == 30 and len(booked) == 7
    for row in budget:
        actual, planned = booked.get(row["rekening"], ZERO), Decimal(row["totaal"])
        assert figures_on_line(text, row["omschrijving"], 3) == [euro(actual), euro(planned), euro(actual - planned)]
    income = sum((v for a, v in booked.items() if a.startswith("Inkomsten:")), ZERO)
    expenses = sum((v for a, v in booked.items() if a.startswith("Uitgaven:")), ZERO)
    totals = {
        row["sectie"]: Decimal(row["totaal"])
        for row in bean_query(ledger / "begroting-2022.beancount", REPO / "queries" / "totalen.bql")
    }
    assert figures_on_line(text, "Totaal baten", 3) == [
        euro(income),
        euro(totals["Inkomsten"]),
        euro(income - totals["Inkomsten"]),
    ]
    assert figures_on_line(text, "Totaal lasten", 3) == [
        euro(expenses),
        euro(totals["Uitgaven"]),
        euro(expenses - totals["Uitgaven"]),
    ]
    result = bean_query(ledger / "begroting-2022.beancount", REPO / "queries" / "resultaat.bql")[0]
    planned_result = Decimal(next(value for key, value in result.items() if key == "totaal"))
    assert figures_on_line(text, "Resultaat", 3) == [
        euro(income - expenses),
        euro(planned_result),
        euro(income - expenses - planned_result),
    ]


def test_the_balance_sheet_equals_the_queries(built):
    ledger, _, text = built
    book = ledger / "boekhouding-2022.beancount"
    balances: dict[str, Decimal] = {}
    for row in bean_query(book, REPO / "queries" / "balans.bql"):
        balances[row["rekening"]] = balances.get(row["rekening"], ZERO) + Decimal(row["bedrag"])
    names = {
        "Activa:Bank:Betaalrekening": "Betaalrekening",
        "Activa:Kas": "Kas",
        "Activa:Vorderingen:Debiteuren": "Nog te ontvangen bijdragen",
        "Passiva:Crediteuren": "Nog te betalen facturen",
        "Passiva:NogTeRubriceren": "Nog te rubriceren bankregels",
    }
    for account, label in names.items():
        assert figures_on_line(text, label, 1) == [euro(abs(balances[account]))]
    assets = sum((v for a, v in balances.items() if a.startswith("Activa:")), ZERO)
    debts = -sum((v for a, v in balances.items() if a.startswith("Passiva:")), ZERO)
    assert figures_on_line(text, "Totaal activa", 1) == [euro(assets)]
    assert figures_on_line(text, "Totaal passiva", 1) == [euro(assets)]
    assert figures_on_line(text, "Totaal schulden", 1) == [euro(debts)]
    assert figures_on_line(text, "Totaal eigen vermogen", 1) == [euro(assets - debts)]
    # The fund: what its lines brought in less what they spent (queries/fondsmutaties.bql) ...
    fund = -sum((Decimal(row["bedrag"]) for row in bean_query(book, REPO / "queries" / "fondsmutaties.bql")), ZERO)
    assert fund > 0
    fund_label = next(
        str(entry.meta["label"])
        for entry in loader.load_file(str(book))[0]
        if isinstance(entry, data.Open) and entry.account == FUND
    )
    assert figures_on_line(text, fund_label, 1) == [euro(fund)]
    # ... and the rest of the equity is the algemene reserve.
    assert figures_on_line(text, "Algemene reserve", 1) == [euro(assets - debts - fund)]
    assert "Balans per 31 december 2022" in text and "Resultaatbestemming" in text


def test_the_notes_come_from_the_books_metadata(built):
    _, _, text = built
    assert "aantal-leden: 282; contributie-per-lid: 24,00 EUR" in text  # the seed's explanation on the budget entry
    assert "Bestuursbesluit: Bestuursbesluit 2022-03" in text  # the board's decision in the actual book
    assert "iban: NL91ABNA0417164300" in text  # the bank account's open directive


def test_books_that_fail_bean_check_are_refused_with_a_located_error(tmp_path):
    overrun = """
2022-03-28 * "Hosting" "Automatisering eerste kwartaal"
  Uitgaven:Automatisering                    400.00 EUR
  Activa:Bank:Betaalrekening
"""
    ledger = copy_books(tmp_path, overrun)
    assert bean_check(ledger / "boekhouding-2022.beancount").returncode != 0
    output = tmp_path / "uit" / "jaarrekening-2022.html"
    done = make_jaarrekening(ledger, output)
    assert done.returncode != 0
    bank = ledger / "boekhouding-2022" / "bank.beancount"
    assert re.match(rf"error: {re.escape(str(bank))}:\d+: Uitgaven:Automatisering .*over budget", done.stderr), (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "uit").exists()


def test_a_syntax_error_in_the_budget_book_is_refused_too(tmp_path):
    ledger = copy_books(tmp_path, with_bookings=False)
    posten = ledger / "begroting-2022" / "posten.beancount"
    posten.write_text(posten.read_text(encoding="utf-8") + '\n2022-13-01 * "kapot"\n', encoding="utf-8")
    done = make_jaarrekening(ledger, tmp_path / "jr.html")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {posten}:"), done.stderr
    assert not (tmp_path / "jr.html").exists() and not (tmp_path / "jr.pdf").exists()


def test_a_year_other_than_the_books_is_refused(tmp_path):
    ledger = copy_books(tmp_path, with_bookings=False)
    done = subprocess.run(
        [
            "make",
            "-s",
            "jaarrekening",
            "JAAR=2021",
            f"ACTUAL={ledger}/boekhouding-2022.beancount",
            f"JAARREKENING={tmp_path}/jr.html",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0 and "not of 2021" in done.stderr and not (tmp_path / "jr.html").exists()


def test_the_funds_note_shows_what_the_budget_planned_for_it(built):
    ledger, _, text = built
    budget = {
        row["rekening"]: Decimal(row["totaal"])
        for row in bean_query(ledger / "begroting-2022.beancount", REPO / "queries" / "begrotingstabel.bql")
    }
    income = budget["Inkomsten:GerichteSponsoring:CrowdfundingRechtzaak"]
    spending = budget["Uitgaven:RechtzaakTegenDeStaat"] + budget["Uitgaven:Crowdfunding"]
    assert (
        f"Begroot voor 2022: baten {euro(income)}, lasten {euro(spending)}, "
        f"toevoeging aan het fonds {euro(income - spending)}"
    ) in " ".join(text.split())
