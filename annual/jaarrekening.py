"""`python -m annual.jaarrekening`: the jaarrekening of a year as printable HTML and PDF (make jaarrekening).

    python -m annual.jaarrekening ledger/boekhouding-2022.beancount             # build/jaarrekening-2022.html, .pdf
    python -m annual.jaarrekening ledger/boekhouding-2022.beancount -o jr.html  # jr.html and jr.pdf
    python -m annual.jaarrekening ledger/boekhouding-2022.beancount --geen-pdf      # the HTML only

The budget book is the one the actual book's plugins.budget_guard line names (or --budget).
Both books must pass bean-check: otherwise one located error (`error: FILE:LINE: message`),
exit status 1, and nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from annual.books import load_year
from annual.html import document
from annual.model import jaarrekening
from annual.pdf import html_to_pdf
from books.write import replace_file
from report.errors import ReportError
from report.queries import QUERY_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m annual.jaarrekening",
        description="Jaarrekening (balans, staat van baten en lasten) as HTML and PDF.",
    )
    parser.add_argument("ledger", help="the actual book of the year, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--budget", metavar="FILE", help="the budget book (default: the one the book's guard names)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE.html",
        help="the HTML file; the PDF goes beside it (default: build/jaarrekening-JAAR.html)",
    )
    parser.add_argument("--jaar", type=int, help="refuse unless the books are of this year")
    parser.add_argument("--geen-pdf", action="store_true", help="write the HTML only")
    parser.add_argument("--queries", metavar="DIR", default=QUERY_DIR, type=Path, help="folder of the .bql files")
    args = parser.parse_args(argv)
    try:
        report = jaarrekening(load_year(args.ledger, args.budget), args.queries)
        if args.jaar is not None and report.year != args.jaar:
            raise ReportError(f"{args.ledger}: its budget book is of {report.year}, not of {args.jaar}")
        html_file = Path(args.output or f"build/jaarrekening-{report.year}.html")
        pdf_file = html_file.with_suffix(".pdf")
        html_file.parent.mkdir(parents=True, exist_ok=True)
        replace_file(str(html_file), document(report))
        written = [str(html_file)]
        if not args.geen_pdf:
            html_to_pdf(str(html_file), str(pdf_file))
            written.append(str(pdf_file))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or args.output}: cannot write ({exc.strerror})", file=sys.stderr)
        return 1
    print(
        f"Jaarrekening {report.year}: {', '.join(written)}", file=sys.stderr if os.environ.get("QUIET") else sys.stdout
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
