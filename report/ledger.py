"""Loading a ledger for a report: any error of the book stops the report."""

from os import path

from beancount.parser import printer

from books.loader import load_book
from report.errors import ReportError


def load_ledger_with_errors(filename: str) -> tuple[list, list, dict]:
    """Load a Beancount file with its plugins; return (entries, errors, options).

    Raises ReportError only when the file is missing: for reports that show the book's
    errors beside their figures (an over-budget line is an error of the actual book).
    """
    if not path.isfile(filename):
        raise ReportError(f"{filename}: ledger file not found")
    entries, errors, options = load_book(filename)
    return entries, errors, options


def load_ledger(filename: str) -> tuple[list, dict]:
    """Load a Beancount file with its plugins; return (entries, options).

    Raises ReportError when the file is missing or the book has errors (syntax
    errors, failed checks, plugin errors): a report on a broken book would mislead.
    """
    entries, errors, options = load_ledger_with_errors(filename)
    if errors:
        first = printer.format_error(errors[0]).strip()
        more = f" (and {len(errors) - 1} more; run bean-check {filename})" if len(errors) > 1 else ""
        raise ReportError(f"{filename}: the ledger has errors: {first}{more}")
    return entries, options
