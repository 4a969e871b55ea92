"""Paths of the repo and its commands, and the seed's budget table, for every test module.

A plain module (not conftest.py): several test folders have a conftest of their own,
and `from conftest import ...` would pick whichever one was imported first.
"""

import csv
import sys
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUDGET_BOOK = REPO / "ledger" / "begroting-2022.beancount"
ACTUAL_BOOK = REPO / "ledger" / "boekhouding-2022.beancount"
SEED_TSV = REPO / "tests" / "data" / "begroting-2022.tsv"


def read_seed_table(filename: Path = SEED_TSV) -> list[dict]:
    """The seed's table (tests/data/begroting-2022.tsv): one dict per row, amounts as Decimal."""
    with open(filename, encoding="utf-8") as file:
        lines = [line for line in file if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    for row in rows:
        for column in ("Q1", "Q2", "Q3", "Q4", "totaal"):
            row[column] = Decimal(row[column])
    return rows
