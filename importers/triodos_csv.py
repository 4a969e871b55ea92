"""Triodos Bank's CSV export: comma-separated, no header, one line per entry.

    boekdatum, rekeningnummer, bedrag, debet/credit, naam tegenrekening, tegenrekening, code,
    omschrijving, saldo na boeking
    "03-01-2022","NL65TRIO0212345678","1.250,00","Credit","Stichting X","NL12RABO…","ET","Bijdrage","3.750,00"

Dates are dd-mm-yyyy; amounts unsigned with a decimal comma and dots between
thousands, `Debet` makes the amount negative and `Credit` positive. The last column,
the balance after the line, must follow from the line before it, or the file is
refused at the first line where the chain breaks; an older export without that
column (8 columns) is read without a balance assertion. `code` is Triodos's
transaction code (ET, BA, IC, KN, …). Triodos gives no reference per line: the import
id is a hash (see `importers.base`). Encoding: UTF-8, or Latin-9 (ISO-8859-15, what
Triodos writes) where the bytes are not UTF-8.
"""

import re

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

COLUMNS = [
    "boekdatum",
    "rekeningnummer",
    "bedrag",
    "debet/credit",
    "naam tegenrekening",
    "tegenrekening",
    "code",
    "omschrijving",
    "saldo na boeking",
]
SIGNS = {"Debet": -1, "Credit": 1}
_DATE = re.compile(r"^\d{2}-\d{2}-\d{4}$")


class TriodosCsvImporter(BankImporter):
    """Triodos Bank CSV export."""

    format_name = "Triodos CSV file"

    def sniff(self, filepath: str) -> bool:
        row = csvbank.first_row(filepath, ",")
        return (
            row is not None
            and len(row) in (len(COLUMNS) - 1, len(COLUMNS))
            and bool(_DATE.match(row[0]))
            and ibans.is_iban(row[1])
            and row[3] in SIGNS
        )

    def parse(self, filepath: str) -> list[Statement]:
        text = csvbank.decode_export(filepath, read_bytes(filepath), "iso-8859-15")
        statements: dict[str, Statement] = {}
        width = None
        for lineno, row in csvbank.rows(filepath, text, ","):
            place = f"line {lineno}"
            width = width or len(row)
            if len(row) != width or width not in (len(COLUMNS) - 1, len(COLUMNS)):
                raise ImportFileError(
                    filepath, place, f"{len(row)} columns; expected {len(COLUMNS)}: {', '.join(COLUMNS)}"
                )
            day, account, amount, credit_debit, name, counter, _code, description = row[:8]
            sign = SIGNS.get(credit_debit.strip())
            if sign is None:
                raise ImportFileError(filepath, place, f"debet/credit is {credit_debit!r}, not Debet or Credit")
            entry = Entry(
                date=csvbank.date(day, "%d-%m-%Y", filepath, place),
                amount=sign * csvbank.amount(amount, filepath, place),
                currency="EUR",
                place=place,
                text=clean(description),
                counterparty_iban=ibans.normalise(counter) or None,
                counterparty_name=clean(name) or None,
                balance_after=csvbank.amount(row[8], filepath, place, "saldo na boeking")
                if width == len(COLUMNS)
                else None,
            )
            own = ibans.normalise(account)
            if not ibans.is_iban(own):
                raise ImportFileError(filepath, place, f"rekeningnummer {account!r} is not an IBAN")
            statements.setdefault(own, Statement(own, "EUR", place, [])).entries.append(entry)
        for statement in statements.values():
            csvbank.booking_order(statement.entries)
            if width == len(COLUMNS):
                csvbank.balances_from_chain(filepath, statement, statement.entries)
        return list(statements.values())
