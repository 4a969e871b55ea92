"""The Begroting page's funds section, rendered by Fava itself: planned beside actual, and the condition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bookcopy import copy_books
from fava.application import create_app

from books.loader import load_book
from plugins.budget_model import budget_lines
from plugins.funds import planned_funds, read_funds
from report.dutch_format import format_euro

FUND = "Vermogen:Bestemmingsfondsen:Rechtszaak"
ENTRIES = """
2022-02-01 * "Crowdfunding rechtszaak"
  Inkomsten:GerichteSponsoring:CrowdfundingRechtzaak   -5000.00 EUR
  Activa:Bank:Betaalrekening

2022-03-01 * "Advocaat"
  Uitgaven:RechtzaakTegenDeStaat                        3000.00 EUR
  Activa:Bank:Betaalrekening

2022-04-10 * "Voorschot onderzoeker"
  bestuursbesluit: "Bestuursbesluit 2022-04"
  Uitgaven:VergelijkendOnderzoek                         500.00 EUR
  Activa:Bank:Betaalrekening
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    book = copy_books(tmp_path_factory.mktemp("fondsen"), ENTRIES)
    _, errors, _ = load_book(str(book))
    assert errors == []
    budget = book.parent / "begroting-2022.beancount"
    client = create_app([str(budget), str(book)], read_only=True).test_client()
    found = {}
    for slug in ("werkvereniging-begroting-2022", "werkvereniging-boekhouding-2022"):
        response = client.get(f"/{slug}/extension/Begroting/")
        assert response.status_code == 200
        found[slug] = response.get_data(as_text=True)
    return found


def fund_row(html: str) -> list[str]:
    match = re.search(rf'<tr class="regel" data-fonds="{FUND}">(.*?)</tr>', html, re.DOTALL)
    assert match, "no row for the lawsuit fund"
    return [cell.strip() for cell in re.findall(r'<td class="bedrag">(.*?)</td>', match.group(1))]


def planned() -> list[str]:
    entries, _, options = load_book(str(Path(__file__).resolve().parents[2] / "ledger" / "begroting-2022.beancount"))
    funds, _ = read_funds(entries, options)
    figure = planned_funds(funds, budget_lines(entries, options)[0])[FUND]
    return [format_euro(figure.income), format_euro(figure.spending), format_euro(figure.remainder)]


def test_the_actual_book_shows_planned_and_actual_figures_of_the_fund(pages):
    row = fund_row(pages["werkvereniging-boekhouding-2022"])
    assert row[:3] == planned()
    assert row[3:] == ["0", "5.000", "3.000", "2.000"]  # opening, income, spending, remainder of the entries above


def test_the_budget_book_shows_the_planned_figures_only(pages):
    assert fund_row(pages["werkvereniging-begroting-2022"]) == planned()


def test_the_condition_and_whether_it_is_met_is_shown(pages):
    html = pages["werkvereniging-boekhouding-2022"]
    match = re.search(r'<li data-rekening="Uitgaven:VergelijkendOnderzoek" class="([^"]+)">(.*?)</li>', html, re.DOTALL)
    assert match
    assert match.group(1) == "niet-voldaan"
    text = " ".join(match.group(2).split())
    assert "onderzoek" in text and "nog niet voldaan" in text and "uitgegeven € 500" in text


def test_the_section_is_its_own_block_after_the_existing_page(pages):
    html = pages["werkvereniging-boekhouding-2022"]
    assert html.index('<section class="fondsen">') > html.index("Vastgestelde begroting")
