"""The shipped books: the lawsuit fund and the conditional research line as the seed describes them."""

from decimal import Decimal
from pathlib import Path

from books.loader import load_book
from plugins.budget_model import budget_lines
from plugins.funds import (
    actual_funds,
    condition_status,
    planned_funds,
    read_conditions,
    read_funds,
    year_end_transfers,
)
from report.queries import run_query

ROOT = Path(__file__).resolve().parents[2]
BUDGET = str(ROOT / "ledger" / "begroting-2022.beancount")
ACTUAL = str(ROOT / "ledger" / "boekhouding-2022.beancount")
FUND = "Vermogen:Bestemmingsfondsen:Rechtszaak"


def test_the_lawsuit_fund_is_declared_as_the_seed_describes_it():
    entries, _, options = load_book(BUDGET)
    funds, declaration_errors = read_funds(entries, options)
    assert declaration_errors == []
    fund = funds[FUND]
    assert fund.income_lines == ("Inkomsten:GerichteSponsoring:CrowdfundingRechtzaak",)
    assert set(fund.expense_lines) == {"Uitgaven:RechtzaakTegenDeStaat", "Uitgaven:Crowdfunding"}


def test_the_lawsuit_funds_planned_remainder_is_what_the_budget_implies():
    entries, errors, options = load_book(BUDGET)
    assert errors == []
    funds, _ = read_funds(entries, options)
    lines, _ = budget_lines(entries, options)
    planned = planned_funds(funds, lines)[FUND]
    # the shipped query on the shipped budget book: income negative as booked
    rows = {row["soort"]: row["bedrag"] for row in run_query(entries, options, "bestemmingsfondsen")
            if row["fonds"] == FUND}
    assert planned.income == -rows["Inkomsten"]
    assert planned.spending == rows["Uitgaven"]
    assert planned.remainder == -(rows["Inkomsten"] + rows["Uitgaven"])
    # and the budget table's own lines say the same
    table = {row["rekening"]: row for row in run_query(entries, options, "begrotingstabel")}
    expected = (table["Inkomsten:GerichteSponsoring:CrowdfundingRechtzaak"]["totaal"]
                - table["Uitgaven:RechtzaakTegenDeStaat"]["totaal"] - table["Uitgaven:Crowdfunding"]["totaal"])
    assert planned.remainder == expected
    assert planned.remainder > 0  # the seed plans to keep part of the crowdfunding: it is earmarked


def test_the_research_line_waits_for_the_research_income():
    entries, _, options = load_book(BUDGET)
    conditions, errors = read_conditions(entries, options)
    assert errors == []
    condition = conditions["Uitgaven:VergelijkendOnderzoek"]
    assert condition.income_account == "Inkomsten:GerichteSponsoring:Onderzoek"
    lines, year = budget_lines(entries, options)
    actual_entries, actual_errors, actual_options = load_book(ACTUAL)
    assert actual_errors == []
    [status] = condition_status(conditions, lines, actual_entries, year, actual_options)
    assert status.planned_income == lines["Inkomsten:GerichteSponsoring:Onderzoek"].total
    assert not status.met  # nothing booked in the shipped book yet


def test_the_year_end_transfer_moves_the_funds_result_to_the_fund():
    entries, _, options = load_book(BUDGET)
    funds, _ = read_funds(entries, options)
    lines, year = budget_lines(entries, options)
    planned = planned_funds(funds, lines)
    [transfer] = year_end_transfers(planned, year)
    assert transfer.date.isoformat() == f"{year}-12-31"
    fund_posting = next(p for p in transfer.postings if p.account == FUND)
    assert -fund_posting.units.number == planned[FUND].result
    assert sum(p.units.number for p in transfer.postings) == Decimal(0)
    actual_entries, _, actual_options = load_book(ACTUAL)
    assert actual_funds(funds, actual_entries, year, actual_options)[FUND].remainder == 0
