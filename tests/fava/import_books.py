"""Helpers of the Import page tests: a copy of both books whose bank account has an opening balance, so that
the synthetic ABN AMRO statements (tests/data/bank/synthetic) continue it, and its import folder."""

from pathlib import Path

from fava_books import copy_books

BANK = Path(__file__).resolve().parents[1] / "data" / "bank" / "synthetic"
MARCH = BANK / "abn-2022-03.camt053.xml"
NOT_ADDING_UP = BANK / "bad" / "not-adding-up.camt053.xml"

# The Beginsaldo block of ledger/boekhouding-2022.beancount, filled in as the treasurer does.
BEGINSALDO = """
2022-01-01 open Vermogen:Openingsbalans EUR
2022-01-01 * "Beginsaldo Betaalrekening 1 januari 2022"
  Activa:Bank:Betaalrekening   1000.00 EUR
  Vermogen:Openingsbalans
"""


def import_books(target: Path, actuals: str = "") -> tuple[Path, Path]:
    """(budget book, actual book) copied into target, the opening balance (and `actuals`) in bank.beancount."""
    return copy_books(target, BEGINSALDO + actuals)


def te_controleren(actual: Path) -> Path:
    return actual.parent / "boekhouding-2022" / "te-controleren.beancount"


def import_folder(actual: Path) -> Path:
    return actual.parent.parent / "bankbestanden"
