"""Fava extension "Jaarrekening": the jaarrekening of the book's year on a Fava page.

Enable it in an actual book's options area:

    2022-01-01 custom "fava-extension" "fava_jaarrekening"

The page shows exactly what `make jaarrekening` prints (annual.model built from the
same books, laid out by annual.html's one fragment): balans per 31 december, staat van
baten en lasten (realisatie / begroting / verschil), resultaatbestemming and toelichting.
The budget book is the one the book's plugins.budget_guard line names. Like the command,
the page refuses books that do not pass bean-check and says where the first error is.
Read-only: no endpoint changes anything.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

from fava.ext import FavaExtensionBase

from annual.books import (
    Book,
    BookError,
    YearBooks,
    budget_file_of,
    load_checked,
    located,
)
from annual.html import STYLE, fragment
from annual.model import jaarrekening
from report.errors import ReportError

if TYPE_CHECKING:  # pragma: no cover
    from fava.core import FavaLedger


class Jaarrekening(FavaExtensionBase):
    """The jaarrekening of the year, for the board and the kascommissie."""

    report_title = "Jaarrekening"

    def __init__(self, ledger: FavaLedger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._cache: tuple[object, tuple, str, str] | None = None  # entries, budget stamp, html, error

    def style(self) -> str:
        """The jaarrekening's stylesheet (the same rules as the printed file)."""
        return STYLE

    def content(self) -> tuple[str, str]:
        """(the jaarrekening's HTML fragment, '') or ('', a located error)."""
        ledger = self.ledger
        actual = Book(
            ledger.beancount_file_path, cast(list[Any], ledger.all_entries), cast(dict[str, Any], ledger.options)
        )
        try:
            budget_file = budget_file_of(actual)
        except BookError as exc:
            return "", str(exc)
        stamp = _stamp(budget_file)
        cached = self._cache
        if cached is not None and cached[0] is ledger.all_entries and cached[1] == stamp:
            return cached[2], cached[3]
        html, error = "", ""
        if ledger.load_errors:
            error = (
                f"{located(ledger.load_errors[0], actual.filename)}: dit boek komt niet door bean-check "
                f"({len(ledger.load_errors)} fout(en), zie Fouten), dus er is geen jaarrekening."
            )
        else:
            try:
                html = fragment(jaarrekening(YearBooks(actual, load_checked(budget_file))))
            except ReportError as exc:
                error = str(exc)
        self._cache = (ledger.all_entries, stamp, html, error)
        return html, error


def _stamp(filename: str) -> tuple:
    """The budget book's modification time and size (its includes are listed by the guard in this book)."""
    try:
        stat = os.stat(filename)
    except OSError:
        return (filename, None)
    return (filename, stat.st_mtime_ns, stat.st_size)
