"""Writing a closing record into the actual book, under the book's lock.

`close_period` holds the book's lock for the whole read -> check -> write: it loads
the book, refuses when the book does not pass bean-check, when the date is in the
future or already closed, or when the closings file is not part of the book; then it
appends the record to the closings file (the whole file rewritten with
books.write.replace_file) and loads the book again to confirm it passes, restoring
the old file if it does not.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from os import path

from books.loader import load_book
from books.write import book_lock, remove_stale_temp_files, replace_file
from plugins.closed_periods import (
    Fingerprint,
    fingerprint,
    read_closings,
    render_closing,
)


class ClosingError(Exception):
    """A closing that is refused: the message names the file and place (FILE:PLACE: message)."""


@dataclass(frozen=True)
class Closed:
    """What close_period wrote."""

    file: str
    date: datetime.date
    fingerprint: Fingerprint
    text: str


def default_closings_file(book: str) -> str:
    """ledger/boekhouding-2022.beancount -> ledger/boekhouding-2022/afsluitingen.beancount."""
    stem = path.splitext(path.abspath(book))[0]
    return path.join(stem, "afsluitingen.beancount")


def located(error) -> str:
    """A Beancount error as FILE:LINE: message."""
    source = error.source or {}
    return f"{source.get('filename', '?')}:{source.get('lineno', 0)}: {error.message.splitlines()[0]}"


def close_period(book: str, date: datetime.date, approved_by: str, closings_file: str | None = None,
                 today: datetime.date | None = None, timeout: float = 30.0) -> Closed:
    """Close the book's period up to and including date; raise ClosingError when refused."""
    book = path.abspath(book)
    today = today or datetime.date.today()
    target = path.abspath(closings_file or default_closings_file(book))
    if not approved_by.strip():
        raise ClosingError(f"{book}: say who approved the closing (DOOR=\"Kascommissie, verslag …\")")
    if date > today:
        raise ClosingError(f"{book}: {date} is in the future (today is {today}): only a past period can be closed")
    if not path.isfile(book):
        raise ClosingError(f"{book}: no such book")
    with book_lock(book, timeout):
        entries, errors, options = load_book(book)
        if errors:
            details = "\n".join(f"  {located(e)}" for e in errors[:10])
            more = f"\n  … and {len(errors) - 10} more" if len(errors) > 10 else ""
            raise ClosingError(f"{located(errors[0])}: the book does not pass bean-check ({len(errors)} "
                               f"error(s)); nothing closed. Fix them first:\n{details}{more}")
        if target not in (options.get("include") or []):
            raise ClosingError(f"{book}:0: the closings file {target} is not included by the book; add "
                               f"include \"{path.relpath(target, path.dirname(book))}\" to it")
        closings, _ = read_closings(entries)
        later = [c for c in closings if c.date >= date]
        if later:
            closing = later[-1]
            raise ClosingError(f"{closing.meta['filename']}:{closing.meta['lineno']}: the period up to {closing.date} "
                               f"is already closed ({closing.approved_by}); {date} is not after it")
        print_ = fingerprint(entries, options, date)
        with open(target, encoding="utf-8") as handle:
            old = handle.read()
        record = render_closing(date, print_, approved_by.strip(), today)
        remove_stale_temp_files(target)
        replace_file(target, old + ("" if old.endswith("\n") or not old else "\n") + "\n" + record)
        _, after, _ = load_book(book)
        if after:
            replace_file(target, old)
            raise ClosingError(f"{located(after[0])}: the book did not pass bean-check after the closing "
                               f"record was added; the closings file is restored")
    return Closed(target, date, print_, record)
