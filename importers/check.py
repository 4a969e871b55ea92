"""The last check before anything is written: the book plus the new entries must pass
Beancount's own checks (what `bean-check` does), so that what `extract` appends to
the book never breaks it.

Errors of the project's own policy plugins (`plugins.*`, such as a budget overrun)
do not stop an import: they are about the book, and bean-check shows them there.

This is where a statement that does not continue the book is caught: a missing
opening balance (Beginsaldo), a missing or doubly imported statement (its closing
balance assertion fails), or a posting to an account that is not opened.
"""

from os import path

from beancount import loader
from beancount.core import data

from importers.base import IMPORT_ID
from importers.book import Book, structural_errors
from importers.errors import ImportFileError


def check_with_book(book: Book, text: str, origins: dict[str, tuple[str, str]]) -> None:
    """Raise ImportFileError, naming the source file and place, if book + text has errors."""
    source = book.option_lines() + text
    # Beancount's loader, on the book file plus the new text as a second source: the
    # same parsing, booking, plugins and validation as bean-check on the appended book.
    entries, errors, options = loader._load(  # noqa: SLF001 (the one entry point for several sources)
        [(path.abspath(book.filename), True), (source, False)], None, None, None)
    errors = structural_errors(errors)
    if not errors:
        return
    error = errors[0]
    entry = error.entry
    import_id = entry.meta.get(IMPORT_ID) if entry is not None and entry.meta else None
    filename, place = origins[import_id] if import_id in origins else (book.filename, None)
    message = " ".join(str(error.message).split())
    if isinstance(entry, data.Balance):
        message = (f"the closing balance does not continue the book: {message}. Is the opening balance "
                   f"of {entry.account} in the book (Beginsaldo), or is a statement missing or "
                   f"imported in another format before?")
    else:
        message = f"the new entries do not pass bean-check with the book: {message}"
    raise ImportFileError(filename, place, message)
