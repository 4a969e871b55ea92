"""python -m audit BOOK [--map build/kascontrole] [--drempel 500] (make kascontrole)."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from decimal import Decimal, InvalidOperation
from os import path

from audit.pack import DEFAULT_THRESHOLD, build_pack
from audit.write import write_pack
from books.loader import load_book
from report.errors import ReportError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m audit", description="The kascommissie's pack as text and CSV.")
    parser.add_argument("book", help="the actual book, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--map", default="build/kascontrole", help="folder to write into (default build/kascontrole)")
    parser.add_argument("--drempel", default=str(DEFAULT_THRESHOLD),
                        help=f"expenses above this many euros need a document (default {DEFAULT_THRESHOLD})")
    args = parser.parse_args(argv)
    try:
        threshold = Decimal(args.drempel)
        if not threshold.is_finite() or threshold < 0:
            raise InvalidOperation
    except InvalidOperation:
        print(f"error: DREMPEL={args.drempel!r}: not a non-negative number of euros", file=sys.stderr)
        return 2
    if not path.isfile(args.book):
        print(f"error: {args.book}: no such book", file=sys.stderr)
        return 1
    entries, errors, options = load_book(args.book)
    try:
        sections = build_pack(entries, errors, options, threshold)
        os.makedirs(args.map, exist_ok=True)
        written = write_pack(sections, args.map, args.book, threshold, datetime.date.today())
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {args.map}: cannot write the pack ({exc.strerror or exc})", file=sys.stderr)
        return 1
    findings = sum(section.findings for section in sections)
    print(f"{written[0]}: {findings} item(s) for the kascommissie to look at; CSV per section beside it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
