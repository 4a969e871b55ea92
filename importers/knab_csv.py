"""Knab's CSV export: a `KNAB EXPORT` line, a header line, then `;`-separated rows.

    KNAB EXPORT;;;;;;;;;;;;;;;;
    Rekeningnummer;Transactiedatum;Valutacode;CreditDebet;Bedrag;Tegenrekeningnummer;Tegenrekeninghouder;
    Valutadatum;Betaalwijze;Omschrijving;Type betaling;Machtigingsnummer;Incassant ID;Adres;Referentie;Boekdatum;

Every line ends with a `;` (an empty last column). Dates are dd-mm-yyyy; the amount
is unsigned with a decimal comma, `CreditDebet` C makes it positive and D negative.
The entry is dated by its Boekdatum. `Referentie` is the bank's reference of the
line and becomes the import id where it is given and not repeated in the file (else
the hash of `importers.base`). The export has no balances: there is no balance
assertion, and the book's later balances catch what is missing. Encoding: UTF-8, or
Latin-1/Windows-1252 (what Knab writes) where the bytes are not UTF-8.
"""

import collections

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

MARKER = "KNAB EXPORT"
HEADER = [
    "Rekeningnummer",
    "Transactiedatum",
    "Valutacode",
    "CreditDebet",
    "Bedrag",
    "Tegenrekeningnummer",
    "Tegenrekeninghouder",
    "Valutadatum",
    "Betaalwijze",
    "Omschrijving",
    "Type betaling",
    "Machtigingsnummer",
    "Incassant ID",
    "Adres",
    "Referentie",
    "Boekdatum",
]
SIGNS = {"C": 1, "D": -1}


class KnabCsvImporter(BankImporter):
    """Knab CSV export."""

    format_name = "Knab CSV file"

    def sniff(self, filepath: str) -> bool:
        with open(filepath, "rb") as file:
            head = file.read(4096).removeprefix(b"\xef\xbb\xbf").decode("latin-1")
        lines = head.splitlines()
        if len(lines) < 2 or lines[0].split(";")[0].strip('"') != MARKER:
            return False
        split = csvbank.split_header(lines[1])
        return split is not None and _names(split[0]) == HEADER

    def parse(self, filepath: str) -> list[Statement]:
        text = csvbank.decode_export(filepath, read_bytes(filepath), "cp1252")
        statements: dict[str, Statement] = {}
        references: collections.Counter = collections.Counter()
        for lineno, row in csvbank.rows(filepath, text, ";", skip=2):
            place = f"line {lineno}"
            if row and row[-1] == "":
                row = row[:-1]  # the `;` at the end of every line
            if len(row) != len(HEADER):
                raise ImportFileError(filepath, place, f"{len(row)} columns, the header has {len(HEADER)}")
            (
                account,
                _day,
                currency,
                credit_debit,
                amount,
                counter_iban,
                counter_name,
                _value_day,
                _method,
                description,
                _kind,
                _mandate,
                _collector,
                _address,
                reference,
                booking_day,
            ) = row
            sign = SIGNS.get(credit_debit.strip())
            if sign is None:
                raise ImportFileError(filepath, place, f"CreditDebet is {credit_debit!r}, not C or D")
            entry = Entry(
                date=csvbank.date(booking_day, "%d-%m-%Y", filepath, place),
                amount=sign * csvbank.amount(amount, filepath, place),
                currency=currency.strip(),
                place=place,
                text=clean(description),
                counterparty_iban=ibans.normalise(counter_iban) or None,
                counterparty_name=clean(counter_name) or None,
                bank_ref=clean(reference) or None,
            )
            references[entry.bank_ref] += 1
            own = ibans.normalise(account)
            if not own:
                raise ImportFileError(filepath, place, "no account in column 'Rekeningnummer'")
            statements.setdefault(own, Statement(own, entry.currency, place, [])).entries.append(entry)
        for statement in statements.values():
            for entry in statement.entries:
                if references[entry.bank_ref] > 1:
                    entry.bank_ref = None
            csvbank.booking_order(statement.entries)
        return list(statements.values())


def _names(names: list[str]) -> list[str]:
    return names[:-1] if names and names[-1] == "" else names
