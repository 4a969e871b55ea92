"""ING's savings CSV export ("Alle spaarrekeningen"): savings accounts named by number, not IBAN.

    "Datum";"Omschrijving";"Rekening";"Rekening naam";"Tegenrekening";"Af Bij";"Bedrag";"Valuta";
    "Mutatiesoort";"Mededelingen";"Saldo na mutatie"

The savings account is written as ING shows it (`K 444-12345`): it is the account of
the book whose `open` directive carries `rekeningnummer: "K 444-12345"` (see
`importers.book`). `Tegenrekening` is the IBAN of the linked current account, or
another savings number. Dates are YYYY-MM-DD (YYYYMMDD as in ING's current-account
export is read too); the amount is unsigned with a decimal comma, `Af` makes it
negative and `Bij` positive; `Valuta` is the currency. ING lists the newest line
first: the lines are put in booking order, and the balance after each line (`Saldo
na mutatie`) must follow from the line before it, or the file is refused at the first
line where the chain breaks. One file holds every savings account ("Alle
spaarrekeningen"): each account is a statement closing at its last balance. ING
gives no reference per line: the import id is a hash (see `importers.base`). UTF-8.
"""

import re

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

HEADER = [
    "Datum",
    "Omschrijving",
    "Rekening",
    "Rekening naam",
    "Tegenrekening",
    "Af Bij",
    "Bedrag",
    "Valuta",
    "Mutatiesoort",
    "Mededelingen",
    "Saldo na mutatie",
]
SIGNS = {"Af": -1, "Bij": 1}


class IngSavingsCsvImporter(BankImporter):
    """ING savings accounts CSV export."""

    format_name = "ING savings CSV file"

    def sniff(self, filepath: str) -> bool:
        return csvbank.header_delimiter(filepath, HEADER) is not None

    def parse(self, filepath: str) -> list[Statement]:
        delimiter = csvbank.header_delimiter(filepath, HEADER)
        statements: dict[str, Statement] = {}
        for lineno, row in csvbank.read_rows(filepath, read_bytes(filepath), "utf-8", delimiter or ";"):
            place = f"line {lineno}"
            if len(row) != len(HEADER):
                raise ImportFileError(filepath, place, f"{len(row)} columns, the header has {len(HEADER)}")
            (
                day,
                description,
                account,
                _account_name,
                counter,
                credit_debit,
                amount,
                currency,
                _kind,
                notes,
                balance,
            ) = row
            sign = SIGNS.get(credit_debit.strip())
            if sign is None:
                raise ImportFileError(filepath, place, f"Af Bij is {credit_debit!r}, not Af or Bij")
            fmt = "%Y%m%d" if re.fullmatch(r"\d{8}", day.strip()) else "%Y-%m-%d"
            entry = Entry(
                date=csvbank.date(day, fmt, filepath, place),
                amount=sign * csvbank.amount(amount, filepath, place),
                currency=currency.strip(),
                place=place,
                text=clean(f"{description} {notes}"),
                counterparty_iban=ibans.normalise(counter) or None,
                balance_after=csvbank.amount(balance, filepath, place, "balance"),
            )
            if not account.strip():
                raise ImportFileError(filepath, place, "no account in column 'Rekening'")
            key = ibans.normalise(account)
            statements.setdefault(key, Statement(clean(account), entry.currency, place, [])).entries.append(entry)
        for statement in statements.values():
            csvbank.booking_order(statement.entries)
            csvbank.balances_from_chain(filepath, statement, statement.entries)
        return list(statements.values())
