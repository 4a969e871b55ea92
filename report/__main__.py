"""`python -m report`: print the budget table of a budget book in the seed's layout.

    python -m report ledger/begroting-2022.beancount            # text, Dutch number format
    python -m report ledger/begroting-2022.beancount --csv out.csv   # the same table as CSV

Every figure is computed through beanquery from the query files in queries/.
"""

import argparse
import sys

from report.budget_table import budget_table, commitment_rows
from report.errors import ReportError
from report.ledger import load_ledger, write_output
from report.queries import QUERY_DIR
from report.render import render_csv, render_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report", description="Begroting in the seed's layout.")
    parser.add_argument("ledger", help="the budget book itself, e.g. ledger/begroting-2022.beancount "
                        "(the file the actual book names in its plugins.budget_guard line)")
    parser.add_argument("--csv", metavar="FILE", help="write the table as CSV to FILE ('-' for standard output)")
    parser.add_argument(
        "--queries", metavar="DIR", default=QUERY_DIR, help="folder of the .bql files (default: queries/)"
    )
    args = parser.parse_args(argv)
    try:
        entries, options = load_ledger(args.ledger)
        table = budget_table(entries, options, args.queries)
        summary = commitment_rows(entries, options, args.queries)
        if args.csv:
            write_output(args.csv, render_csv(table + summary))
        else:
            sys.stdout.write(render_text(table) + "\n" + render_text(summary))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
