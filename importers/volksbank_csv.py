"""de Volksbank's CSV export (ASN Bank, SNS, RegioBank): comma-separated, no header, 19 columns.

    boekingsdatum, opdrachtgeversrekening, tegenrekeningnummer, naam tegenrekening, adres,
    postcode, plaats, valutasoort rekening, saldo rekening voor mutatie, valutasoort mutatie,
    transactiebedrag, journaaldatum, valutadatum, interne transactiecode,
    globale transactiecode, volgnummer transactie, betalingskenmerk, omschrijving,
    afschriftnummer

As ASN Bank documents it (the three banks of de Volksbank share the layout): the
booking date is dd-mm-yyyy, the journal and value dates ddmmyyyy; amounts have a
decimal point, no thousands separator and a leading minus; betalingskenmerk and
omschrijving are between single quotes. The file gives the balance *before* each
line: each line must begin where the one before it ended, or the file is refused at
the first line that breaks the chain. Journal date and sequence number together are
the bank's unique id of a transaction; the import id is
`IBAN:<journal date yyyymmdd>-<volgnummer>`. Encoding: UTF-8, or Windows-1252 where
the bytes are not UTF-8.
"""

import re

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

COLUMNS = [
    "boekingsdatum",
    "opdrachtgeversrekening",
    "tegenrekeningnummer",
    "naam tegenrekening",
    "adres",
    "postcode",
    "plaats",
    "valutasoort rekening",
    "saldo rekening voor mutatie",
    "valutasoort mutatie",
    "transactiebedrag",
    "journaaldatum",
    "valutadatum",
    "interne transactiecode",
    "globale transactiecode",
    "volgnummer transactie",
    "betalingskenmerk",
    "omschrijving",
    "afschriftnummer",
]
_DATE = re.compile(r"^\d{2}-\d{2}-\d{4}$")
_COMPACT_DATE = re.compile(r"^\d{8}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_AMOUNT = re.compile(r"^-?\d+\.\d{2}$")


class VolksbankCsvImporter(BankImporter):
    """ASN Bank / SNS / RegioBank CSV export."""

    format_name = "ASN/SNS/RegioBank CSV file"

    def sniff(self, filepath: str) -> bool:
        row = csvbank.first_row(filepath, ",")
        return row is not None and _looks_like_a_row(row)

    def parse(self, filepath: str) -> list[Statement]:
        text = csvbank.decode_export(filepath, read_bytes(filepath), "cp1252")
        statements: dict[str, Statement] = {}
        for lineno, row in csvbank.rows(filepath, text, ","):
            place = f"line {lineno}"
            if len(row) != len(COLUMNS):
                raise ImportFileError(
                    filepath,
                    place,
                    f"not a line of the ASN/SNS/RegioBank CSV export ({len(row)} columns; expected {len(COLUMNS)})",
                )
            (
                day,
                account,
                counter_iban,
                counter_name,
                _address,
                _postcode,
                _city,
                account_currency,
                before,
                currency,
                amount,
                journal_day,
                _value_day,
                _code,
                _kind,
                sequence,
                payment_ref,
                description,
                _statement_number,
            ) = row
            if currency != account_currency:
                raise ImportFileError(filepath, place, f"amount in {currency}, the account in {account_currency}")
            if not sequence.strip().isdigit():
                raise ImportFileError(filepath, place, f"malformed volgnummer transactie {sequence!r}")
            if not ibans.is_iban(account):
                raise ImportFileError(filepath, place, f"opdrachtgeversrekening {account!r} is not an IBAN")
            journal = csvbank.date(journal_day, "%d%m%Y", filepath, place)
            value = csvbank.point_amount(amount, filepath, place)
            opening = csvbank.point_amount(before, filepath, place, "saldo voor mutatie")
            entry = Entry(
                date=csvbank.date(day, "%d-%m-%Y", filepath, place),
                amount=value,
                currency=currency,
                place=place,
                text=clean(_unquote(description)),
                counterparty_iban=ibans.normalise(counter_iban) or None,
                counterparty_name=clean(counter_name) or None,
                bank_ref=f"{journal:%Y%m%d}-{int(sequence)}",
                structured_ref=clean(_unquote(payment_ref)) or None,
                balance_after=opening + value,
            )
            own = ibans.normalise(account)
            statement = statements.setdefault(own, Statement(own, account_currency, place, []))
            csvbank.check_continues(filepath, statement.entries[-1] if statement.entries else None, opening, place)
            statement.entries.append(entry)
        for statement in statements.values():
            csvbank.balances_from_chain(filepath, statement, statement.entries)
        return list(statements.values())


def _unquote(text: str) -> str:
    """The text without the single quotes that ASN puts around it."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return value


def _looks_like_a_row(row: list[str]) -> bool:
    return (
        len(row) == len(COLUMNS)
        and bool(_DATE.match(row[0]))
        and ibans.is_iban(row[1])
        and bool(_CURRENCY.match(row[7]))
        and bool(_CURRENCY.match(row[9]))
        and bool(_AMOUNT.match(row[8].strip()))
        and bool(_AMOUNT.match(row[10].strip()))
        and bool(_COMPACT_DATE.match(row[11]))
    )
