"""The page in a real browser: headless Debian Chromium, driven by Playwright, against `make board`,
on the board's laptop screen (1366x768).

Chromium must be installed (`make test` installs it): without it these tests fail, they do not
skip (the `browser` fixture, tests/fava/fava_books.py). Screenshots are kept in artifacts/ (git-ignored).
"""

from playwright.sync_api import expect

from fava_books import ACTUAL_SLUG, ARTIFACTS, BUDGET_SLUG, HEIGHT, WIDTH


def screenshot(page, name):
    """The whole page (Fava scrolls inside <article>, so the viewport grows to fit it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate("Math.max(document.querySelector('article').scrollHeight + 60, 600)")
    page.set_viewport_size({"width": WIDTH, "height": min(height, 12000)})
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    assert (ARTIFACTS / name).stat().st_size > 10_000


def open_page(page, url, slug):
    page.goto(f"{url}/{slug}/extension/Begroting/")
    expect(page.locator("#begroting")).to_be_visible()


def test_the_seeds_totals_and_the_variance_of_a_hand_made_entry(page, board_url):
    open_page(page, board_url, ACTUAL_SLUG)
    adopted = page.locator("table.vastgesteld")
    assert adopted.locator("tr.totaal td[data-kolom=Totaal]").all_inner_texts() == ["115.906", "156.727"]
    assert adopted.locator("tr.totaal td[data-kolom=Q1]").all_inner_texts() == ["102.906", "49.340"]
    result = adopted.locator("tr.resultaat").first
    assert [result.locator(f"td[data-kolom={c}]").inner_text() for c in ("Q1", "Q2", "Q3", "Q4", "Totaal")] == [
        "53.566", "(36.840)", "(29.707)", "(27.840)", "(40.821)"]

    kernteam = page.locator('table.vergelijking tr[data-rekening="Uitgaven:Kernteam"]')
    assert kernteam.locator('td[data-kolom="Q1-begroting"]').inner_text() == "17.250"
    assert kernteam.locator('td[data-kolom="Q1-realisatie"]').inner_text() == "18.000"
    verschil = kernteam.locator('td[data-kolom="Q1-verschil"]')
    assert verschil.inner_text() == "750"
    expect(verschil).to_have_class("bedrag goedgekeurd")
    assert "Bestuursbesluit 2022-03" in verschil.get_attribute("title")
    assert "Bestuursbesluit 2022-03" in kernteam.locator("th").inner_text()
    hosting = page.locator('table.vergelijking tr[data-rekening="Uitgaven:Automatisering"]')
    expect(hosting.locator('td[data-kolom="Q1-verschil"]')).to_have_class("bedrag overschreden")
    assert hosting.locator('td[data-kolom="Q1-procent"]').inner_text() == "19%"
    # not begun, nothing booked: a dash, never 0
    assert kernteam.locator('td[data-kolom="Q3-realisatie"]').inner_text() == "—"
    festival = page.locator('table.vergelijking tr[data-rekening="Uitgaven:Festival"]')
    assert festival.locator('td[data-kolom="Q1-realisatie"]').inner_text() == "—"
    expect(page.locator("svg.grafiek polyline.werkelijk")).to_have_count(1)
    screenshot(page, "fava-begroting-boekhouding.png")


def test_a_figure_leads_to_its_entries(page, board_url):
    open_page(page, board_url, ACTUAL_SLUG)
    page.locator('label[for="kwartaal-Q1"]').click()  # the page opens on the running quarter, Q2
    link = page.locator('table.vergelijking tr[data-rekening="Uitgaven:Kernteam"] td[data-kolom="Q1-realisatie"] a')
    link.click()
    page.wait_for_url(f"**/{ACTUAL_SLUG}/journal/?account=*")
    assert "time=2022-Q1" in page.url
    journal = page.locator("article")
    expect(journal.get_by_text("Kernteam eerste kwartaal")).to_be_visible()
    expect(journal.get_by_text("Automatisering eerste kwartaal")).to_have_count(0)
    screenshot(page, "fava-begroting-journal.png")

    # a budget figure leads to the budget entries in the budget book
    page.go_back()
    expect(page.locator("#begroting")).to_be_visible()
    page.locator('table.vastgesteld tr[data-rekening="Uitgaven:Festival"] td[data-kolom=Q1] a').click()
    page.wait_for_url(f"**/{BUDGET_SLUG}/journal/?account=*")
    expect(page.locator("article").get_by_text("Festival (en bijeenkomsten)").first).to_be_visible()


def test_sidebar_link_and_the_budget_books_page(page, board_url):
    page.goto(f"{board_url}/{BUDGET_SLUG}/income_statement/")
    page.locator(f"aside a[href$=\"/{BUDGET_SLUG}/extension/Begroting/\"]").click()
    page.wait_for_url(f"**/{BUDGET_SLUG}/extension/Begroting/")
    expect(page.locator("table.vastgesteld")).to_be_visible()
    expect(page.locator("table.vergelijking")).to_have_count(0)
    assert page.locator("table.vastgesteld tr.resultaat td[data-kolom=Totaal]").all_inner_texts()[0] == "(40.821)"
    screenshot(page, "fava-begroting-begroting.png")
