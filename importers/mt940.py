"""SWIFT MT940 statements as Dutch banks export them (ING, Rabobank, ABN AMRO,
Triodos, Knab, SNS/ASN, bunq).

The record layer is the `mt-940` library (`parse_statements`, one block per `:20:`,
with the encoding passed and `:86:` details unbounded). Around it this module

- decodes the file itself, strictly, in the importer's encoding (UTF-8 by default,
  which covers the ASCII of the SWIFT character set): the library would fall back
  to cp852 on undecodable bytes;
- scans the records with their line numbers, so an error names its line, and so
  that no `:61:` can be lost: the library must return as many transactions as the
  block has `:61:` records;
- checks amounts, the opening (`:60F:`/`:60M:`) and closing (`:62F:`/`:62M:`)
  balances (a statement without a closing balance is truncated);
- reads the Dutch `:86:` subfields itself (`importers.dutch86`), from the raw lines.

A statement-level `:86:` after the closing balance (ING) and trailer lines (`-`,
`-XXX`) are not transaction details and are left out.
"""

import datetime
import functools
import io
import re
from decimal import Decimal

from importers import ibans
from importers.base import BankImporter, clean
from importers.dutch86 import parse_86
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, decode, read_bytes



@functools.cache
def _library():
    """The mt940 library and its options, imported at the first MT940 file: an import of other
    formats does not pay for it."""
    import mt940

    options = mt940.Options(reversal_sign=True, unbounded_details=True, merge_keeps_values=True,
                            case_insensitive_marks=True, strip_bom=True)
    return mt940, options

_TAG = re.compile(r"^:(\d{2}[A-Z]?):")
_BALANCE = re.compile(r"^([CD])(\d{6})([A-Z]{3})(\d{1,15},\d{0,2})$")
# The amount's comma is mandatory in SWIFT, but Knab writes whole amounts without it.
_LINE61 = re.compile(r"^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,15}(?:,\d{0,2})?)([NFS][A-Z0-9]{3})")


class _Block:
    """One statement: its records as (tag, first line number, content lines)."""

    def __init__(self):
        self.records: list[tuple[str, int, list[str]]] = []


class Mt940Importer(BankImporter):
    """MT940 bank statements (.sta, .940, .txt)."""

    format_name = "MT940 file"

    def __init__(self, book, rules, encoding: str = "utf-8", **kwargs):
        super().__init__(book, rules, **kwargs)
        self.encoding = encoding

    def sniff(self, filepath: str) -> bool:
        with open(filepath, "rb") as file:
            head = file.read(4096)
        return (re.search(rb"(?m)^:20:", head) is not None and re.search(rb"(?m)^:25:", head) is not None
                and re.search(rb"(?m)^:(60[FM]|28C?):", head) is not None)

    def parse(self, filepath: str) -> list[Statement]:
        text = decode(filepath, read_bytes(filepath), self.encoding)
        blocks = self._scan(filepath, text.splitlines())
        if not blocks:
            raise ImportFileError(filepath, None, "no MT940 statement (:20:) in the file")
        return [self._statement(filepath, block) for block in blocks]

    # -- record scan --------------------------------------------------------------

    @staticmethod
    def _scan(filepath: str, lines: list[str]) -> list[_Block]:
        """Split the lines into statements (one per :20:) of records with their line numbers.

        Header lines before the first :20:, blank lines, trailers (`-`, `-XXX`, `-}`) after
        the closing balance, and a statement-level :86: after it are left out.
        """
        blocks: list[_Block] = []
        block = None
        state = "body"                  # then "closed" after :62:, "skip" in a statement-level :86:
        for number, line in enumerate(lines, 1):
            match = _TAG.match(line)
            if match:
                tag = match.group(1)
                if tag == "20":
                    block = _Block()
                    blocks.append(block)
                    state = "body"
                if block is None:
                    continue
                if state != "body" and tag == "86":
                    state = "skip"
                    continue
                if tag.startswith("62") or state == "skip":
                    state = "closed"
                block.records.append((tag, number, [line[match.end():]]))
            elif block is not None and block.records and state != "skip":
                if not line.strip() or (state == "closed" and re.fullmatch(r"-(XXX)?\}?|\}", line.strip())):
                    continue
                block.records[-1][2].append(line)
        return blocks

    # -- one statement --------------------------------------------------------------

    def _statement(self, filepath: str, block: _Block) -> Statement:
        first = block.records[0][1]
        place = f"line {first}"
        by_tag: dict[str, tuple[str, int, list[str]]] = {}
        for tag, number, content in block.records:
            by_tag.setdefault(tag[:2], (tag, number, content))
        if "25" not in by_tag:
            raise ImportFileError(filepath, place, "the statement has no account (:25:)")
        if "60" not in by_tag:
            raise ImportFileError(filepath, place, "the statement has no opening balance (:60F:)")
        if "62" not in by_tag:
            last = block.records[-1][1]
            raise ImportFileError(
                filepath, f"line {last}", "the statement has no closing balance (:62F:): the file is truncated"
            )
        opening = self._balance(filepath, by_tag["60"])
        closing = self._balance(filepath, by_tag["62"])
        records61 = [(number, content) for tag, number, content in block.records if tag == "61"]
        for number, content in records61:
            match = _LINE61.match(content[0])
            if not match:
                raise ImportFileError(
                    filepath,
                    f"line {number}",
                    f"malformed :61: record (date, D/C mark or amount): {content[0].strip()!r}",
                )
        library_text = "\n".join(f":{tag}:" + "\n".join(content) for tag, number, content in block.records) + "\n"
        try:
            library, options = _library()
            parsed = library.parse_statements(io.StringIO(library_text), encoding=self.encoding, options=options)
        except (RuntimeError, ValueError, ArithmeticError) as exc:
            raise ImportFileError(
                filepath, place, f"MT940 record not understood: {exc.args[0] if exc.args else exc}"
            ) from None
        if len(parsed) != 1:
            raise ImportFileError(filepath, place, f"expected one statement, the MT940 reader found {len(parsed)}")
        transactions = list(parsed[0])
        if len(transactions) != len(records61):
            raise ImportFileError(
                filepath,
                place,
                f"{len(records61)} :61: records, but the MT940 reader returned {len(transactions)} transactions",
            )
        account = by_tag["25"][2][0].strip()
        currency = closing[1]
        if opening[1] != currency:
            raise ImportFileError(
                filepath, f"line {by_tag['60'][1]}", f"opening balance in {opening[1]}, closing balance in {currency}"
            )
        details_of = self._details(block)
        entries = []
        for (number, content), transaction in zip(records61, transactions, strict=True):
            entries.append(self._entry(filepath, number, content, transaction, details_of.get(number, []), currency))
        return Statement(account, currency, place, entries, opening[0], opening[2], closing[0], closing[2])

    @staticmethod
    def _details(block: _Block) -> dict[int, list[str]]:
        """The :86: lines that follow each :61: record (Rabobank repeats :86:)."""
        result: dict[int, list[str]] = {}
        current = None
        for tag, number, content in block.records:
            if tag == "61":
                current = number
                result[current] = []
            elif tag == "86" and current is not None:
                result[current].extend(content)
            else:
                current = None
        return result

    @staticmethod
    def _balance(filepath: str, record) -> tuple[Decimal, str, datetime.date]:
        tag, number, content = record
        value = content[0].strip()
        match = _BALANCE.match(value)
        if not match:
            raise ImportFileError(filepath, f"line {number}", f"malformed balance :{tag}: {value!r}")
        mark, date, currency, amount = match.groups()
        try:
            day = datetime.datetime.strptime(date, "%y%m%d").date()
        except ValueError:
            raise ImportFileError(filepath, f"line {number}", f"malformed date {date!r} in :{tag}:") from None
        number_value = _decimal(amount)
        return (-number_value if mark == "D" else number_value), currency, day

    def _entry(self, filepath, number, content, transaction, lines86, currency) -> Entry:
        place = f"line {number}"
        data = transaction.data
        match = _LINE61.match(content[0])
        if match is None:  # checked in _statement before the reader ran
            raise ImportFileError(filepath, place, f"malformed :61: record: {content[0].strip()!r}")
        mark = match.group(3)
        amount = _decimal(match.group(5))
        amount = amount if mark in ("C", "RD") else -amount
        library_amount = data.get("amount")
        if library_amount is None or library_amount.amount != amount:
            raise ImportFileError(filepath, place, f"amount {amount} read here, {library_amount} by the MT940 reader")
        entry_date = data.get("entry_date") or data.get("date")
        date = datetime.date(entry_date.year, entry_date.month, entry_date.day)
        details = parse_86(lines86)
        extra = clean(data.get("extra_details"))
        reference = clean(data.get("customer_reference"))
        iban, name = details.iban, details.name
        if extra:
            if ibans.is_iban(extra):
                iban = iban or ibans.normalise(extra)
            else:
                name = name or extra
        if not iban and re.fullmatch(r"\d{9,10}", reference or "") :
            iban = reference
        bank_ref: str | None = clean(data.get("bank_reference"))
        if bank_ref is None or bank_ref.upper() in ("", "NONREF"):
            bank_ref = None
        return Entry(
            date=date, amount=amount, currency=currency, place=place,
            text=details.text, counterparty_iban=iban, counterparty_name=name,
            bank_ref=bank_ref, end_to_end=details.end_to_end, structured_ref=details.structured_ref,
            reversal=mark in ("RC", "RD"),
        )


def _decimal(text: str) -> Decimal:
    whole, _, fraction = text.partition(",")
    return Decimal(f"{int(whole)}.{(fraction + '00')[:2]}") if len(fraction) <= 2 else Decimal(f"{whole}.{fraction}")
