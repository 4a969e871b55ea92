"""What every bank format is read into: statements with their entries.

A parser (camt.053, MT940, the CSV formats) turns a file into a list of
`Statement`s; `importers.base` checks them and makes Beancount directives. Amounts
are signed from the association's side: money in is positive.
"""

import dataclasses
import datetime
from decimal import Decimal

from importers.errors import ImportFileError


@dataclasses.dataclass
class Entry:
    date: datetime.date
    amount: Decimal
    currency: str
    place: str                              # where in the file: "line 12", "Stmt[1]/Ntry[2]"
    text: str = ""                          # remittance text
    counterparty_iban: str | None = None    # IBAN, or an old domestic number
    counterparty_name: str | None = None
    bank_ref: str | None = None             # the bank's own unique reference, if any
    end_to_end: str | None = None           # EndToEndId / EREF (the payer's reference)
    structured_ref: str | None = None       # betalingskenmerk
    balance_after: Decimal | None = None    # where the file gives it per entry
    reversal: bool = False
    original: str | None = None             # "12.50 USD" for a foreign-currency payment


@dataclasses.dataclass
class Statement:
    account_id: str                         # IBAN or the old number as the file writes it
    currency: str
    place: str
    entries: list[Entry]
    opening: Decimal | None = None
    opening_date: datetime.date | None = None
    closing: Decimal | None = None
    closing_date: datetime.date | None = None


def decode(filename: str, raw: bytes, encoding: str) -> str:
    """Decode strictly; undecodable bytes are an error naming line and column."""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportFileError(
            filename, f"line {line}",
            f"byte 0x{raw[exc.start]:02X} at column {column} is not valid {encoding}") from None
    return text.removeprefix("\ufeff")


def read_bytes(filename: str) -> bytes:
    try:
        with open(filename, "rb") as file:
            return file.read()
    except OSError as exc:
        raise ImportFileError(filename, None, f"cannot read the file ({exc.strerror})") from None
