"""The last check before anything is written: the book plus the new entries must pass
Beancount's own checks (what `bean-check` does on the book with the new text in it),
so that what `extract` writes never breaks the book.

Two ways to the same verdict:

- `check_new_entries` (used by every import): the book is loaded once; the new text is
  parsed back (so what is checked is exactly what will be written), booked, and
  validated against the loaded book: accounts opened and not closed, currency
  constraints of the `open` directives, balance assertions (the new ones and the
  book's own, on the running balances of book plus new entries), duplicate balance
  assertions, transactions that balance, data types.
- `check_by_reloading` (the reference): Beancount's loader on the book file plus the
  new text as a second source, i.e. everything bean-check does, at the cost of loading
  the whole book again. It is used instead where the fast check could differ: when
  the book pads an account the new entries touch (a `pad` is recomputed from the
  entries after it) or runs plugins other than Beancount's own and this project's
  (`plugins.*`). A test feeds both the same broken imports and holds their verdicts equal.

Errors of the project's own policy plugins (`plugins.*`, such as a budget overrun)
do not stop an import: they are about the book, and bean-check shows them there.

This is where a statement that does not continue the book is caught: a missing
opening balance (Beginsaldo), a missing or doubly imported statement, entries typed
by hand that the statement also holds (its closing balance assertion fails), or a
posting to an account that is not opened. The message names the likely culprits.
"""

from __future__ import annotations

import heapq
from decimal import Decimal
from os import path

from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount
from beancount.core.number import MISSING
from beancount.ops import balance, validation
from beancount.parser import booking, parser

from importers.book import IMPORT_ID, Book, structural_errors
from importers.errors import ImportFileError

#: How many likely culprits a refusal lists at most.
MAX_CULPRITS = 5


Origins = dict[str, tuple[str, str]]


def check_new_entries(book: Book, text: str, origins: Origins, new_entries: list) -> None:
    """Raise ImportFileError, naming the source file and place, if book + text has errors.

    `text` is what will be written (the printed `new_entries`); `origins` maps an import
    id to the (file, place) it came from.
    """
    _raise_first(book, final_errors(book, text), origins, new_entries)


def check_by_reloading(book: Book, text: str, origins: Origins, new_entries: list) -> None:
    """The same verdict as `check_new_entries`, by loading book and text again from disk."""
    _raise_first(book, reload_errors(book, text), origins, new_entries)


def final_errors(book: Book, text: str) -> list:
    """The errors of book + text: found against the loaded book, or by reloading where needed."""
    errors = new_entry_errors(book, text)
    return reload_errors(book, text) if errors is None else errors


def reload_errors(book: Book, text: str) -> list:
    """bean-check's errors on the book file plus `text` (policy plugins' errors left out)."""
    source = book.option_lines() + text
    # Beancount's loader, on the book file plus the new text as a second source: the
    # same parsing, booking, plugins and validation as bean-check on the appended book.
    _, errors, _ = loader._load(  # noqa: SLF001 (the one entry point for several sources)
        [(path.abspath(book.filename), True), (source, False)], None, None, None)
    return structural_errors(errors)


def new_entry_errors(book: Book, text: str) -> list | None:
    """The errors book + text would have, found without reloading the book.

    None when this book needs the full reload to be judged the same (see module docstring).
    """
    if _foreign_plugins(book.options):
        return None
    entries, errors, _ = parser.parse_string(book.option_lines() + text)
    if errors:
        return list(errors)
    entries, errors = _book(entries, book.options)
    if errors:
        return list(errors)
    touched = {posting.account for entry in entries if isinstance(entry, data.Transaction)
               for posting in entry.postings} | {entry.account for entry in entries if isinstance(entry, data.Balance)}
    if any(isinstance(entry, data.Pad) and (entry.account in touched or entry.source_account in touched)
           for entry in book.entries):
        return None
    entries.sort(key=data.entry_sortkey)
    opens = [entry for entry in book.entries if isinstance(entry, (data.Open, data.Close))]
    with_opens = sorted(opens + entries, key=data.entry_sortkey)
    found: list = []
    found += validation.validate_active_accounts(with_opens, book.options)
    found += validation.validate_currency_constraints(with_opens, book.options)
    found += validation.validate_check_transaction_balances(entries, book.options)
    found += validation.validate_data_types(entries, book.options)
    balances = [entry for entry in book.entries if isinstance(entry, data.Balance)]
    found += validation.validate_duplicate_balances(
        sorted(balances + [e for e in entries if isinstance(e, data.Balance)], key=data.entry_sortkey), book.options)
    # Balance assertions on the running balances of book and new entries together: the
    # new ones, and the book's own on every account whose balance the new entries change
    # (the book's other assertions passed when it was loaded and cannot change).
    new_asserted = {entry.account for entry in entries if isinstance(entry, data.Balance)}
    merged = list(heapq.merge(_affected(book.entries, touched, new_asserted), entries, key=data.entry_sortkey))
    _, balance_errors = balance.check(merged, book.options)
    found += balance_errors
    return found


def _book(entries: list, options: dict) -> tuple[list, list]:
    """Beancount's booking; done here directly for what an import makes (a transaction of
    postings without cost or price, all but one with an amount), with the same result."""
    simple = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            missing = [p for p in entry.postings if p.units is None or p.units is MISSING]
            given = [p for p in entry.postings if not (p.units is None or p.units is MISSING)]
            if (len(missing) != 1 or any(p.cost is not None or p.price is not None for p in entry.postings)
                    or len({p.units.currency for p in given}) != 1):
                return booking.book(entries, options)
            total = sum(p.units.number for p in given)
            filled = missing[0]._replace(units=Amount(-total, given[0].units.currency))
            entry = entry._replace(postings=[filled if p is missing[0] else p for p in entry.postings])
        simple.append(entry)
    return simple, []


def _affected(entries: list, touched: set[str], new_asserted: set[str]) -> list:
    """The book's entries that the balance checks can depend on: its balance assertions
    on a touched account or a parent of one, and the transactions with a posting below
    such an account or below an account of a new balance assertion."""
    parents = {":".join(name.split(":")[:depth]) for name in touched for depth in range(1, name.count(":") + 2)}
    asserted = {entry.account for entry in entries if isinstance(entry, data.Balance) and entry.account in parents}
    asserted |= new_asserted
    if not asserted:
        return [entry for entry in entries if isinstance(entry, (data.Open, data.Close))]
    relevant: dict[str, bool] = {}

    def under(account: str) -> bool:
        known = relevant.get(account)
        if known is None:
            parts = account.split(":")
            known = relevant[account] = any(":".join(parts[:depth]) in asserted for depth in range(1, len(parts) + 1))
        return known

    kept = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            if any(under(posting.account) for posting in entry.postings):
                kept.append(entry)
        elif isinstance(entry, data.Balance):
            if entry.account in asserted:
                kept.append(entry)
        elif isinstance(entry, (data.Open, data.Close)):
            kept.append(entry)
    return kept


def _foreign_plugins(options: dict) -> list[str]:
    """Plugins of the book that are neither Beancount's own nor this project's policy plugins."""
    return [name for name, _ in options.get("plugin", [])
            if not name.startswith(("plugins.", "beancount.ops.", "beancount.plugins.auto_accounts"))]


def _raise_first(book: Book, errors: list, origins: Origins, new_entries: list) -> None:
    if not errors:
        return
    errors = sorted(errors, key=lambda e: (e.entry is None, e.entry.date if e.entry is not None else None))
    error = errors[0]
    entry = error.entry
    import_id = entry.meta.get(IMPORT_ID) if entry is not None and entry.meta else None
    filename, place = origins.get(import_id, (book.filename, None))
    message = " ".join(str(error.message).split())
    if isinstance(entry, data.Balance):
        message = f"the closing balance does not continue the book: {message}. {culprits(book, entry, new_entries)}"
    else:
        message = f"the new entries do not pass bean-check with the book: {message}"
    raise ImportFileError(filename, place, message)


def culprits(book: Book, assertion: data.Balance, new_entries: list) -> str:
    """What most likely keeps a statement's closing balance from continuing the book."""
    account = assertion.account
    booked = book.bank_entries.get(account, [])
    before = [entry for entry in booked if entry.date < assertion.date]
    if not before:
        return (f"The book holds no entry on {account} before {assertion.date}: is its opening balance "
                f"in the book (Beginsaldo), or is a statement missing or imported in another format before?")
    # The statement's period: from the first of its lines that this import would add.
    starts = [entry.date for entry in new_entries if isinstance(entry, data.Transaction)
              and any(posting.account == account for posting in entry.postings)] or [assertion.date]
    start = min(starts)
    by_hand = [entry for entry in before if entry.date >= start and IMPORT_ID not in entry.meta]
    other = [entry for entry in before if entry.date >= start and IMPORT_ID in entry.meta]
    lines = [f"{_where(entry)} ({entry.date}, {_amount_on(entry, account)}, typed by hand)" for entry in by_hand]
    lines += [f"{_where(entry)} ({entry.date}, {_amount_on(entry, account)}, imported before as "
              f"{entry.meta[IMPORT_ID]})" for entry in other]
    if not lines:
        return (f"No entry on {account} in the book overlaps the statement: is a statement before it "
                f"missing, or is the opening balance (Beginsaldo) wrong?")
    shown = "; ".join(lines[:MAX_CULPRITS]) + (f"; and {len(lines) - MAX_CULPRITS} more" if len(lines) > MAX_CULPRITS else "")
    return (f"Likely culprits, entries on {account} in the statement's period that the statement "
            f"may hold as well (typed by hand, or imported in another format): {shown}")


def _where(entry) -> str:
    filename = entry.meta.get("filename", "?")
    if not filename.startswith("<"):
        filename = path.relpath(filename)
    return f"{filename}:{entry.meta.get('lineno', '?')}"


def _amount_on(entry: data.Transaction, account: str) -> str:
    total = sum((p.units.number for p in entry.postings if p.account == account and p.units), Decimal(0))
    currency = next((p.units.currency for p in entry.postings if p.account == account and p.units), "")
    return f"{total} {currency}".strip()
