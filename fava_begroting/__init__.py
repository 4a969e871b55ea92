"""Fava extension "Begroting": the adopted budget beside the actual figures, per quarter.

Enable it in a book's options area:

    2022-01-01 custom "fava-extension" "fava_begroting"

On the actual book the page follows the budget book that its `plugins.budget_guard` line
names; a book without the guard names one on the extension line itself, relative to the
ledger file: `custom "fava-extension" "fava_begroting" "{'budget': 'begroting.beancount'}"`.
plugins.budget_book finds and loads it (cached), the same as bean-check; the page reads
the budget once, from the budget model's lines. On the budget book itself the page shows
the adopted table.

The page (templates/Begroting.html) shows the budget table of `make report` (report.budget_table,
the same queries), and on an actual book the variance report of `python -m report.variance`
(report.variance): begroting, realisatie, verschil and prognose per line and quarter, the
year's result, and a chart of the cumulative result. Every figure links to Fava's journal
filtered to its account and period. It is read-only: no endpoint changes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import path
from typing import TYPE_CHECKING, Any

from fava.ext import FavaExtensionBase
from flask import current_app, g, request

from fava_begroting.funds_section import FundsSection, funds_section
from fava_begroting.links import journal_base
from fava_begroting.view import (
    JournalLinks,
    Page,
    adopted_rows,
    approval_items,
    budget_series,
    chart,
    summary_items,
    unreviewed_banner,
    variance_rows,
    variance_series,
)
from books.collector import release_frozen
from plugins.budget_book import BudgetBook, budget_book_of, budget_setting, load_budget_book
from plugins.budget_model import Policy
from plugins.errors import first_and_more
from report.budget_table import RowKind, model_commitment_rows, model_table
from report.errors import ReportError
from report.variance_model import variance_report

if TYPE_CHECKING:  # pragma: no cover
    from fava.core import FavaLedger


class Begroting(FavaExtensionBase):
    """The board's page: the adopted budget, and beside it what actually happened."""

    report_title = "Begroting"

    def __init__(self, ledger: FavaLedger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        # The page, keyed on the book's entries (by identity: Fava replaces the list on every
        # reload, and holding it here keeps its id from being reused) and on the budget book
        # (plugins.budget_book caches it on its files' stamps and returns the same object).
        self._page: tuple[Sequence, tuple, Page] | None = None
        self._own: tuple[Sequence, BudgetBook] | None = None  # this book as its own budget
        self._funds: tuple[Sequence, FundsSection] | None = None

    def after_load_file(self) -> None:
        """A (re)load is done: the objects the book's plugins froze go back to Python's collector,
        so that what a later reload drops can be collected (books.collector)."""
        release_frozen()

    # The configuration is read again from the book on every page (budget_setting), so an
    # edited guard or fava-extension line counts after Fava's reload, like every other line.

    def page(self) -> Page:
        """The page for the current request, recomputed only when a book changed."""
        ledger = self.ledger
        title = ledger.options["title"]
        setting, errors = budget_setting(ledger.all_entries, ledger.options)
        if errors:
            source = errors[0].source or {}
            return Page(title, "fout", errors=[(
                f"De begroting kan niet worden gevonden: {source.get('filename')}:{source.get('lineno')}: "
                f"{errors[0].message}")])
        own = setting is None or path.abspath(setting.path) == path.abspath(ledger.beancount_file_path)
        if own:
            if self._own is None or self._own[0] is not ledger.all_entries:
                self._own = (ledger.all_entries, budget_book_of(ledger.all_entries, [], ledger.options,
                                                                ledger.beancount_file_path))
            book = self._own[1]
        else:
            assert setting is not None
            book = load_budget_book(setting.path)
            if book.errors:
                return Page(title, "fout", errors=[(
                    f"De begroting kan niet worden geladen: {setting.path}: "
                    f"{first_and_more(book.errors)} (bean-check {setting.path})")])
        if not book.lines:
            where = "Dit boek" if own else f"De begroting ({book.filename})"
            hint = (" Staat dit boek naast een begroting, noem die dan in de regel "
                    "plugin \"plugins.budget_guard\" \"{'budget': '…'}\".") if own else ""
            return Page(title, "fout", errors=[(
                f"{where} bevat geen begrotingsposten (transacties op inkomsten- en uitgavenrekeningen "
                f"met een kwartaaltag #Q1..#Q4), dus er is geen begroting om te tonen.{hint}")])
        budget_slug = g.beancount_file_slug if own else _slugs().get(path.abspath(book.filename))
        key = (id(book), request.script_root, g.beancount_file_slug, budget_slug, setting)
        cached = self._page
        if cached is None or cached[0] is not ledger.all_entries or cached[1] != key:
            name = None if own else path.basename(book.filename)
            policy = setting.policy if setting else Policy()
            cached = self._page = (ledger.all_entries, key, self._build(title, book, policy, name, budget_slug))
        return cached[2]

    def funds(self) -> FundsSection:
        """The earmarked funds and conditional lines at the end of the page (fava_begroting.funds_section)."""
        cached = self._funds
        if cached is None or cached[0] is not self.ledger.all_entries:
            section = funds_section(self.ledger.all_entries, self.ledger.options)
            cached = self._funds = (self.ledger.all_entries, section)
        return cached[1]

    def _build(self, title: str, book: BudgetBook, policy: Policy, budget_name: str | None,
               budget_slug: str | None) -> Page:
        """The page: the adopted table; beside an actual book also the variance report."""
        ledger = self.ledger
        own = budget_name is None
        local = journal_base(request.script_root, g.beancount_file_slug)
        links = JournalLinks(book.year, ledger.options["name_income"], ledger.options["name_expenses"],
                             actual=None if own else local,
                             budget=journal_base(request.script_root, budget_slug) if budget_slug else None)
        table = model_table(book.lines, ledger.options)
        page = Page(title, "begroting" if own else "vergelijking", local.removesuffix("journal/"),
                    adopted=adopted_rows(table, model_commitment_rows(book.lines), links))
        if links.budget is None:
            page.budget_link_note = (f"De begroting ({budget_name}) wordt niet door deze Fava getoond: begrote "
                                     "bedragen linken daarom niet naar hun posten. Start Fava met beide boeken "
                                     "(make fava, make board).")
        if ledger.load_errors:
            page.notes.append(f"Dit boek heeft {len(ledger.load_errors)} fout(en) (zie Fouten in de zijbalk); "
                              "overschrijdingen die de plugin budget_guard meldt, tellen mee.")
        if own:
            page.notes.append("Dit is de begroting zelf: de vastgestelde tabel, zonder realisatie. "
                              "Begroting en realisatie naast elkaar staan op deze pagina in de boekhouding.")
            result = next((row for row in table if row.kind == RowKind.RESULT), None)
            page.chart = chart(book.year, budget_series(result, links), None)
            return page
        try:
            report = variance_report(book, ledger.all_entries, ledger.options, policy)
        except ReportError as exc:
            return Page(title, "fout", errors=[str(exc)])
        page.notes[:0] = report.notes
        page.banner = unreviewed_banner(report, links)
        page.quarters = report.quarters
        page.variance = variance_rows(report, links)
        page.summary = summary_items(report, links)
        page.approvals = approval_items(report)
        page.chart = chart(report.year, variance_series(report, links), report.as_of)
        return page


def _book(ledger: FavaLedger) -> tuple[list, dict]:
    """The book's entries and options as the report functions take them: Fava types them as a
    Sequence and a TypedDict (the list and dict are copied, the entries are not)."""
    return list(ledger.all_entries), dict(ledger.options)


def _slugs() -> dict[str, str]:
    """The slug under which this Fava serves each book, by absolute file name."""
    ledgers: Any = current_app.config["LEDGERS"]
    return {path.abspath(ledger.beancount_file_path): slug for slug, ledger in ledgers.items()}
