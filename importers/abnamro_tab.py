"""ABN AMRO's TXT export (`TXT*.TAB`): tab-separated, no header, one line per entry.

    rekeningnummer muntsoort transactiedatum beginsaldo eindsaldo rentedatum transactiebedrag omschrijving
    417164300      EUR       20220301        1000,00    975,50    20220301   -24,50           SEPA Overboeking ...

The account is the bare ABN AMRO account number: it is the association's account
whose IBAN has bank code ABNA and that number (`417164300` is NL91ABNA0417164300;
the check digits are computed, `importers.ibans.dutch_iban`). Dates are YYYYMMDD;
amounts Dutch with a decimal comma and a sign. Every line carries the balance before
and after it: each line must add up (beginsaldo + bedrag = eindsaldo) and begin
where the line before it ended, or the file is refused at the first line that breaks
the chain. One file may hold several accounts, each a statement from the first
line's beginsaldo to the last line's eindsaldo.

The description comes in three shapes, all read by `importers.dutch86.parse_86`:
fixed 32-character fields with labels (`SEPA Overboeking  IBAN: … BIC: … Naam: …
Omschrijving: … Kenmerk: …`), the slash-keyed SEPA layout (`/TRTP/…/IBAN/…/NAME/…
/REMI/…/EREF/…`), and free text (card payments: `BEA, Betaalpas …`).
ABN AMRO gives no reference per line: the import id is a hash (see `importers.base`).
Encoding: UTF-8, or Windows-1252 where the bytes are not UTF-8.
"""

import re

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.dutch86 import parse_86
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, read_bytes

COLUMNS = [
    "rekeningnummer",
    "muntsoort",
    "transactiedatum",
    "beginsaldo",
    "eindsaldo",
    "rentedatum",
    "transactiebedrag",
    "omschrijving",
]
_ACCOUNT = re.compile(r"^\d{7,10}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^\d{8}$")
_AMOUNT = re.compile(r"^-?\d+,\d{2}$")


class AbnAmroTabImporter(BankImporter):
    """ABN AMRO TXT/TAB export."""

    format_name = "ABN AMRO TXT file"

    def sniff(self, filepath: str) -> bool:
        with open(filepath, "rb") as file:
            head = file.read(4096)
        line = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")
        return _looks_like_a_line(line.split("\t"))

    def parse(self, filepath: str) -> list[Statement]:
        text = csvbank.decode_export(filepath, read_bytes(filepath), "cp1252")
        statements: dict[str, Statement] = {}
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            place = f"line {lineno}"
            fields = line.split("\t")
            if len(fields) != len(COLUMNS):
                raise ImportFileError(
                    filepath,
                    place,
                    f"not a line of ABN AMRO's TXT export "
                    f"({len(fields)} tab-separated fields; expected {len(COLUMNS)}: {', '.join(COLUMNS)})",
                )
            number, currency, day, before, after, _value_day, amount, description = fields
            if not _ACCOUNT.match(number):
                raise ImportFileError(filepath, place, f"rekeningnummer {number!r} is not an ABN AMRO account number")
            details = parse_86([description])
            entry = Entry(
                date=csvbank.date(day, "%Y%m%d", filepath, place),
                amount=csvbank.amount(amount, filepath, place),
                currency=currency,
                place=place,
                text=details.text or clean(description),
                counterparty_iban=details.iban,
                counterparty_name=details.name,
                end_to_end=details.end_to_end,
                structured_ref=details.structured_ref,
                balance_after=csvbank.amount(after, filepath, place, "eindsaldo"),
            )
            opening = csvbank.amount(before, filepath, place, "beginsaldo")
            iban = ibans.dutch_iban("ABNA", number)
            statement = statements.setdefault(iban, Statement(iban, currency, place, []))
            csvbank.check_continues(filepath, statement.entries[-1] if statement.entries else None, opening, place)
            if opening + entry.amount != entry.balance_after:
                raise ImportFileError(
                    filepath,
                    place,
                    f"the line does not add up: beginsaldo {opening} + "
                    f"{entry.amount} is not its eindsaldo {entry.balance_after}",
                )
            statement.entries.append(entry)
        for statement in statements.values():
            csvbank.balances_from_chain(filepath, statement, statement.entries)
        return list(statements.values())


def _looks_like_a_line(fields: list[str]) -> bool:
    return (
        len(fields) == len(COLUMNS)
        and bool(_ACCOUNT.match(fields[0]))
        and bool(_CURRENCY.match(fields[1]))
        and bool(_DATE.match(fields[2]))
        and bool(_DATE.match(fields[5]))
        and all(_AMOUNT.match(fields[i]) for i in (3, 4, 6))
    )
