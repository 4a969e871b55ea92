"""The Fava page rendered by Fava itself (its test client): the same figures as `make report` and
`python -m report.variance`, a link on every figure that leads to exactly its entries, and bad input."""

import json
import os
import re
import time
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fava.application import create_app

from fava_books import ACTUAL_SLUG, BUDGET_SLUG, copy_books
from report.budget_table import budget_table, commitment_rows
from report.dutch_format import format_euro
from report.ledger import load_ledger

MISSING = "—"


class PageTables(HTMLParser):
    """The page's tables as rows: (table class, row kind, label, account, {column: (text, href, css)})."""

    def __init__(self):
        super().__init__()
        self.rows, self.notes, self.errors = [], [], []
        self._table = self._row = self._cell = self._p = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("class", "")
        elif tag == "tr" and self._table and "data-regel" in attrs:
            self._row = (self._table, attrs.get("class"), attrs["data-regel"], attrs.get("data-rekening") or None, {})
            self.rows.append(self._row)
        elif tag == "td" and self._row is not None and "data-kolom" in attrs:
            self._cell = [attrs["data-kolom"], "", None, attrs.get("class", "").replace("bedrag", "").strip()]
        elif tag == "a" and self._cell is not None:
            self._cell[2] = attrs.get("href")
        elif tag == "p" and attrs.get("class") in ("noot", "fout"):
            self._p = [attrs["class"], ""]

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            column, text, href, css = self._cell
            self._row[4][column] = (text.strip(), href, css)
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "p" and self._p is not None:
            (self.notes if self._p[0] == "noot" else self.errors).append(self._p[1].strip())
            self._p = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        if self._p is not None:
            self._p[1] += data


def render(files, slug):
    app = create_app([str(f) for f in files], read_only=True)
    client = app.test_client()
    response = client.get(f"/{slug}/extension/Begroting/")
    assert response.status_code == 200
    page = PageTables()
    page.feed(response.get_data(as_text=True))
    return client, page, response.get_data(as_text=True)


@pytest.fixture(scope="module")
def served(books):
    app = create_app([str(f) for f in books], read_only=True)
    client = app.test_client()
    pages = {}
    for slug in (BUDGET_SLUG, ACTUAL_SLUG):
        response = client.get(f"/{slug}/extension/Begroting/")
        assert response.status_code == 200
        pages[slug] = PageTables()
        pages[slug].feed(response.get_data(as_text=True))
    return client, pages


def table(page, name):
    return [row for row in page.rows if row[0] == name]


def cell(page, name, account, column):
    return next(row for row in table(page, name) if row[3] == account)[4][column]


@pytest.mark.parametrize("slug", [BUDGET_SLUG, ACTUAL_SLUG])
def test_adopted_table_is_make_reports_table(served, books, slug):
    entries, options = load_ledger(str(books[0]))
    expected = [(row.label, [format_euro(v) for v in row.amounts])
                for row in budget_table(entries, options) + commitment_rows(entries, options) if row.amounts]
    shown = [(label, [cells[c][0] for c in ("Q1", "Q2", "Q3", "Q4", "Totaal")])
             for _, _, label, _, cells in table(served[1][slug], "vastgesteld")]
    assert shown == expected
    # the seed's TOTAAL and RESULTAAT rows
    totals = [cells["Totaal"][0] for _, kind, _, _, cells in table(served[1][slug], "vastgesteld")
              if kind in ("totaal", "resultaat")]
    assert totals[:3] == ["115.906", "156.727", "(40.821)"]


def test_variance_of_the_hand_made_entries(served):
    page = served[1][ACTUAL_SLUG]
    assert cell(page, "vergelijking", "Uitgaven:Kernteam", "Q1-realisatie")[0] == "18.000"
    assert cell(page, "vergelijking", "Uitgaven:Kernteam", "Q1-verschil")[:3:2] == ("750", "goedgekeurd")
    assert cell(page, "vergelijking", "Uitgaven:Automatisering", "Q1-verschil")[:3:2] == ("65", "overschreden")
    assert cell(page, "vergelijking", "Uitgaven:Automatisering", "Q1-procent")[0] == "19%"
    leden = cell(page, "vergelijking", "Inkomsten:Contributies:IndividueleLeden", "Q1-verschil")
    assert leden[:3:2] == ("(268)", "achter")
    assert cell(page, "vergelijking", "Uitgaven:Kernteam", "jaar-prognose")[0] == "69.750"
    kernteam = next(r for r in table(page, "vergelijking") if r[3] == "Uitgaven:Kernteam")
    assert kernteam[2] == "Kernteam"
    # a quarter that has not begun, a line with nothing booked: "—", not 0
    assert cell(page, "vergelijking", "Uitgaven:Kernteam", "Q3-realisatie")[0] == MISSING
    assert cell(page, "vergelijking", "Uitgaven:Festival", "Q1-realisatie")[0] == MISSING
    assert cell(page, "vergelijking", "Uitgaven:Festival", "Q2-verschil")[0] == MISSING
    assert any("Peildatum 05-04-2022" in note for note in page.notes)


def test_summary_answers_where_the_year_ends(served):
    client, pages = served
    summary = {label: cells["resultaat"] for _, _, label, _, cells in table(pages[ACTUAL_SLUG], "samenvatting")}
    assert summary["Resultaat volgens de begroting"][0] == "(40.821)"
    assert summary["Begroot, alleen toegezegde inkomsten"][0] == "(72.321)"
    # forecast: 6.500 - 18.412 booked so far, plus the budget still to come (report.variance's rules)
    assert summary["Resultaat volgens de prognose"][:3:2] == ("(106.287)", "achter")
    assert summary["Prognose, alleen toegezegde inkomsten"][0] == "(119.287)"
    html = client.get(f"/{ACTUAL_SLUG}/extension/Begroting/").get_data(as_text=True)
    assert "<svg" in html
    for series in ("begroot", "werkelijk", "prognose"):
        assert f'<polyline class="{series}"' in html


def journal_entries(client, href):
    """The entries behind a link, through Fava's own journal API with the link's filters."""
    url = urlsplit(href)
    slug = url.path.strip("/").split("/")[0]
    response = client.get(f"/{slug}/api/journal?{url.query}")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))["data"]


def posted(entries, pattern, sign):
    regex = re.compile(pattern)
    return sum((sign * Decimal(str(p["amount"]).split()[0]) for e in entries if e["t"] == "Transaction"
                for p in e["postings"] if regex.search(p["account"])), Decimal(0))


def test_every_figure_links_to_the_entries_behind_it(served):
    client, pages = served
    for slug, page in pages.items():
        for _, _, label, _, cells in page.rows:
            for column, (text, href, _) in cells.items():
                if text != MISSING:
                    assert href and "/journal/?" in href, (slug, label, column, text)
    page = pages[ACTUAL_SLUG]
    href = cell(page, "vergelijking", "Uitgaven:Kernteam", "Q1-realisatie")[1]
    assert href == f"/{ACTUAL_SLUG}/journal/?account=%5EUitgaven%3AKernteam%24&time=2022-Q1"
    entries = journal_entries(client, href)
    assert [e["narration"] for e in entries if e["t"] == "Transaction"] == ["Kernteam eerste kwartaal"]
    assert posted(entries, "^Uitgaven:Kernteam$", 1) == Decimal(18000)
    # a budget figure leads to the budget book's entries
    href = cell(page, "vergelijking", "Uitgaven:Kernteam", "Q1-begroting")[1]
    assert href.startswith(f"/{BUDGET_SLUG}/journal/?")
    assert posted(journal_entries(client, href), "^Uitgaven:Kernteam$", 1) == Decimal(17250)
    # the adopted table's totals lead to every entry of the section or both sections
    totals = [r for r in table(pages[BUDGET_SLUG], "vastgesteld") if r[1] in ("totaal", "resultaat")]
    income_q1 = journal_entries(client, totals[0][4]["Q1"][1])
    assert posted(income_q1, "^Inkomsten:", -1) == Decimal(102906)
    result_q2 = journal_entries(client, totals[2][4]["Q2"][1])
    assert posted(result_q2, "^(Inkomsten|Uitgaven):", -1) == Decimal(-36840)
    committed = [r for r in table(pages[BUDGET_SLUG], "vastgesteld") if r[1] == "toegezegd"]
    assert posted(journal_entries(client, committed[0][4]["Totaal"][1]), "^Inkomsten:", -1) == Decimal(84406)


def test_budget_book_not_served_figures_without_links(books):
    _, page, _ = render([books[1]], ACTUAL_SLUG)
    assert any("wordt niet door deze Fava getoond" in note for note in page.notes)
    begroting = cell(page, "vergelijking", "Uitgaven:Kernteam", "Q1-begroting")
    assert begroting[:2] == ("17.250", None)
    assert cell(page, "vergelijking", "Uitgaven:Kernteam", "Q1-realisatie")[1] is not None


def test_a_book_without_budget_entries(tmp_path):
    _, actual = copy_books(tmp_path)
    # Without the guard's plugin line the book names no budget book: it is its own budget.
    lines = actual.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith('plugin "plugins.budget_guard"')]
    actual.write_text("".join(kept), encoding="utf-8")
    _, page, html = render([actual], ACTUAL_SLUG)
    assert any("bevat geen begrotingsposten" in error for error in page.errors)
    assert page.rows == []


def test_a_budget_book_that_is_missing(tmp_path):
    _, actual = copy_books(tmp_path)
    text = actual.read_text(encoding="utf-8").replace(
        "'budget': 'begroting-2022.beancount'", "'budget': 'weg.beancount'")
    actual.write_text(text, encoding="utf-8")
    _, page, _ = render([actual], ACTUAL_SLUG)
    assert any("kan niet worden geladen" in error and "weg.beancount" in error for error in page.errors)


def test_a_book_without_actuals_shows_no_zeros(tmp_path):
    files = copy_books(tmp_path, actuals="")
    _, page, _ = render(files, ACTUAL_SLUG)
    assert any("nog geen boekingen" in note for note in page.notes)
    for _, _, label, _, cells in table(page, "vergelijking"):
        for column, (text, _, _) in cells.items():
            if "realisatie" in column or "verschil" in column or "procent" in column:
                assert text == MISSING, (label, column, text)


def test_the_page_follows_changes_to_either_book(tmp_path):
    budget, actual = copy_books(tmp_path)
    app = create_app([str(budget), str(actual)], read_only=True, poll_watcher=True)
    client = app.test_client()
    url = f"/{ACTUAL_SLUG}/extension/Begroting/"

    def kernteam_q1():
        page = PageTables()
        page.feed(client.get(url).get_data(as_text=True))
        return page, (cell(page, "vergelijking", "Uitgaven:Kernteam", "Q1-realisatie")[0]
                      if table(page, "vergelijking") else None)

    assert kernteam_q1()[1] == "18.000"
    assert kernteam_q1()[1] == "18.000"  # from the page's cache
    bank = actual.parent / "boekhouding-2022" / "bank.beancount"
    bank.write_text(bank.read_text(encoding="utf-8") + (
        '\n2022-02-01 * "Kernteam" "Nabetaling"\n  Uitgaven:Kernteam  500 EUR\n  Activa:Bank:Betaalrekening\n'),
        encoding="utf-8")
    _touch_later(bank)
    assert kernteam_q1()[1] == "18.500"
    # An edit of the budget book that breaks it (the Q1 totals no longer match the adopted ones).
    posts = budget.parent / "begroting-2022" / "posten.beancount"
    text = posts.read_text(encoding="utf-8")
    posts.write_text(re.sub(r"(Uitgaven:Kernteam +)17250", r"\g<1>17000", text, count=1), encoding="utf-8")
    _touch_later(posts)
    page, _ = kernteam_q1()
    assert any("kan niet worden geladen" in error for error in page.errors)


def _touch_later(filename):
    """Move the file's modification time on, so that a poll sees the change within the same second."""
    later = time.time() + 5
    os.utime(filename, (later, later))
