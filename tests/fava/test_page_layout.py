"""The Begroting page fits the board's laptop screen and prints for the ALV (Begroting.css).

Real Fava (`make board`), real headless Chromium at 1366x768: no sideways scrolling anywhere on the
page, one quarter beside the year with every quarter reachable through its tab, and a print
layout (A4 landscape) without Fava's header and sidebar that shows all four quarters uncut.
Screenshots and the printed PDF are kept in artifacts/ (git-ignored).
"""

import subprocess

import pytest
from playwright.sync_api import expect

from fava_books import ACTUAL_SLUG, ARTIFACTS, BUDGET_SLUG

SCREEN = {"width": 1366, "height": 768}
# A4 landscape less the print stylesheet's 10 mm margins, in CSS pixels (96 per inch).
PRINT_WIDTH = round((297 - 2 * 10) / 25.4 * 96)
QUARTERS = ("Q1", "Q2", "Q3", "Q4")

OVERFLOW = """() => {
  const wide = (el) => el.scrollWidth > el.clientWidth + 1;
  const found = [];
  if (wide(document.documentElement)) found.push("document " + document.documentElement.scrollWidth);
  const article = document.querySelector("article");
  if (article && wide(article)) found.push("article " + article.scrollWidth + " > " + article.clientWidth);
  document.querySelectorAll("#begroting .scroll").forEach((box) => {
    if (wide(box)) found.push(box.firstElementChild.className + " " + box.scrollWidth + " > " + box.clientWidth);
  });
  return found;
}"""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=SCREEN, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def open_page(page, url, slug):
    page.goto(f"{url}/{slug}/extension/Begroting/")
    expect(page.locator("#begroting")).to_be_visible()


def keep_screenshot(page, name):
    """The viewport as the board sees it, scrolled to the quarter table."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("(document.querySelector('h3.vergelijking-kop') || document.querySelector('#begroting h3'))"
                  ".scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / name))


def shown_quarters(page) -> list[str]:
    """The quarters whose columns are on screen (header and every figure of the Kernteam line)."""
    shown = []
    for quarter in QUARTERS:
        header = page.locator(f'table.vergelijking thead th[data-kolom="{quarter}"]')
        if header.is_visible():
            line = 'table.vergelijking tr[data-rekening="Uitgaven:Kernteam"]'
            cells = page.locator(f'{line} td[data-kolom|="{quarter}"]')
            assert cells.count() == 4
            for index in range(4):
                expect(cells.nth(index)).to_be_visible()
            shown.append(quarter)
    return shown


@pytest.mark.parametrize("slug", [ACTUAL_SLUG, BUDGET_SLUG])
def test_the_page_fits_1366_by_768_without_sideways_scrolling(page, board_url, slug):
    open_page(page, board_url, slug)
    assert page.evaluate(OVERFLOW) == []
    keep_screenshot(page, f"fava-begroting-1366-{slug}.png")


def test_the_year_and_the_running_quarter_first_every_quarter_one_tab_away(page, board_url):
    open_page(page, board_url, ACTUAL_SLUG)
    year = page.locator('table.vergelijking tr[data-rekening="Uitgaven:Kernteam"] td[data-kolom^="jaar-"]')
    assert year.count() == 5
    # the year's columns come first, right after the line's name
    first = page.locator('table.vergelijking tr[data-rekening="Uitgaven:Kernteam"] td').first
    assert first.get_attribute("data-kolom") == "jaar-begroting"
    # the test books: Q1 closed, Q2 running
    assert shown_quarters(page) == ["Q2"]
    for quarter in QUARTERS:
        page.locator(f'label[for="kwartaal-{quarter}"]').click()
        assert shown_quarters(page) == [quarter]
        assert page.evaluate(OVERFLOW) == [], quarter
        expect(year.first).to_be_visible()
    page.locator('label[for="kwartaal-Q1"]').click()
    keep_screenshot(page, "fava-begroting-1366-Q1.png")


def test_a_figure_of_another_quarter_still_leads_to_its_entries(page, board_url):
    open_page(page, board_url, ACTUAL_SLUG)
    page.locator('label[for="kwartaal-Q1"]').click()
    page.locator('tr[data-rekening="Uitgaven:Automatisering"] td[data-kolom="Q1-realisatie"] a').click()
    page.wait_for_url(f"**/{ACTUAL_SLUG}/journal/?account=*")
    assert "time=2022-Q1" in page.url
    expect(page.locator("article").get_by_text("Automatisering eerste kwartaal")).to_be_visible()


def test_printed_all_quarters_beside_the_year_without_fava_around_it(page, board_url, tmp_path):
    open_page(page, board_url, ACTUAL_SLUG)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 800})
    assert shown_quarters(page) == list(QUARTERS)
    expect(page.locator("body > aside")).to_be_hidden()
    expect(page.locator("body > header")).to_be_hidden()
    expect(page.locator(".kwartalen label").first).to_be_hidden()
    assert page.evaluate(OVERFLOW) == []
    table = page.locator("table.vergelijking").bounding_box()
    assert table is not None and table["x"] >= 0 and table["x"] + table["width"] <= PRINT_WIDTH

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "fava-begroting-print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    heading = next(line for line in text.splitlines() if "Jaar 2022" in line)
    assert [quarter in heading for quarter in QUARTERS] == [True] * 4, heading
    # a line printed whole: its 21 figures, the year's and every quarter's, on one line of paper
    cells = page.locator('table.vergelijking tr[data-rekening="Uitgaven:ExternAdvies"] td')
    figures = [cells.nth(i).inner_text() for i in range(cells.count())]
    assert len(figures) == 5 + 4 * 4
    line = next(line for line in text.splitlines() if line.strip().startswith("Extern advies"))
    assert line.replace("Extern advies", "").split() == figures
    assert "Winst- en" not in text and "Filter by tag" not in text, "Fava's sidebar or header printed"
