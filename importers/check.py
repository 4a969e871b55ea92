"""The last check before anything is written: the book plus the new entries must pass
Beancount's own checks (what `bean-check` does on the book with the new text in it),
so that what `extract` writes never breaks the book.

Two ways to the same verdict:

- `check_new_entries` (used by every import): the book is loaded once; the new entries
  are validated as the importer made them (the printer writes them exactly; a test holds
  the fast printer equal to Beancount's) against the loaded book, without booking copies
  of them or sorting the book: accounts opened and not closed, currency
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

import bisect
import collections
import heapq
from collections.abc import Iterable, Mapping
from decimal import Decimal
from os import path
from typing import Any

from beancount import loader
from beancount.core import amount, data
from beancount.core.amount import Amount
from beancount.core.number import MISSING, ZERO
from beancount.ops import balance, validation
from beancount.parser import booking, parser

from importers.book import IMPORT_ID, Book, structural_errors
from importers.errors import ImportFileError
from plugins import budget_book, budget_guard, budget_model

#: How many likely culprits a refusal lists at most.
MAX_CULPRITS = 5


Origins = Mapping[str, tuple[str, str]]


def check_new_entries(book: Book, text: str, origins: Origins, new_entries: list) -> None:
    """Raise ImportFileError, naming the source file and place, if book + text has errors.

    `text` is what will be written (`new_entries` printed); `origins` maps an import id
    to the (file, place) it came from. The entries are validated as they are (the
    printer prints them exactly: a test holds the fast printer equal to Beancount's);
    the text is reloaded with the book only where the fast check cannot judge.
    """
    _raise_first(book, final_errors(book, text, new_entries), origins, new_entries)


def check_by_reloading(book: Book, text: str, origins: Origins, new_entries: list) -> None:
    """The same verdict as `check_new_entries`, by loading book and text again from disk."""
    _raise_first(book, reload_errors(book, text), origins, new_entries)


def final_errors(book: Book, text: str, new_entries: list | None = None) -> list:
    """The errors of book + text: found against the loaded book, or by reloading where needed.

    With `new_entries` (the directives `text` prints) they are validated directly;
    without, `text` is parsed first."""
    if new_entries is None:
        errors = new_entry_errors(book, text)
    else:
        errors = entry_errors(book, new_entries)
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
    return entry_errors(book, entries)


def entry_errors(book: Book, new_entries: list) -> list | None:
    """The errors the book plus `new_entries` (directives as an importer makes them, or
    as parsed from their text) would have, found without reloading the book.

    None when this book needs the full reload to be judged the same (see module docstring).
    """
    if _foreign_plugins(book.options):
        return None
    touched = {posting.account for entry in new_entries if isinstance(entry, data.Transaction)
               for posting in entry.postings} | \
              {entry.account for entry in new_entries if isinstance(entry, data.Balance)}
    if any(pad.account in touched or pad.source_account in touched for pad in book.pads):
        return None
    if all(simple(entry) for entry in new_entries):
        return _simple_errors(book, new_entries)
    return _general_errors(book, new_entries, touched)


def simple(entry) -> bool:
    """A directive as the importers make it: a balance assertion, or a transaction whose
    postings have no cost or price, all but the last with an amount in one currency; its
    last posting (without amount) takes the rest, so the transaction balances."""
    if type(entry) is data.Balance:
        return True
    if type(entry) is not data.Transaction:
        return False
    if not entry.postings:
        return False
    *given, last = entry.postings
    if (last.units is not None and last.units is not MISSING) or not given:
        return False
    currency = None
    for posting in entry.postings:
        if posting.cost is not None or posting.price is not None:
            return False
    for posting in given:
        units = posting.units
        if type(units) is not Amount or type(units.number) is not Decimal:
            return False
        if currency is None:
            currency = units.currency
        elif units.currency != currency:
            return False
    return True


def _simple_errors(book: Book, entries: list) -> list | None:
    """Beancount's validations of `entries` (all `simple`) against the book (`EntryCheck`)."""
    checker = EntryCheck(book)
    for entry in entries:
        checker.add(entry)
    return checker.errors()


class EntryCheck:
    """Beancount's validations of new directives as the importers make them (`simple`)
    against the loaded book, fed one at a time and judged at the end: what
    `_general_errors` finds, without booking, copying or sorting, and without holding
    the new transactions (an import of 100,000 entries streams them through).

    Per entry: data types, accounts opened and not closed, the `open` directives'
    currency constraints. Kept: the new balance assertions, and per account, currency
    and day the total the new transactions post. `optional` entries (statement lines
    that matched an entry typed by hand) are kept apart, so that `errors` can judge the
    import with and without them.
    """

    def __init__(self, book: Book):
        self.book = book
        self.opens = book.open_close
        self.balances: list[data.Balance] = []
        self.first_dates: dict[str, Any] = {}           # account -> first date a new transaction posts to it
        self._errors: dict[bool, list] = {False: [], True: []}
        self._days: dict[bool, dict[tuple[str, str], dict]] = {
            optional: collections.defaultdict(lambda: collections.defaultdict(Decimal)) for optional in (False, True)}
        self.budget = _guarded_budget(book)

    def add(self, entry, optional: bool = False) -> int:
        """Validate one new directive (it must be `simple`); the number of errors it has."""
        found = self._errors[optional]
        before = len(found)
        options = self.book.options
        opens = self.opens
        # validation.validate_data_types (an auto posting without units is allowed)
        checked = entry
        if type(entry) is data.Transaction and entry.postings[-1].units is MISSING:   # as parsed from text
            checked = entry._replace(postings=[*entry.postings[:-1], entry.postings[-1]._replace(units=None)])
        try:
            data.sanity_check_types(checked, options["allow_deprecated_none_for_tags_and_links"])
        except AssertionError as exc:
            found.append(validation.ValidationError(entry.meta, f"Invalid data types: {exc}", entry))
        # validation.validate_active_accounts: opened on or before the date (Open sorts
        # first on its day), not closed before it (Close sorts last); a balance
        # assertion may follow the close.
        date = entry.date
        accounts: Iterable[str]
        if type(entry) is data.Balance:
            accounts = (entry.account,)
            self.balances.append(entry)
        else:
            accounts = {posting.account for posting in entry.postings}
        for account in accounts:
            opened, closed = opens.get(account, (None, None))
            if opened is None:
                found.append(validation.ValidationError(
                    entry.meta, f"Invalid reference to unknown account '{account}'", entry))
            elif date < opened.date or (closed is not None and date > closed.date
                                        and type(entry) is not data.Balance):
                found.append(validation.ValidationError(
                    entry.meta, f"Invalid reference to inactive account '{account}'", entry))
        if type(entry) is data.Transaction:
            # validation.validate_currency_constraints (the auto posting takes the others' currency)
            *given, last = entry.postings
            units: Any = given[0].units
            currency = units.currency
            for posting in entry.postings:
                opened = opens.get(posting.account, (None, None))[0]
                if opened is not None and opened.currencies and currency not in opened.currencies:
                    found.append(validation.ValidationError(
                        entry.meta, f"Invalid currency {currency} for account '{posting.account}'", entry))
            if self.budget is not None and currency != budget_model.CURRENCY:
                found.extend(_budget_currency_errors(entry, currency, *self.budget))
            # validation.validate_check_transaction_balances: a simple transaction balances
            # by construction (its last posting takes the rest). The day's totals:
            days = self._days[optional]
            rest = Decimal(0)
            for posting in given:
                number: Any = posting.units.number                 # type: ignore[union-attr]
                rest -= number
                days[(posting.account, currency)][date] += number
            days[(last.account, currency)][date] += rest
            first_dates = self.first_dates
            for account in () if optional else accounts:
                if account not in first_dates or date < first_dates[account]:
                    first_dates[account] = date
        return len(found) - before

    def touched(self, optional: bool = True) -> set[str]:
        """The accounts the new entries post to or assert (with the optional ones or without)."""
        keys = set(self._days[False]) | (set(self._days[True]) if optional else set())
        return {account for account, _ in keys} | {entry.account for entry in self.balances}

    def errors(self, optional: bool = True) -> list | None:
        """The errors of book + the new entries (with the optional ones or without).

        None when this book needs the full reload to be judged the same (see module docstring).
        """
        if _foreign_plugins(self.book.options):
            return None
        touched = self.touched(optional)
        if any(pad.account in touched or pad.source_account in touched for pad in self.book.pads):
            return None
        found = list(self._errors[False]) + (self._errors[True] if optional else [])
        found += validation.validate_duplicate_balances(
            sorted(self.book.balances + self.balances, key=data.entry_sortkey), self.book.options)
        days = [self._days[False]] + ([self._days[True]] if optional else [])
        found += _balance_errors(self.book, touched, self.balances, days)
        return found


def _guarded_budget(book: Book) -> tuple[dict, int, str, str] | None:
    """(budget lines, budget year, income root, expenses root) of the budget book that
    `plugins.budget_guard` holds this book to; None without the guard or a budget."""
    config = next((config for name, config in book.options.get("plugin", []) if name == budget_book.GUARD), None)
    if config is None:
        return None
    setting, _ = budget_book.parse_guard_config(config, book.options)
    if setting is None or not path.isfile(setting.path):
        return None
    budget = budget_book.load_budget_book(setting.path)      # loaded with the book: held in memory
    if not budget.lines:
        return None
    return (budget.lines, budget.year, book.options.get("name_income", "Inkomsten"),
            book.options.get("name_expenses", "Uitgaven"))


def _budget_currency_errors(entry: data.Transaction, currency: str, lines: dict, year: int, income_root: str,
                            expenses_root: str) -> list:
    """The guard's structural error on a new transaction (plugins.budget_guard): a posting
    on a budget line of its year in another currency than the budget's counts nowhere.
    (A posting without a budget line, or outside the year, is a policy finding only.)"""
    errors = []
    reported = set()
    *given, _ = entry.postings
    numbers: list[Any] = [posting.units.number for posting in given]     # type: ignore[union-attr]
    rest = -sum(numbers, Decimal(0))
    for posting in entry.postings:
        account = posting.account
        if (account in reported or entry.date.year != year or account not in lines
                or not budget_model.is_budget_account(account, income_root, expenses_root)):
            continue
        reported.add(account)
        units = posting.units if isinstance(posting.units, Amount) else Amount(rest, currency)  # the auto posting
        errors.append(budget_guard.CurrencyError(entry.meta, (
            f"posting of {units} to {account}: the budget of this line is in {budget_model.CURRENCY}, so this "
            f"amount counts nowhere; book it in {budget_model.CURRENCY} (the foreign amount as a price: @)"), entry))
    return errors


def _balance_errors(book: Book, touched: set[str], new_balances: list, new_days: list[dict]) -> list:
    """`beancount.ops.balance.check` on book + the new entries, done for the assertions the
    new entries can change: the new ones, and the book's own on a touched account or a
    parent of one (the book's other assertions passed when it was loaded and cannot change).
    `new_days` holds the new transactions' totals per (account, currency) and day.

    An assertion on day D holds the sum of the postings before D on its account and the
    accounts below it (a Balance sorts before the day's transactions), in its currency.
    """
    parents = {":".join(name.split(":")[:depth]) for name in touched for depth in range(1, name.count(":") + 2)}
    assertions = [entry for entry in book.balances if entry.account in parents] + new_balances
    if not assertions:
        return []
    asserted = {entry.account for entry in assertions}
    toward: dict[str, tuple[str, ...]] = {}

    def targets(account: str) -> tuple[str, ...]:
        found = toward.get(account)
        if found is None:
            parts = account.split(":")
            found = toward[account] = tuple(name for name in (":".join(parts[:depth]) for depth in
                                                              range(1, len(parts) + 1)) if name in asserted)
        return found

    # Per asserted account and currency: the day's total of the postings below it.
    days: dict[tuple[str, str], dict] = collections.defaultdict(lambda: collections.defaultdict(Decimal))
    # Per (posted account, currency): the day totals it adds to (a lookup per posting of the
    # whole book instead of a call and a new key; this loop is a fixed cost of every import).
    into_of: dict[tuple[str, str], list[dict]] = {}
    for entry in book.by_type[data.Transaction]:
        date = entry.date
        for posting in entry.postings:
            accounts = toward.get(posting.account)
            if accounts is None:
                accounts = targets(posting.account)
            if not accounts:
                continue
            units = posting.units
            assert units is not None                    # the loaded book is booked
            key = (posting.account, units.currency)
            adds_to = into_of.get(key)
            if adds_to is None:
                adds_to = into_of[key] = [days[(account, units.currency)] for account in accounts]
            for day_totals in adds_to:
                day_totals[date] += units.number
    for new_totals in new_days:
        for (posted, currency), by_day in new_totals.items():
            for account in targets(posted):
                into = days[(account, currency)]
                for date, number in by_day.items():
                    into[date] += number
    # The running balance after each day, for a bisect by date.
    running: dict[tuple[str, str], tuple[list, list]] = {}
    for key, totals_by_day in days.items():
        dates = sorted(totals_by_day)
        totals: list = []
        total = ZERO
        for date in dates:
            total += totals_by_day[date]
            totals.append(total)
        running[key] = (dates, totals)
    errors = []
    opens = book.open_close
    options = book.options
    for entry in assertions:
        expected = entry.amount
        opened = opens.get(entry.account, (None, None))[0]
        if opened is None:
            errors.append(balance.BalanceError(
                entry.meta, f"Invalid reference to unknown account '{entry.account}'", entry))
        elif opened.currencies and expected.currency not in opened.currencies:
            errors.append(balance.BalanceError(
                entry.meta, f"Invalid currency '{expected.currency}' for Balance directive: ", entry))
        dates, totals = running.get((entry.account, expected.currency), ([], []))
        index = bisect.bisect_left(dates, entry.date)
        accumulated = Amount(totals[index - 1] if index else ZERO, expected.currency)
        diff: Any = amount.sub(accumulated, expected)
        if abs(diff.number) > balance.get_balance_tolerance(entry, options):
            errors.append(balance.BalanceError(
                entry.meta, (f"Balance failed for '{entry.account}': expected {expected} != accumulated "
                             f"{accumulated} ({abs(diff.number)} {'too much' if diff.number > 0 else 'too little'})"),
                entry))
    return errors


def _general_errors(book: Book, new_entries: list, touched: set[str]) -> list | None:
    """Beancount's booking and validations of any new directives against the book."""
    entries, errors = _book(list(new_entries), book.options)
    if errors:
        return list(errors)
    entries.sort(key=data.entry_sortkey)
    opens = [entry for entry in book.entries if isinstance(entry, (data.Open, data.Close))]
    with_opens = sorted(opens + entries, key=data.entry_sortkey)
    found: list = []
    found += validation.validate_active_accounts(with_opens, book.options)
    found += validation.validate_currency_constraints(with_opens, book.options)
    found += validation.validate_check_transaction_balances(entries, book.options)
    found += validation.validate_data_types(entries, book.options)
    found += validation.validate_duplicate_balances(
        sorted(book.balances + [e for e in entries if isinstance(e, data.Balance)], key=data.entry_sortkey),
        book.options)
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
            given = [p.units for p in entry.postings if isinstance(p.units, Amount)]
            if (len(missing) != 1 or len(given) + 1 != len(entry.postings)
                    or any(p.cost is not None or p.price is not None for p in entry.postings)
                    or len({units.currency for units in given}) != 1
                    or not all(isinstance(units.number, Decimal) for units in given)):
                return booking.book(entries, options)
            total = sum((units.number for units in given if units.number is not None), Decimal(0))
            filled = missing[0]._replace(units=Amount(-total, given[0].currency))
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

    kept: list = []
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
    raise_first(book, errors, origins, first_dates(new_entries))


def first_dates(new_entries: Iterable) -> dict[str, Any]:
    """Per account, the first date a new transaction posts to it (a statement's period starts there)."""
    found: dict[str, Any] = {}
    for entry in new_entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account not in found or entry.date < found[posting.account]:
                    found[posting.account] = entry.date
    return found


def raise_first(book: Book, errors: list, origins: Origins, starts: Mapping[str, Any]) -> None:
    """Raise ImportFileError for the first of `errors` (by date), naming its source file and
    place (`origins`: import id -> (file, place)); `starts`: `first_dates` of the new entries."""
    if not errors:
        return
    errors = sorted(errors, key=lambda e: (e.entry is None, e.entry.date if e.entry is not None else None))
    error = errors[0]
    entry = error.entry
    import_id = entry.meta.get(IMPORT_ID) if entry is not None and entry.meta else None
    filename, place = origins.get(str(import_id), (book.filename, ""))
    message = " ".join(str(error.message).split())
    if isinstance(entry, data.Balance):
        message = f"the closing balance does not continue the book: {message}. {culprits(book, entry, starts)}"
    else:
        message = f"the new entries do not pass bean-check with the book: {message}"
    raise ImportFileError(filename, place, message)


def culprits(book: Book, assertion: data.Balance, starts: Mapping[str, Any]) -> str:
    """What most likely keeps a statement's closing balance from continuing the book
    (`starts`: per account the first date a new transaction posts to it)."""
    account = assertion.account
    booked = book.bank_entries.get(account, [])
    before = [entry for entry in booked if entry.date < assertion.date]
    if not before:
        return (f"The book holds no entry on {account} before {assertion.date}: is its opening balance "
                f"in the book (Beginsaldo), or is a statement missing or imported in another format before?")
    # The statement's period: from the first of its lines that this import would add.
    start = starts.get(account, assertion.date)
    by_hand = [entry for entry in before if entry.date >= start and IMPORT_ID not in entry.meta]
    other = [entry for entry in before if entry.date >= start and IMPORT_ID in entry.meta]
    lines = [f"{_where(entry)} ({entry.date}, {_amount_on(entry, account)}, typed by hand)" for entry in by_hand]
    lines += [f"{_where(entry)} ({entry.date}, {_amount_on(entry, account)}, imported before as "
              f"{entry.meta[IMPORT_ID]})" for entry in other]
    if not lines:
        return (f"No entry on {account} in the book overlaps the statement: is a statement before it "
                f"missing, or is the opening balance (Beginsaldo) wrong?")
    shown = "; ".join(lines[:MAX_CULPRITS])
    if len(lines) > MAX_CULPRITS:
        shown += f"; and {len(lines) - MAX_CULPRITS} more"
    return (f"Likely culprits, entries on {account} in the statement's period that the statement "
            f"may hold as well (typed by hand, or imported in another format): {shown}")


def _where(entry) -> str:
    filename = entry.meta.get("filename", "?")
    if not filename.startswith("<"):
        filename = path.relpath(filename)
    return f"{filename}:{entry.meta.get('lineno', '?')}"


def _amount_on(entry: data.Transaction, account: str) -> str:
    amounts = [p.units for p in entry.postings if p.account == account and isinstance(p.units, Amount)]
    total = sum((units.number for units in amounts if units.number is not None), Decimal(0))
    currency = amounts[0].currency if amounts else ""
    return f"{total} {currency}".strip()
