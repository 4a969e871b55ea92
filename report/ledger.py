"""Loading a ledger for a report (any error of the book stops it), and writing a report's output."""

import sys
from os import path

from beancount.parser import printer

from books.loader import load_book
from plugins.errors import first_and_more
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
        raise ReportError(f"{filename}: the ledger has errors: "
                          f"{first_and_more(errors, lambda e: printer.format_error(e).strip())}"
                          f" (run bean-check {filename})")
    return entries, options


def write_output(filename: str, text: str) -> None:
    """Write a report's text (CSV) to filename, or to standard output for '-'."""
    if filename == "-":
        sys.stdout.write(text)
        return
    try:
        with open(filename, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    except OSError as exc:
        raise ReportError(f"{filename}: cannot write CSV ({exc.strerror})") from None
