"""Balance sheet accounts at the end of a year, from queries/balans.bql.

The query gives what was booked per balance sheet account (Activa, Passiva, Vermogen)
per year; the balance at 31 December of a year is the sum of that year and the years
before it. Amounts as booked: assets positive, liabilities and equity negative.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from pathlib import Path

from report.queries import QUERY_DIR, run_query

BALANCE_QUERY = "balans"
ZERO = Decimal(0)

CASH_PARENTS = ("Bank", "Kas")  # Activa:Bank:…, Activa:Kas…: liquide middelen; every other asset is a vordering


class Kind(Enum):
    """Where a balance sheet account goes on the balans."""

    CASH = "liquide middelen"
    RECEIVABLE = "vorderingen"
    EQUITY = "eigen vermogen"
    LIABILITY = "schulden"


def year_end_balances(entries: list, options: dict, year: int, query_dir: Path = QUERY_DIR) -> dict[str, Decimal]:
    """Every balance sheet account's balance at 31 December of year (as booked), accounts with a balance only."""
    balances: dict[str, Decimal] = {}
    for row in run_query(entries, options, BALANCE_QUERY, query_dir):
        if row["jaar"] <= year:
            balances[row["rekening"]] = balances.get(row["rekening"], ZERO) + row["bedrag"]
    return {account: amount for account, amount in sorted(balances.items()) if amount != 0}


def opening_balances(entries: list, options: dict, year: int, query_dir: Path = QUERY_DIR) -> dict[str, Decimal]:
    """Every balance sheet account's balance on 1 January of year, before any entry of that year."""
    return year_end_balances(entries, options, year - 1, query_dir)


def kind_of(account: str, options: dict) -> Kind:
    """The place of a balance sheet account on the balans."""
    parts = account.split(":")
    if parts[0] == options["name_assets"]:
        return Kind.CASH if len(parts) > 1 and parts[1].startswith(CASH_PARENTS) else Kind.RECEIVABLE
    if parts[0] == options["name_equity"]:
        return Kind.EQUITY
    return Kind.LIABILITY


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)
