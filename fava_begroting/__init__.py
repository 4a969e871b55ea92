"""Fava extension "Begroting": the adopted budget beside the actual figures, per quarter.

Enable it in a book's options area:

    2022-01-01 custom "fava-extension" "fava_begroting"

On the actual book the page follows the budget book that its `plugins.budget_guard` line
names; a book without the guard names one on the extension line itself, relative to the
ledger file: `custom "fava-extension" "fava_begroting" "{'budget': 'begroting.beancount'}"`.
On the budget book itself the page shows the adopted table.

The page (templates/Begroting.html) shows the budget table of `make report` (report.budget_table,
the same queries), and on an actual book the variance report of `python -m report.variance`
(report.variance): begroting, realisatie, verschil and prognose per line and quarter, the
year's result, and a chart of the cumulative result. Every figure links to Fava's journal
filtered to its account and period. It is read-only: no endpoint changes anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from os import path
from typing import TYPE_CHECKING, Any

from fava.ext import FavaExtensionBase
from flask import current_app, g, request

from fava_begroting.funds_section import FundsSection, funds_section
from fava_begroting.links import journal_base
from fava_begroting.view import (
    Books,
    Page,
    adopted_rows,
    approval_items,
    budget_series,
    chart,
    summary_items,
    variance_rows,
    variance_series,
)
from report.errors import ReportError
from report.ledger import load_ledger
from report.variance import (
    Budget,
    NoBudgetError,
    budget_setting,
    read_budget,
    variance_report,
)

if TYPE_CHECKING:  # pragma: no cover
    from fava.core import FavaLedger


class Begroting(FavaExtensionBase):
    """The board's page: the adopted budget, and beside it what actually happened."""

    report_title = "Begroting"

    def __init__(self, ledger: FavaLedger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        # Caches, keyed on the book's entries (by identity: Fava replaces the list on every
        # reload, and holding it here keeps its id from being reused) and on file stamps.
        self._budget: tuple[list | None, tuple, Budget, list[str]] | None = None  # entries, key, budget, files
        self._page: tuple[list, tuple, Page] | None = None
        self._funds: tuple[list, FundsSection] | None = None

    # The configuration is read again from the book on every page (budget_setting), so an
    # edited fava-extension line counts after Fava's reload, like every other line.

    def page(self) -> Page:
        """The page for the current request, recomputed only when a book changed."""
        ledger = self.ledger
        title = ledger.options["title"]
        own = True
        try:
            budget_file = budget_setting(ledger.all_entries, ledger.options)
            own = budget_file is None or path.abspath(budget_file) == path.abspath(ledger.beancount_file_path)
            budget_key, budget = self._read_budget(None if own else budget_file)
        except NoBudgetError as exc:
            where = "Dit boek" if own else f"De begroting ({exc.args[0].split(':')[0]})"
            hint = (" Staat dit boek naast een begroting, noem die dan in de regel "
                    "plugin \"plugins.budget_guard\" \"{'budget': '…'}\".") if own else ""
            return Page(title, "fout", errors=[
                f"{where} bevat geen begrotingsposten (transacties op inkomsten- en uitgavenrekeningen "
                f"met een kwartaaltag #Q1..#Q4), dus er is geen begroting om te tonen.{hint}"])
        except ReportError as exc:
            return Page(title, "fout", errors=[f"De begroting kan niet worden geladen: {exc}"])
        budget_slug = g.beancount_file_slug if own else _slugs().get(path.abspath(budget_file))
        key = (budget_key, request.script_root, g.beancount_file_slug, budget_slug)
        cached = self._page
        if cached is None or cached[0] is not ledger.all_entries or cached[1] != key:
            name = path.basename(budget_file) if budget_file else ""
            cached = self._page = (ledger.all_entries, key, self._build(title, budget, None if own else name,
                                                                         budget_slug))
        return cached[2]

    def funds(self) -> FundsSection:
        """The earmarked funds and conditional lines at the end of the page (fava_begroting.funds_section)."""
        cached = self._funds
        if cached is None or cached[0] is not self.ledger.all_entries:
            cached = self._funds = (self.ledger.all_entries, funds_section(self.ledger.all_entries, self.ledger.options))
        return cached[1]

    def _read_budget(self, filename: str | None) -> tuple[tuple, Budget]:
        """The budget of the budget book (of this book when filename is None).

        Read again only when the book changed: this book's entries are replaced by Fava on
        every reload; another budget book is loaded again when one of its files changed.
        """
        cached = self._budget
        own = self.ledger.all_entries if filename is None else None
        if filename is None:
            key: tuple = ("own",)
        else:
            files = cached[3] if cached is not None and cached[1][0] == filename else [filename]
            key = (filename, _stamp(files))
        if cached is not None and cached[0] is own and cached[1] == key:
            return key, cached[2]
        if own is not None:
            budget, files = read_budget(own, self.ledger.options), []
        else:
            entries, options = load_ledger(filename)
            budget, files = read_budget(entries, options), list(options["include"])
            key = (filename, _stamp(files))
        self._budget = (own, key, budget, files)
        return key, budget

    def _build(self, title: str, budget: Budget, budget_name: str | None, budget_slug: str | None) -> Page:
        """The page: the adopted table; beside an actual book also the variance report."""
        ledger = self.ledger
        own = budget_name is None
        local = journal_base(request.script_root, g.beancount_file_slug)
        books = Books(budget.year, budget.income, budget.expenses, actual=None if own else local,
                      budget=journal_base(request.script_root, budget_slug) if budget_slug else None)
        page = Page(title, "begroting" if own else "vergelijking", local.removesuffix("journal/"),
                    adopted=adopted_rows(budget.table, budget.committed, books))
        if books.budget is None:
            page.budget_link_note = (f"De begroting ({budget_name}) wordt niet door deze Fava getoond: begrote "
                                     "bedragen linken daarom niet naar hun posten. Start Fava met beide boeken "
                                     "(make fava, make board).")
        if ledger.load_errors:
            page.notes.append(f"Dit boek heeft {len(ledger.load_errors)} fout(en) (zie Fouten in de zijbalk); "
                              "overschrijdingen die de plugin budget_guard meldt, tellen mee.")
        if own:
            page.notes.append("Dit is de begroting zelf: de vastgestelde tabel, zonder realisatie. "
                              "Begroting en realisatie naast elkaar staan op deze pagina in de boekhouding.")
            result = next((row for row in budget.table if row.kind == "resultaat"), None)
            page.chart = chart(budget.year, budget_series(result, books), None)
            return page
        try:
            report = variance_report(budget, ledger.all_entries, ledger.options)
        except ReportError as exc:
            return Page(title, "fout", errors=[str(exc)])
        page.notes[:0] = report.notes
        page.quarters = report.quarters
        page.variance = variance_rows(report, books)
        page.summary = summary_items(report, books)
        page.approvals = approval_items(report)
        page.chart = chart(report.year, variance_series(report, books), report.peildatum)
        return page


def _slugs() -> dict[str, str]:
    """The slug under which this Fava serves each book, by absolute file name."""
    ledgers: Any = current_app.config["LEDGERS"]
    return {path.abspath(ledger.beancount_file_path): slug for slug, ledger in ledgers.items()}


def _stamp(files: Iterable[str]) -> tuple:
    """(file, (modification time, size)) of each file; None for a file that is gone."""
    stamp = []
    for name in files:
        try:
            stat = os.stat(name)
        except OSError:
            stamp.append((name, None))
        else:
            stamp.append((name, (stat.st_mtime_ns, stat.st_size)))
    return tuple(stamp)
