"""A year's two books, loaded for the jaarrekening or the next year, and refused when they are not sound.

A jaarrekening drawn from books that bean-check rejects (a syntax error, a failed
balance assertion, an unapproved budget overrun) would present figures the auditors
cannot sign, so every command of this package loads both books through
`books.loader.load_book` and stops at the first error, named by file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import path

from beancount.core import data

from books.loader import load_book
from plugins.budget_book import guard_setting
from report.errors import ReportError


class BookError(ReportError):
    """A book that is missing or does not pass bean-check; the message is `FILE:LINE: message`."""


@dataclass(frozen=True)
class Book:
    """One loaded book: its main file, entries and options."""

    filename: str
    entries: list
    options: dict


@dataclass(frozen=True)
class YearBooks:
    """The actual book (boekhouding) of a year and the budget book (begroting) it is held to."""

    actual: Book
    budget: Book


def located(error: object, fallback: str) -> str:
    """`FILE:LINE: message` of a Beancount error (its source meta), first line of the message only."""
    source = getattr(error, "source", None) or {}
    filename = source.get("filename") or fallback
    lineno = source.get("lineno")
    message = str(getattr(error, "message", error)).strip().splitlines()
    place = f"{filename}:{lineno}" if lineno else filename
    return f"{place}: {message[0] if message else error.__class__.__name__}"


JAARREKENING = "so no jaarrekening is drawn from it"


def load_checked(filename: str, refused: str = JAARREKENING) -> Book:
    """Load a book; BookError at its first error (the same errors bean-check prints), ending in `refused`."""
    if not path.isfile(filename):
        raise BookError(f"{filename}: book not found")
    entries, errors, options = load_book(filename)
    if errors:
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        raise BookError(f"{located(errors[0], filename)}{more}; the book does not pass bean-check "
                        f"(run bean-check {filename}), {refused}")
    return Book(filename, entries, options)


def budget_file_of(actual: Book) -> str:
    """The budget book the actual book is held to: the one its plugins.budget_guard line names."""
    setting, errors = guard_setting(actual.options)
    if errors:
        raise BookError(located(errors[0], actual.filename))
    if setting is None:
        raise BookError(f"{actual.filename}: names no budget book (the line plugin \"plugins.budget_guard\" "
                        "\"{'budget': 'begroting-JJJJ.beancount'}\" is missing)")
    return setting.path


def load_year(actual_file: str, budget_file: str | None = None, refused: str = JAARREKENING) -> YearBooks:
    """Both books of a year, each passing bean-check; BookError otherwise."""
    actual = load_checked(actual_file, refused)
    return YearBooks(actual, load_checked(budget_file or budget_file_of(actual), refused))


def open_entries(entries: list) -> dict[str, data.Open]:
    """The open directive of every account, by account name."""
    return {entry.account: entry for entry in entries if isinstance(entry, data.Open)}
