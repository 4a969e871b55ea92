"""`python -m report.unreviewed BOOK...`: a warning for every book with entries nobody has reviewed.

    python -m report.unreviewed ledger/boekhouding-2022.beancount

An entry is unreviewed while it is flagged `!` or posts to Passiva:NogTeRubriceren
(plugins.budget_model.unreviewed, the same count and amount the Begroting page and
report.variance show). Not an error of the book, so not bean-check's: `make check` runs
this after bean-check. Exits 0 (a warning), 1 only when a book cannot be read.
"""

from __future__ import annotations

import argparse
import sys

from plugins.budget_model import unreviewed
from report.errors import ReportError
from report.ledger import load_ledger_with_errors
from report.variance_notes import unreviewed_text


def warning(filename: str) -> str | None:
    """The warning for one book, None when every entry is reviewed."""
    entries, _, options = load_ledger_with_errors(filename)
    waiting = unreviewed(entries, options)
    if not waiting.count:
        return None
    first = waiting.entries[0].meta
    return (f"warning: {filename}: {unreviewed_text(waiting.count, waiting.amount, waiting.account)}; "
            f"the first at {first.get('filename')}:{first.get('lineno')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report.unreviewed",
                                     description="Warn about entries not yet reviewed (flag ! or on "
                                                 "Passiva:NogTeRubriceren), with their count and net amount.")
    parser.add_argument("ledgers", nargs="+", help="the books to look at, e.g. ledger/boekhouding-2022.beancount")
    args = parser.parse_args(argv)
    status = 0
    for filename in args.ledgers:
        try:
            text = warning(filename)
        except ReportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        if text:
            print(text, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
