"""Shared test fixtures: paths of the repo and its commands, and the seed's budget table."""

import csv
import sys
from decimal import Decimal
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def seed_table() -> list[dict]:
    return read_seed_table()


@pytest.fixture(scope="session")
def seed_lines(seed_table) -> list[dict]:
    """The seed's budget lines (no TOTAAL / RESULTAAT rows), in the seed's order."""
    return [row for row in seed_table if row["regel"]]
