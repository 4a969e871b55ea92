"""Rabobank's business CSV export (Rabo Business Banking, "Transacties downloaden"): `saldo na boeking`.

    "IBAN/BBAN","Valuta","BIC","Volg nr","Datum","Valuta datum","Bedrag","saldo na boeking",
    "IBAN/BBAN tegenpartij","Naam tegenpartij","Naam uiteind begunst","Naam initiërende partij",
    "BIC tegenpartij","Transactie soort","Batch nr","Transactiereferentie","Machtigingskenmerk",
    "Incassant ID","Betalingskenmerk","Omschrijving - 1","Omschrijving - 2","Omschrijving - 3",
    "Oorzaakscode","Oorspr bedrag","Oorspr valuta","Koers","Naam rekeninghouder"

Unlike the private-customer export (`importers.rabobank_csv`, "Saldo na trn", ISO
dates) the business export writes dates as dd-mm-yyyy, amounts with dots between
thousands (`-2.919,00`), and may leave `Volg nr` empty. These 27 columns are the
published header (see tests/data/bank/README.md); issue 9 counts 35 columns in the
export, so columns after these (up to 35 in all) are accepted and ignored. The
balance after each line (`saldo na boeking`) must follow from the line before it,
or the file is refused at the first line where the chain breaks.
`Volg nr`, where given, is the import id; else the hash of `importers.base`. A line
with an `Oorzaakscode` (reason for return) is a reversal. The header decides the
encoding, as for the private export: UTF-8, or Windows-1252 when its "ë" is one byte.
"""

import itertools

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

HEADER = [
    "IBAN/BBAN",
    "Valuta",
    "BIC",
    "Volg nr",
    "Datum",
    "Valuta datum",
    "Bedrag",
    "saldo na boeking",
    "IBAN/BBAN tegenpartij",
    "Naam tegenpartij",
    "Naam uiteind begunst",
    "Naam initiërende partij",
    "BIC tegenpartij",
    "Transactie soort",
    "Batch nr",
    "Transactiereferentie",
    "Machtigingskenmerk",
    "Incassant ID",
    "Betalingskenmerk",
    "Omschrijving - 1",
    "Omschrijving - 2",
    "Omschrijving - 3",
    "Oorzaakscode",
    "Oorspr bedrag",
    "Oorspr valuta",
    "Koers",
    "Naam rekeninghouder",
]
MAX_COLUMNS = 35


class RabobankBusinessCsvImporter(BankImporter):
    """Rabobank business CSV export."""

    format_name = "Rabobank business CSV file"

    def _header(self, filepath: str):
        """(column names, delimiter, encoding) if the file starts with the business header."""
        return csvbank.find_header(
            filepath, lambda names: names[: len(HEADER)] == HEADER and len(names) <= MAX_COLUMNS, ("utf-8", "cp1252")
        )

    def sniff(self, filepath: str) -> bool:
        return self._header(filepath) is not None

    def parse(self, filepath: str) -> list[Statement]:
        names, delimiter, encoding = self._header(filepath)
        statements: dict[str, Statement] = {}
        for lineno, row in csvbank.read_rows(filepath, read_bytes(filepath), encoding, delimiter):
            place = f"line {lineno}"
            if len(row) != len(names):
                raise ImportFileError(filepath, place, f"{len(row)} columns, the header has {len(names)}")
            field = dict(zip(HEADER, row[: len(HEADER)], strict=True))
            sequence = field["Volg nr"].strip()
            if sequence and not sequence.isdigit():
                raise ImportFileError(filepath, place, f"malformed Volg nr {sequence!r}")
            original = None
            if field["Oorspr bedrag"].strip():
                original = (
                    f"{csvbank.amount(field['Oorspr bedrag'], filepath, place, 'original amount')} "
                    f"{field['Oorspr valuta'].strip()}"
                )
            entry = Entry(
                date=csvbank.date(field["Datum"], "%d-%m-%Y", filepath, place),
                amount=csvbank.amount(field["Bedrag"], filepath, place),
                currency=field["Valuta"].strip(),
                place=place,
                text=clean(" ".join((field["Omschrijving - 1"], field["Omschrijving - 2"], field["Omschrijving - 3"]))),
                counterparty_iban=ibans.normalise(field["IBAN/BBAN tegenpartij"]) or None,
                counterparty_name=clean(field["Naam tegenpartij"]) or clean(field["Naam uiteind begunst"]) or None,
                bank_ref=sequence or None,
                end_to_end=clean(field["Transactiereferentie"]) or None,
                structured_ref=clean(field["Betalingskenmerk"]) or None,
                balance_after=csvbank.amount(field["saldo na boeking"], filepath, place, "balance"),
                reversal=bool(field["Oorzaakscode"].strip()),
                original=original,
            )
            own = ibans.normalise(field["IBAN/BBAN"])
            if not own:
                raise ImportFileError(filepath, place, "no account in column 'IBAN/BBAN'")
            statements.setdefault(own, Statement(own, entry.currency, place, [])).entries.append(entry)
        for statement in statements.values():
            entries = statement.entries
            if all(entry.bank_ref for entry in entries):
                entries.sort(key=lambda e: int(e.bank_ref or 0))
                for previous, entry in itertools.pairwise(entries):
                    if previous.bank_ref == entry.bank_ref:
                        raise ImportFileError(
                            filepath, entry.place, f"Volg nr {entry.bank_ref} also at {previous.place}"
                        )
            csvbank.balances_from_chain(filepath, statement, entries)
        return list(statements.values())
