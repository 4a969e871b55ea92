"""Fava extension "Begroting": the adopted budget beside the actual figures, per quarter.

Enable it in a book's options area:

    ; the actual book: its budget book, relative to the ledger file
    2022-01-01 custom "fava-extension" "fava_begroting" "{'budget': 'begroting-2022.beancount'}"
    ; the budget book itself: no configuration, the page shows the adopted table
    2022-01-01 custom "fava-extension" "fava_begroting"

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

from flask import current_app, g, request

from fava.ext import FavaExtensionBase
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
from report.budget_table import budget_table, commitment_rows
from report.errors import ReportError
from report.ledger import load_ledger
from report.variance import budget_setting, budget_year, variance_report

if TYPE_CHECKING:  # pragma: no cover
    from fava.core import FavaLedger


class Begroting(FavaExtensionBase):
    """The board's page: the adopted budget, and beside it what actually happened."""

    report_title = "Begroting"

    def __init__(self, ledger: FavaLedger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._budget_books: dict[str, tuple[tuple, list, dict]] = {}
        self._page: tuple[tuple, Page] | None = None

    # The configuration is read again from the book on every page (budget_setting), so an
    # edited fava-extension line counts after Fava's reload, like every other line.

    def page(self) -> Page:
        """The page for the current request, recomputed only when a book changed."""
        ledger = self.ledger
        title = ledger.options["title"]
        try:
            budget_file = budget_setting(ledger.all_entries, ledger.options)
            own = budget_file is None or path.abspath(budget_file) == path.abspath(ledger.beancount_file_path)
            if own:
                budget_entries, budget_options, stamp = ledger.all_entries, ledger.options, ()
            else:
                budget_entries, budget_options, stamp = self._budget_book(budget_file)
        except ReportError as exc:
            return Page(title, "fout", errors=[f"De begroting kan niet worden geladen: {exc}"])
        slugs = _slugs()
        budget_slug = g.beancount_file_slug if own else slugs.get(path.abspath(budget_file))
        key = (id(ledger.all_entries), stamp, request.script_root, g.beancount_file_slug, budget_slug)
        if self._page is None or self._page[0] != key:
            self._page = (key, self._build(title, own, budget_entries, budget_options, budget_slug))
        return self._page[1]

    def _budget_book(self, filename: str) -> tuple[list, dict, tuple]:
        """The budget book, loaded again only when one of its files changed."""
        cached = self._budget_books.get(filename)
        if cached is not None and _stamp(name for name, _ in cached[0]) == cached[0]:
            return cached[1], cached[2], cached[0]
        entries, options = load_ledger(filename)
        stamp = _stamp(options["include"])
        self._budget_books[filename] = (stamp, entries, options)
        return entries, options, stamp

    def _build(self, title: str, own: bool, budget_entries: list, budget_options: dict,
               budget_slug: str | None) -> Page:
        ledger = self.ledger
        try:
            year = budget_year(budget_entries, budget_options)
            if year is None:
                where = "Dit boek" if own else f"De begroting ({path.basename(budget_options['filename'])})"
                hint = (" Staat dit boek naast een begroting, noem die dan in de regel "
                        "custom \"fava-extension\" \"fava_begroting\" \"{'budget': '…'}\".") if own else ""
                return Page(title, "fout", errors=[
                    f"{where} bevat geen begrotingsposten (transacties op inkomsten- en uitgavenrekeningen "
                    f"met een kwartaaltag #Q1..#Q4), dus er is geen begroting om te tonen.{hint}"])
            table = budget_table(budget_entries, budget_options)
            committed = commitment_rows(budget_entries, budget_options)
            books = Books(year, budget_options["name_income"], budget_options["name_expenses"],
                          actual=None if own else journal_base(request.script_root, g.beancount_file_slug),
                          budget=journal_base(request.script_root, budget_slug) if budget_slug else None)
            page = Page(title, "begroting" if own else "vergelijking",
                        journal_base(request.script_root, g.beancount_file_slug).removesuffix("journal/"),
                        adopted=adopted_rows(table, committed, books))
            if books.budget is None:
                page.budget_link_note = (f"De begroting ({path.basename(budget_options['filename'])}) wordt niet door "
                                         "deze Fava getoond: begrote bedragen linken daarom niet naar hun posten. "
                                         "Start Fava met beide boeken (make fava, make board).")
            if ledger.load_errors:
                page.notes.append(f"Dit boek heeft {len(ledger.load_errors)} fout(en) (zie Fouten in de zijbalk); "
                                  "overschrijdingen die de plugin budget_guard meldt, tellen mee.")
            if own:
                page.notes.append("Dit is de begroting zelf: de vastgestelde tabel, zonder realisatie. "
                                  "Begroting en realisatie naast elkaar staan op deze pagina in de boekhouding.")
                result = next((row for row in table if row.kind == "resultaat"), None)
                page.chart = chart(year, budget_series(result, books), None)
                return page
            report = variance_report(budget_entries, budget_options, ledger.all_entries, ledger.options)
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
