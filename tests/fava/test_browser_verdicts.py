"""In a real browser (headless Debian Chromium against `make board`): the page marks what bean-check
says and shows what is not yet reviewed.

- an overrun the board approved shows no red mark in any column (the quarter's column included);
- the banner over the page names the count and net amount of the unreviewed entries and links to them.
"""

import subprocess

import pytest
from fava_books import ACTUAL_SLUG, UNREVIEWED_JUNE, copy_books, start_board, stop
from playwright.sync_api import expect
from seed_data import BIN
from test_browser import open_page

# The festival (budgeted in Q1) is held in May and runs 1.500 over; the board approved that.
# Two June bank lines wait on Passiva:NogTeRubriceren (flag !), one of them the June salary.
ACTUALS = """
2022-05-20 * "Festival" "Zaal, catering en techniek"
  Uitgaven:Festival                        11500.00 EUR
  Activa:Bank:Betaalrekening

2022-05-30 custom "overschrijding-goedgekeurd" Uitgaven:Festival 1500 EUR "Bestuursbesluit 2022-05"
""" + UNREVIEWED_JUNE


@pytest.fixture(scope="module")
def verdict_board(tmp_path_factory):
    budget, actual = copy_books(tmp_path_factory.mktemp("verdicts"), ACTUALS)
    check = subprocess.run([str(BIN / "bean-check"), str(actual)], capture_output=True, text=True, check=False)
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")  # bean-check passes the book
    proc, url = start_board((budget, actual))
    try:
        yield url
    finally:
        stop(proc)


def test_an_approved_overrun_shows_no_red_mark_in_any_column(page, verdict_board):
    open_page(page, verdict_board, ACTUAL_SLUG)
    festival = page.locator('table.vergelijking tr[data-rekening="Uitgaven:Festival"]')
    expect(festival).to_have_count(1)
    expect(festival.locator("td.overschreden")).to_have_count(0)
    expect(festival.locator("td.goedgekeurd").first).to_be_attached()
    expect(page.locator("table.vergelijking td.overschreden")).to_have_count(0)  # nothing is over by bean-check


def test_the_banner_shows_the_unreviewed_entries_count_and_amount(page, verdict_board):
    open_page(page, verdict_board, ACTUAL_SLUG)
    banner = page.locator("p.te-controleren")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("2 boeking(en) nog niet gecontroleerd")
    expect(banner).to_contain_text("€ (3.214,45)")
    link = banner.get_by_role("link", name="Toon deze boekingen")
    href = link.get_attribute("href")
    assert href and "filter=" in href and "NogTeRubriceren" in href
    link.click()
    expect(page.locator("body")).to_contain_text("Salaris juni")
    expect(page.locator("body")).to_contain_text("Bijschrijving zonder omschrijving")
