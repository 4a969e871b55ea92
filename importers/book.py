"""The actual book as the importers see it: the association's own bank accounts.

An account is the association's own when its `open` directive carries `iban:`
metadata, or `rekeningnummer:` where the bank's export names no IBAN (an ING savings
account is `rekeningnummer: "K 444-12345"`; the number is then matched as written,
without spaces). Its currency is the one currency of that `open` directive (EUR when the
directive names none). A statement for an IBAN that is not there is refused.
"""

import dataclasses
import datetime
from os import path

from beancount import loader
from beancount.core import data
from beancount.parser import printer

from importers import ibans
from importers.errors import ImportFileError
from plugins.errors import is_finding

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

    @property
    def open_accounts(self) -> set[str]:
        return {entry.account for entry in self.entries if isinstance(entry, data.Open)}

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
    entries, errors, options = loader.load_file(filename)
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
