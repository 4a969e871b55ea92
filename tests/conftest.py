"""Shared test fixtures: the seed's budget table."""

import pytest

from seed_data import read_seed_table


@pytest.fixture(scope="session")
def seed_table() -> list[dict]:
    return read_seed_table()


@pytest.fixture(scope="session")
def seed_lines(seed_table) -> list[dict]:
    """The seed's budget lines (no TOTAAL / RESULTAAT rows), in the seed's order."""
    return [row for row in seed_table if row["regel"]]
