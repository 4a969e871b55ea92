"""What the Import page shows: the entries a bank file would add, or the one error line.

Both the preview and the import are `importers.pipeline.import_files`, the function
behind `make import`: the preview with `write=False` (nothing is written, no lock is
taken), the import with the book's lock and the atomic write. So the page refuses what
`make import` refuses, with the same `error: FILE:PLACE: message` line, and an entry
already in the book (by import id) or typed by hand is left out here as there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from os import path
from typing import Any

from beancount.core import data

from fava_importeren.settings import Settings
from importers.errors import ImportFileError
from importers.learn import learn
from importers.learn_text import learned_text
from importers.pipeline import ImportResult, import_files
from importers.rules import load_rules
from report.dutch_format import format_euro


@dataclasses.dataclass(frozen=True)
class Row:
    """One new entry as the page lists it."""

    date: str
    kind: str           # "boeking" or "saldo"
    flag: str
    payee: str
    narration: str
    amount: str         # Dutch format, 1.234,56 / (24,00)
    negative: bool
    account: str        # the bank account
    target: str         # the budget line, or Passiva:NogTeRubriceren
    import_id: str


@dataclasses.dataclass
class Outcome:
    """A preview or an import of one file: its rows and counts, or the error line."""

    filename: str
    error: str | None = None
    rows: list[Row] = dataclasses.field(default_factory=list)
    text: str = ""
    transactions: int = 0
    flagged: int = 0
    balances: int = 0
    skipped: int = 0
    matched: list[str] = dataclasses.field(default_factory=list)
    written_to: str | None = None

    @property
    def new(self) -> int:
        return self.transactions + self.balances


def rows(entries: list) -> list[Row]:
    result = []
    for entry in entries:
        import_id = str(entry.meta.get("import-id", ""))
        if isinstance(entry, data.Transaction):
            bank, other = entry.postings[0], entry.postings[-1]
            number = bank.units.number if bank.units is not None and bank.units.number is not None else Decimal(0)
            result.append(
                Row(
                    entry.date.isoformat(),
                    "boeking",
                    entry.flag or "",
                    entry.payee or "",
                    entry.narration or "",
                    format_euro(number, 2),
                    number < 0,
                    bank.account,
                    other.account,
                    import_id,
                )
            )
        elif isinstance(entry, data.Balance):
            balance = entry.amount.number or Decimal(0)
            result.append(
                Row(
                    entry.date.isoformat(),
                    "saldo",
                    "",
                    "",
                    "saldo volgens de bank",
                    format_euro(balance, 2),
                    balance < 0,
                    entry.account,
                    "",
                    import_id,
                )
            )
    return result


def outcome(filename: str, result: ImportResult) -> Outcome:
    return Outcome(
        path.basename(filename),
        None,
        rows(result.entries),
        result.text,
        len(result.transactions),
        result.flagged,
        result.balances,
        result.skipped,
        [str(m) for m in result.matched],
        result.output,
    )


def run(settings: Settings, filename: str, *, write: bool) -> Outcome:
    """Preview (write=False) or import one bank file with the pipeline of `make import`."""
    try:
        result = import_files(settings.book, [filename], settings.output, settings.rules, write=write)
    except ImportFileError as exc:
        return Outcome(path.basename(filename), error=f"error: {exc}")
    return outcome(filename, result)


def proposed_rules_text(entries: Sequence[Any], options: Mapping[str, Any], rules_file: str, book: str) -> str:
    """The rules `make regels` would propose, from entries already loaded (nothing is written)."""
    opened = {entry.account for entry in entries if isinstance(entry, data.Open)}
    return learned_text(learn(list(entries), dict(options), load_rules(rules_file, opened)), book)
