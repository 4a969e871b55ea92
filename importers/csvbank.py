"""What the CSV importers share: the header, the encoding, Dutch amounts, balances.

A bank CSV is recognised by its header row only, compared exactly (after removing
quotes) with the bank's known headers, with `;` or `,` between the columns.

Encoding. A file is read strictly in one encoding, never with replacement characters
and never by guessing: UTF-8 (with or without a byte-order mark), unless the header
itself shows another one. Rabobank's Dutch header contains "initiërende": when its
"ë" is the single byte 0xEB the file is Windows-1252, as Rabobank has been seen to
export. Bytes that are not valid in the file's encoding are an error naming the line.

Amounts are Dutch: a decimal comma and exactly two decimals, optionally a sign and
dots between thousands (`-1.234,56`, `+25,00`, `0,31`). Anything else is a malformed
amount.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from importers.errors import ImportFileError
from importers.statement import decode

_AMOUNT = re.compile(r"^([+-]?)(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})$")


def header_line(filepath: str) -> bytes:
    """The file's first line, whatever ends it (LF, CRLF or a bare CR)."""
    with open(filepath, "rb") as file:
        head = file.read(4096)
    return re.split(rb"\r\n|\r|\n", head.removeprefix(b"\xef\xbb\xbf"), maxsplit=1)[0]


def split_header(line: str) -> tuple[list[str], str] | None:
    """The column names and the delimiter of a header line, if it is a CSV header."""
    for delimiter in (";", ","):
        try:
            names = next(csv.reader([line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            return None
        if len(names) > 3:
            return [name.strip() for name in names], delimiter
    return None


def read_rows(filepath: str, raw: bytes, encoding: str, delimiter: str):
    """Yield (line number, row) for the data rows; the header row is skipped."""
    text = decode(filepath, raw, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        next(reader)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        raise ImportFileError(filepath, f"line {reader.line_num}", f"not valid CSV ({exc})") from None


def amount(text: str, filepath: str, place: str, what: str = "amount") -> Decimal:
    value = text.strip()
    match = _AMOUNT.match(value)
    if not match:
        raise ImportFileError(filepath, place, f"malformed {what} {value!r} (expected e.g. 1234,56)")
    sign, whole, cents = match.groups()
    number = Decimal(f"{whole.replace('.', '')}.{cents}")
    return -number if sign == "-" else number


def date(text: str, fmt: str, filepath: str, place: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text.strip(), fmt).date()
    except ValueError:
        raise ImportFileError(filepath, place, f"malformed date {text.strip()!r}") from None


def check_chain(filepath: str, entries: list) -> None:
    """Each entry's balance after must be the previous one plus its amount."""
    for previous, entry in zip(entries, entries[1:]):
        if previous.balance_after + entry.amount != entry.balance_after:
            raise ImportFileError(
                filepath, entry.place,
                f"the balances do not add up: {previous.balance_after} (at {previous.place}) + "
                f"{entry.amount} is not the balance after this line, {entry.balance_after}")


def balances_from_chain(filepath: str, statement, entries: list) -> None:
    """Check the balance chain and take the statement's opening and closing balances from it.

    A CSV export has no statement balances of its own: the opening balance is the first
    line's balance after less its amount, the closing balance the last line's balance after.
    """
    check_chain(filepath, entries)
    statement.opening = entries[0].balance_after - entries[0].amount
    statement.opening_date = entries[0].date
    statement.closing = entries[-1].balance_after
    statement.closing_date = entries[-1].date
