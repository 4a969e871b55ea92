"""ING's CSV export ("Af Bij" format), Dutch or English, `;` or `,` separated. The header, one line in
the file (wrapped here):

    Datum;Naam / Omschrijving;Rekening;Tegenrekening;Code;Af Bij;Bedrag (EUR);Mutatiesoort;Mededelingen;
        Saldo na mutatie;Tag
    Date;Name / Description;Account;Counterparty;Code;Debit/credit;Amount (EUR);Transaction type;Notifications;
        Resulting balance;Tag

The older comma-separated export has only the first nine columns (no balance);
`MutatieSoort` was once spelled with a capital S. Dates are YYYYMMDD; the amount
is unsigned, `Af`/`Debit` makes it negative, `Bij`/`Credit` positive. ING lists the
newest line first; the lines are put in booking order (and, where the balance
after each line is given, checked against it). One file may hold several accounts
(the `Rekening` column): each becomes a statement, whose closing balance is the
balance after its last line. Without a balance column there is no balance
assertion. ING gives no reference per line, so the import id is a hash (see
`importers.base`). The remittance text is what follows `Omschrijving:` /
`Description:` in the Mededelingen, else the Mededelingen without the value date.
"""

import re
from itertools import pairwise

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

DUTCH = ["Datum", "Naam / Omschrijving", "Rekening", "Tegenrekening", "Code", "Af Bij", "Bedrag (EUR)",
         "Mutatiesoort", "Mededelingen", "Saldo na mutatie", "Tag"]
ENGLISH = ["Date", "Name / Description", "Account", "Counterparty", "Code", "Debit/credit", "Amount (EUR)",
           "Transaction type", "Notifications", "Resulting balance", "Tag"]
HEADERS = [DUTCH, DUTCH[:9], DUTCH[:7] + ["MutatieSoort"] + DUTCH[8:9], ENGLISH, ENGLISH[:9]]
SIGNS = {"Af": -1, "Bij": 1, "Debit": -1, "Credit": 1}
_LABELS = (
    r"Naam|Name|Omschrijving|Description|IBAN|BIC|Kenmerk|Reference|Machtiging ID|Mandate ID|Incassant ID|Creditor ID"
    r"|Valutadatum|Value date|Pasvolgnr|Card sequence no\.|Transactie|Transaction|Term|Datum/Tijd|Date/time"
)


class IngCsvImporter(BankImporter):
    """ING CSV export."""

    format_name = "ING CSV file"

    def _header(self, filepath: str):
        line = csvbank.header_line(filepath)
        split = csvbank.split_header(line.decode("latin-1"))
        if split and split[0] in HEADERS:
            return split
        return None

    def sniff(self, filepath: str) -> bool:
        return self._header(filepath) is not None

    def parse(self, filepath: str) -> list[Statement]:
        names, delimiter = self._header(filepath)
        has_balance = len(names) > 9
        statements: dict[str, Statement] = {}
        for lineno, row in csvbank.read_rows(filepath, read_bytes(filepath), "utf-8", delimiter):
            place = f"line {lineno}"
            if len(row) != len(names):
                raise ImportFileError(filepath, place, f"{len(row)} columns, the header has {len(names)}")
            sign = SIGNS.get(row[5].strip())
            if sign is None:
                raise ImportFileError(filepath, place, f"{names[5]} is {row[5]!r}, not one of {', '.join(SIGNS)}")
            entry = Entry(
                date=csvbank.date(row[0], "%Y%m%d", filepath, place),
                amount=sign * csvbank.amount(row[6], filepath, place),
                currency="EUR",
                place=place,
                counterparty_iban=ibans.normalise(row[3]) or None,
                counterparty_name=clean(row[1]) or None,
                balance_after=csvbank.amount(row[9], filepath, place, "balance") if has_balance else None,
            )
            entry.text, entry.end_to_end = _remittance(row[8])
            account = ibans.normalise(row[2])
            if not account:
                raise ImportFileError(filepath, place, f"no account in column {names[2]!r}")
            statements.setdefault(account, Statement(account, "EUR", place, [])).entries.append(entry)
        for statement in statements.values():
            entries = statement.entries
            if len(entries) > 1 and entries[0].date > entries[-1].date or (
                    has_balance and len(entries) > 1 and entries[0].date == entries[-1].date
                    and not _chains(entries) and _chains(entries[::-1])):
                entries.reverse()           # ING writes the newest line first
            if has_balance:
                csvbank.balances_from_chain(filepath, statement, entries)
        return list(statements.values())


def _chains(entries) -> bool:
    return all(a.balance_after + b.amount == b.balance_after for a, b in pairwise(entries))


def _remittance(notes: str) -> tuple[str, str | None]:
    """(text, kenmerk) from ING's Mededelingen."""
    fields = dict(re.findall(rf"\b({_LABELS}):\s*(.*?)\s*(?=\b(?:{_LABELS}):|$)", notes))
    text = fields.get("Omschrijving") or fields.get("Description")
    reference = clean(fields.get("Kenmerk") or fields.get("Reference")) or None
    if reference and reference.upper() == "NOTPROVIDED":
        reference = None
    if text is None:
        text = re.sub(r"\b(Valutadatum|Value date):\s*\S+", "", notes)
    return clean(text), reference
