"""Loading a book from disk: the one way this project does it.

Every command, plugin and page that reads a book file (the budget book the guard
follows, the actual book of the reports, the benchmark's books) calls `load_book`,
so that caching and loading policy live in one place. Today it is Beancount's own
loader; the speed work (issue "Answers at once") puts its cache here.
"""

from __future__ import annotations

from beancount import loader


def load_book(filename: str) -> tuple[list, list, dict]:
    """Load a book: (entries, errors, options_map), as `beancount.loader.load_file`."""
    return loader.load_file(filename)
