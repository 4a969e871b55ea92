"""python -m closing BOOK --datum 2022-03-31 --door "Kascommissie, verslag 2022-04-12" (make afsluiten)."""

from __future__ import annotations

import argparse
import datetime
import sys

from books.write import BookLocked
from closing.close import ClosingError, close_period


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m closing", description=(
        "Close the actual book up to a date: record a fingerprint of every entry dated on or before it."))
    parser.add_argument("book", help="the actual book, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--datum", required=True, help="last day of the closed period, YYYY-MM-DD")
    parser.add_argument("--door", default="", help="who approved the closing (board or kascommissie decision)")
    parser.add_argument(
        "--bestand", default=None, help="the closings file (default: BOOK-folder/afsluitingen.beancount)"
    )
    args = parser.parse_args(argv)
    try:
        date = datetime.date.fromisoformat(args.datum)
    except ValueError:
        print(f"error: DATUM={args.datum!r}: not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    try:
        closed = close_period(args.book, date, args.door, args.bestand)
    except (ClosingError, BookLocked) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{closed.file}: closed up to {closed.date}: {closed.fingerprint.count} entries, {closed.fingerprint.digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
