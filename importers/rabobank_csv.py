"""Rabobank's CSV export (the SEPA layout of 26 columns), Dutch or English.

    "IBAN/BBAN","Munt","BIC","Volgnr","Datum","Rentedatum","Bedrag","Saldo na trn",
    "Tegenrekening IBAN/BBAN","Naam tegenpartij","Naam uiteindelijke partij",
    "Naam initiërende partij","BIC tegenpartij","Code","Batch ID","Transactiereferentie",
    "Machtigingskenmerk","Incassant ID","Betalingskenmerk","Omschrijving-1",
    "Omschrijving-2","Omschrijving-3","Reden retour","Oorspr bedrag","Oorspr munt","Koers"

The English export has the same columns under English names (see `ENGLISH`).
Dates are YYYY-MM-DD; amounts are signed (`+25,00`, `-32,10`); `Volgnr` is the
bank's sequence number of the line on the account: it orders the lines and is the
import id. The balance after each line (`Saldo na trn`) is checked line by line; a
file may hold several accounts, each a statement closing at its last balance.
A line in another currency than the account's is an error; an original amount in a
foreign currency (`Oorspr bedrag`, `Oorspr munt`) is kept as metadata. A line with
a `Reden retour` is a reversal.
"""

from itertools import pairwise

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

DUTCH = ["IBAN/BBAN", "Munt", "BIC", "Volgnr", "Datum", "Rentedatum", "Bedrag", "Saldo na trn",
         "Tegenrekening IBAN/BBAN", "Naam tegenpartij", "Naam uiteindelijke partij", "Naam initiërende partij",
         "BIC tegenpartij", "Code", "Batch ID", "Transactiereferentie", "Machtigingskenmerk", "Incassant ID",
         "Betalingskenmerk", "Omschrijving-1", "Omschrijving-2", "Omschrijving-3", "Reden retour",
         "Oorspr bedrag", "Oorspr munt", "Koers"]
ENGLISH = ["IBAN/BBAN", "Currency", "BIC", "Sequence number", "Date", "Value date", "Amount",
           "Balance after transaction", "Counterparty IBAN/BBAN", "Counterparty name", "Ultimate party name",
           "Initiating party name", "Counterparty BIC", "Code", "Batch ID", "Transaction reference",
           "Mandate reference", "Collector ID", "Payment reference", "Description-1", "Description-2",
           "Description-3", "Reason for return", "Original amount", "Original currency", "Exchange rate"]


class RabobankCsvImporter(BankImporter):
    """Rabobank CSV export."""

    format_name = "Rabobank CSV file"

    def _header(self, filepath: str):
        """(column names, delimiter, encoding) if the file starts with a Rabobank header."""
        return csvbank.find_header(filepath, lambda names: names in (DUTCH, ENGLISH), ("utf-8", "cp1252"))

    def sniff(self, filepath: str) -> bool:
        return self._header(filepath) is not None

    def parse(self, filepath: str) -> list[Statement]:
        names, delimiter, encoding = self._header(filepath)
        statements: dict[str, Statement] = {}
        for lineno, row in csvbank.read_rows(filepath, read_bytes(filepath), encoding, delimiter):
            place = f"line {lineno}"
            if len(row) != len(names):
                raise ImportFileError(filepath, place, f"{len(row)} columns, the header has {len(names)}")
            (account, currency, _bic, sequence, day, _value_day, amount, balance, iban, name, ultimate,
             _initiating, _cbic, _code, _batch, reference, _mandate, _collector, payment_ref,
             text1, text2, text3, returned, original, original_currency, _rate) = row
            if not sequence.strip().isdigit():
                raise ImportFileError(filepath, place, f"malformed sequence number {sequence!r}")
            original_text = None
            if original.strip():
                original_text = (
                    f"{csvbank.amount(original, filepath, place, 'original amount')} {original_currency.strip()}"
                )
            entry = Entry(
                date=csvbank.date(day, "%Y-%m-%d", filepath, place),
                amount=csvbank.amount(amount, filepath, place),
                currency=currency.strip(),
                place=place,
                text=clean(" ".join((text1, text2, text3))),
                counterparty_iban=ibans.normalise(iban) or None,
                counterparty_name=clean(name) or clean(ultimate) or None,
                bank_ref=sequence.strip(),
                end_to_end=clean(reference) or None,
                structured_ref=clean(payment_ref) or None,
                balance_after=csvbank.amount(balance, filepath, place, "balance"),
                reversal=bool(returned.strip()),
                original=original_text,
            )
            own = ibans.normalise(account)
            if not own:
                raise ImportFileError(filepath, place, f"no account in column {names[0]!r}")
            statement = statements.setdefault(own, Statement(own, entry.currency, place, []))
            statement.entries.append(entry)
        for statement in statements.values():
            entries = statement.entries
            entries.sort(key=lambda e: int(e.bank_ref or 0))
            for previous, entry in pairwise(entries):
                if previous.bank_ref == entry.bank_ref:
                    raise ImportFileError(
                        filepath, entry.place, f"sequence number {entry.bank_ref} also at {previous.place}"
                    )
            csvbank.balances_from_chain(filepath, statement, entries)
        return list(statements.values())
