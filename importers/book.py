"""The actual book as the importers see it: the association's own bank accounts.

An account is the association's own when its `open` directive carries `iban:`
metadata, or `rekeningnummer:` where the bank's export names no IBAN (an ING savings
account is `rekeningnummer: "K 444-12345"`; the number is then matched as written,
without spaces). Its currency is the one currency of that `open` directive (EUR when the
directive names none). A statement for an IBAN that is not there is refused.

The book is loaded once per import (`books.loader.load_book`); what the import needs
from it besides the entries is indexed here once: the import ids already booked, the
entries typed by hand on each bank account, and the years the books hold a budget for.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import functools
from os import path

from beancount.core import data
from beancount.parser import printer

from books.loader import load_book as load_book_file
from importers import ibans
from importers.errors import ImportFileError
from plugins.errors import is_finding

#: The metadata key of an imported entry's id (see importers.base).
IMPORT_ID = "import-id"

ROOT_OPTIONS = ("name_assets", "name_liabilities", "name_equity", "name_income", "name_expenses")


@dataclasses.dataclass(frozen=True)
class OwnAccount:
    account: str
    iban: str           # the IBAN, or the rekeningnummer of an account without one
    currency: str
    opened: datetime.date


@dataclasses.dataclass
class Book:
    """The loaded book: its entries, options, open accounts and own bank accounts."""

    filename: str
    entries: list
    options: dict
    own: list[OwnAccount]

    @functools.cached_property
    def by_type(self) -> dict[type, list]:
        """The book's directives by their type, in the book's order: one pass over the book for
        all the indexes below (a pass each cost a fixed share of every import)."""
        found: dict[type, list] = collections.defaultdict(list)
        for entry in self.entries:
            found[type(entry)].append(entry)
        return found

    @functools.cached_property
    def open_accounts(self) -> set[str]:
        return {entry.account for entry in self.by_type[data.Open]}

    @functools.cached_property
    def open_close(self) -> dict[str, tuple[data.Open, data.Close | None]]:
        """Each account's `open` directive and its `close` directive (None while open)."""
        closes = {entry.account: entry for entry in self.by_type[data.Close]}
        return {entry.account: (entry, closes.get(entry.account)) for entry in self.by_type[data.Open]}

    @functools.cached_property
    def balances(self) -> list[data.Balance]:
        """The book's balance assertions."""
        return list(self.by_type[data.Balance])

    @functools.cached_property
    def pads(self) -> list[data.Pad]:
        """The book's pad directives."""
        return list(self.by_type[data.Pad])

    @functools.cached_property
    def import_ids(self) -> set:
        """The import ids in the book, and (account, date, amount) of its balance assertions."""
        seen: set = set()
        for entry in self.entries:
            meta = entry.meta
            if meta:
                import_id = meta.get(IMPORT_ID)
                if import_id:
                    seen.add(import_id)
        seen.update(("balance", entry.account, entry.date, entry.amount) for entry in self.by_type[data.Balance])
        return seen

    @functools.cached_property
    def bank_entries(self) -> dict[str, list[data.Transaction]]:
        """The book's transactions on each own bank account, in date order."""
        accounts = {own.account for own in self.own}
        found: dict[str, list[data.Transaction]] = collections.defaultdict(list)
        transaction = data.Transaction
        for entry in self.entries:
            if type(entry) is transaction:
                last = None
                for posting in entry.postings:
                    account = posting.account
                    if account in accounts and account != last:
                        found[account].append(entry)
                        last = account
        return found

    @functools.cached_property
    def budget_years(self) -> set[int] | None:
        """The years the books hold a budget for; None when the book keeps no budget.

        The budget guard (`plugins.budget_guard`) gives the actual book the budget as
        `custom "budget"` entries; their years are the budget years.
        """
        if not any(name.startswith("plugins.budget_guard") for name, _ in self.options.get("plugin", [])):
            return None
        return {entry.date.year for entry in self.by_type[data.Custom] if entry.type == "budget"}

    def option_lines(self) -> str:
        """The book's root-name options, for a file that the book includes."""
        return "".join(f'option "{name}" "{self.options[name]}"\n' for name in ROOT_OPTIONS)

    def lookup(self, identification: str, filename: str, place: str) -> OwnAccount:
        """The own account that a statement's account identification names.

        An IBAN must be one of the book's `iban:` values; an old domestic number must
        match the last ten digits of exactly one of them.
        """
        wanted = ibans.normalise(identification)
        for own in self.own:
            # ING writes the IBAN with the currency after it: NL19INGB0006000001EUR.
            if wanted in (own.iban, own.iban + own.currency):
                return own
        if not ibans.is_iban(wanted):
            digits = ibans.domestic_digits(wanted)
            matches = [own for own in self.own if digits and own.iban.startswith("NL") and own.iban[-10:] == digits]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                names = ", ".join(own.iban for own in matches)
                raise ImportFileError(
                    filename, place, f"account number {identification} matches more than one of our IBANs ({names})"
                )
        known = ", ".join(own.iban for own in self.own) or "none"
        raise ImportFileError(
            filename, place,
            f"account {identification} is not one of the association's accounts "
            f"(the IBANs in {self.filename} are: {known}); add it to an open directive as iban: metadata"
            + ("" if ibans.is_iban(wanted) else ", or as rekeningnummer: for an account the bank names without IBAN"))


def structural_errors(errors: list) -> list:
    """The errors that make a book unfit to import into.

    The policy plugins' findings (plugins.errors.FINDINGS, such as a budget overrun)
    judge the book, not the import: the bank's entries belong in the book even when they
    overrun a budget, and bean-check shows those errors there.
    """
    return [error for error in errors if not is_finding(error)]


def load_book(filename: str) -> Book:
    """Load the actual book; a missing book, or one with errors other than policy errors, is refused."""
    if not filename:
        raise ImportFileError("-e", None, "the actual book is required: -e ledger/boekhouding-2022.beancount")
    if not path.isfile(filename):
        raise ImportFileError(filename, None, "the actual book was not found")
    entries, errors, options = load_book_file(filename)
    errors = structural_errors(errors)
    if errors:
        first = printer.format_error(errors[0]).strip().splitlines()[0]
        raise ImportFileError(filename, None, f"the book has errors; run bean-check first: {first}")
    own = []
    for entry in entries:
        if not isinstance(entry, data.Open) or not ({"iban", "rekeningnummer"} & entry.meta.keys()):
            continue
        key = "iban" if "iban" in entry.meta else "rekeningnummer"
        iban = ibans.normalise(str(entry.meta[key]))
        place = f"line {entry.meta.get('lineno')}"
        where = entry.meta.get("filename", filename)
        if key == "rekeningnummer" and not iban:
            raise ImportFileError(where, place, f"rekeningnummer: of {entry.account} is empty")
        if key == "iban" and not ibans.is_iban(iban):
            raise ImportFileError(
                where, place, f"iban: {entry.meta['iban']!r} of {entry.account} does not look like an IBAN"
            )
        currencies = entry.currencies or ["EUR"]
        if len(currencies) != 1:
            raise ImportFileError(
                where, place, f"{entry.account} has an IBAN and must be opened with exactly one currency"
            )
        own.append(OwnAccount(entry.account, iban, currencies[0], entry.date))
    return Book(filename, entries, options, own)
