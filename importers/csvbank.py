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
amount. A few exports write a decimal point instead (`point_amount`: `-1234.56`,
bunq's `-1,234.56`).

The formats without a header (ABN AMRO TXT, de Volksbank, Triodos) and the ones
whose bank documents a single-byte encoding are read with `decode_export`: UTF-8
when the bytes are valid UTF-8 (a byte-order mark is dropped), else the bank's own
single-byte encoding. Windows-1252 or Latin-9 text with accented letters is never
valid UTF-8, so this is a rule, not a guess.
"""

import csv
import datetime
import io
import itertools
import re
from decimal import Decimal
from itertools import pairwise

from importers.errors import ImportFileError
from importers.statement import decode

_AMOUNT = re.compile(r"^([+-]?)(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})$")
_POINT_AMOUNT = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})$")


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
        except (csv.Error, StopIteration):  # a bare CR or a NUL byte: not a CSV header
            return None
        if len(names) > 3:
            return [name.strip() for name in names], delimiter
    return None


def find_header(filepath: str, accept, encodings: tuple[str, ...] = ("utf-8",)) -> tuple[list[str], str, str] | None:
    """(column names, delimiter, encoding) if the file's first line is a header that `accept`s.

    The encodings are tried in turn; the first in which the line decodes and is accepted is
    the file's encoding (an ASCII header says nothing about it: the first encoding).
    """
    line = header_line(filepath)
    for encoding in encodings:
        try:
            split = split_header(line.decode(encoding))
        except UnicodeDecodeError:
            continue
        if split and accept(split[0]):
            return split[0], split[1], encoding
    return None


def header_delimiter(filepath: str, header: list[str]) -> str | None:
    """The delimiter of a UTF-8 file whose first line is exactly `header`; None for any other file."""
    found = find_header(filepath, lambda names: names == header)
    return found[1] if found else None


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


def point_amount(text: str, filepath: str, place: str, what: str = "amount") -> Decimal:
    """An amount with a decimal point: `-1234.56`, `1,234.56` (commas between thousands)."""
    value = text.strip()
    match = _POINT_AMOUNT.match(value)
    if not match:
        raise ImportFileError(filepath, place, f"malformed {what} {value!r} (expected e.g. 1234.56)")
    sign, whole, cents = match.groups()
    number = Decimal(f"{whole.replace(',', '')}.{cents}")
    return -number if sign == "-" else number


def decode_export(filepath: str, raw: bytes, single_byte: str) -> str:
    """UTF-8 if the bytes are valid UTF-8, else the bank's single-byte encoding (strictly)."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return decode(filepath, raw, single_byte)


def rows(filepath: str, text: str, delimiter: str, skip: int = 0):
    """Yield (line number, row) for the rows after the first `skip` lines; blank rows are left out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if reader.line_num <= skip or not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        raise ImportFileError(filepath, f"line {reader.line_num}", f"not valid CSV ({exc})") from None


def first_row(filepath: str, delimiter: str) -> list[str] | None:
    """The first row of a file without a header, for sniffing (None if it is not text CSV)."""
    line = header_line(filepath)
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        text = line.decode("latin-1")
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        return None


def chains(entries: list) -> bool:
    """True if each entry's balance after is the previous one plus its amount."""
    return all(a.balance_after + b.amount == b.balance_after for a, b in itertools.pairwise(entries))


def booking_order(entries: list) -> None:
    """Put entries that a bank lists newest first into booking order (in place).

    The lines are reversed when the first is later than the last, or, all on one day,
    when only the reversed lines form a balance chain.
    """
    if len(entries) > 1 and (entries[0].date > entries[-1].date or (
            entries[0].date == entries[-1].date and entries[0].balance_after is not None
            and not chains(entries) and chains(entries[::-1]))):
        entries.reverse()


def date(text: str, fmt: str, filepath: str, place: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text.strip(), fmt).date()
    except ValueError:
        raise ImportFileError(filepath, place, f"malformed date {text.strip()!r}") from None


def check_chain(filepath: str, entries: list) -> None:
    """Each entry's balance after must be the previous one plus its amount."""
    for previous, entry in pairwise(entries):
        if previous.balance_after + entry.amount != entry.balance_after:
            raise ImportFileError(
                filepath, entry.place,
                f"the balances do not add up: {previous.balance_after} (at {previous.place}) + "
                f"{entry.amount} is not the balance after this line, {entry.balance_after}")


def check_continues(filepath: str, previous, opening: Decimal, place: str) -> None:
    """For files that give the balance before each line: it must be the previous line's balance after."""
    if previous is not None and previous.balance_after != opening:
        raise ImportFileError(
            filepath, place,
            f"the balances do not chain: the line begins at {opening}, but the line before it "
            f"({previous.place}) ends at {previous.balance_after}")


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
