"""`python -m report.variance`: the budget beside the actual figures, per line and quarter.

    python -m report.variance ledger/boekhouding-2022.beancount [--budget FILE] [--kwartaal N] [--csv FILE]

The budget book is the one the actual book names in its `plugin "plugins.budget_guard"`
line (or its fava_begroting line), found and loaded by plugins.budget_book, the same as
bean-check and the Fava page; --budget names another. The figures are
report.variance_model's, the same as the page's; marks follow the guard's own policy.
"""

from __future__ import annotations

import argparse
import sys
from os import path

from beancount.parser import printer

from plugins.budget_book import BudgetBook, budget_book_of, budget_setting, load_budget_book
from plugins.budget_model import Policy
from plugins.errors import first_and_more
from report.errors import ReportError
from report.ledger import load_ledger_with_errors, write_output
from report.variance_model import NoBudgetError, variance_report
from report.variance_text import render_csv, render_report


def load_books(actual_file: str, budget_file: str | None = None) -> tuple[list, list, dict, BudgetBook, Policy]:
    """Load the actual book and its budget book (--budget, or as the book names it).

    Returns (actual errors, actual entries, actual options, budget book, the guard's
    policy). The actual book's errors do not stop the report (an unapproved overrun is
    one of them); the budget book must load without errors.
    """
    actual_entries, errors, actual_options = load_ledger_with_errors(actual_file)
    setting, setting_errors = budget_setting(actual_entries, actual_options)
    if setting_errors:
        error = setting_errors[0]
        raise ReportError(f"{error.source.get('filename')}:{error.source.get('lineno')}: {error.message}")
    policy = setting.policy if setting else Policy()
    budget_file = budget_file or (setting.path if setting else None)
    if budget_file is None:
        raise ReportError(f"{actual_file}: names no budget book; add --budget FILE or the line "
                          f"plugin \"plugins.budget_guard\" \"{{'budget': 'begroting-2022.beancount'}}\"")
    if path.abspath(budget_file) == path.abspath(actual_file):
        return errors, actual_entries, actual_options, budget_book_of(actual_entries, [], actual_options,
                                                                      actual_file), policy
    if not path.isfile(budget_file):
        raise ReportError(f"{budget_file}: ledger file not found")
    book = load_budget_book(budget_file)
    if not book.lines:
        raise NoBudgetError(f"{budget_file}: geen begrotingsposten gevonden (transacties op inkomsten- en "
                            "uitgavenrekeningen met een kwartaaltag #Q1..#Q4)")
    if book.errors:
        raise ReportError(f"{budget_file}: the budget book has errors: "
                          f"{first_and_more(book.errors, _format)} (run bean-check {budget_file})")
    return errors, actual_entries, actual_options, book, policy


def _format(error) -> str:
    return printer.format_error(error).strip().splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m report.variance",
        description="Begroting tegen realisatie per regel en kwartaal, in Dutch number format. The budget book is "
                    "the one the actual book names in its plugin \"plugins.budget_guard\" line (or its "
                    "fava_begroting line), with the guard's tolerance and per_quarter rule.")
    parser.add_argument("ledger", help="the actual book, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--budget", metavar="FILE",
                        help="another budget book (default: the one the book's budget_guard line names)")
    parser.add_argument("--kwartaal", type=int, choices=(1, 2, 3, 4), help="show one quarter instead of the year")
    parser.add_argument("--csv", metavar="FILE", help="write every figure as CSV to FILE ('-' for standard output)")
    args = parser.parse_args(argv)
    try:
        errors, actual_entries, actual_options, book, policy = load_books(args.ledger, args.budget)
        if errors:
            print(f"warning: {args.ledger} has {len(errors)} error(s), e.g. {_format(errors[0])} "
                  f"(run bean-check {args.ledger})", file=sys.stderr)
        report = variance_report(book, actual_entries, actual_options, policy)
        if args.csv:
            write_output(args.csv, render_csv(report))
        else:
            sys.stdout.write(render_report(report, args.kwartaal))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
