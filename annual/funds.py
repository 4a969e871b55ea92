"""Earmarked funds (bestemmingsfondsen) for the jaarrekening and the next year's opening balances.

The fund model is plugins.funds (the one bean-check's fund_guard and the Begroting page
use): which funds the books declare (`Vermogen:Bestemmingsfondsen:<Naam>` with the
`fonds:` lines that feed and spend from it) and each fund's opening balance, income and
spending in the year. This module adds what the balance sheet needs besides: what was
booked on the fund account itself during the year (queries/balans.bql), so that a fund's
remainder at 31 December is

    what the fund account held on 1 January + what was booked on it in the year
    + the year's income on its feeding lines - the year's spending on its lines

and the result of the year that belongs to the fund is allocated to it (resultaatbestemming),
whether or not a closing entry has moved it yet. queries/fondsmutaties.bql lists the same
income and spending for bean-query (a test holds the jaarrekening to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from annual.balances import opening_balances, year_end_balances
from plugins.funds import actual_funds, read_funds
from report.queries import QUERY_DIR

ZERO = Decimal(0)


@dataclass(frozen=True)
class FundFigures:
    """One earmarked fund in one year; natural signs (what the fund holds is positive)."""

    account: str
    label: str
    opening: Decimal  # held on 1 January
    booked: Decimal  # booked on the fund account itself during the year (transfers)
    income: Decimal  # the year's income on the lines that feed it
    spending: Decimal  # the year's spending on the lines that spend from it

    @property
    def result(self) -> Decimal:
        """The part of the year's result that belongs to the fund (resultaatbestemming)."""
        return self.income - self.spending

    @property
    def closing(self) -> Decimal:
        """What the fund holds on 31 December."""
        return self.opening + self.booked + self.result


def fund_figures(entries: list, options: dict, year: int, query_dir: Path = QUERY_DIR) -> list[FundFigures]:
    """Every fund the books declare (plugins.funds), for the year."""
    declared, _ = read_funds(entries, options)  # a bad declaration is bean-check's error, refused before this
    actual = actual_funds(declared, entries, year, options)
    before = opening_balances(entries, options, year, query_dir)
    after = year_end_balances(entries, options, year, query_dir)
    return [FundFigures(account, fund.label, actual[account].opening,
                        before.get(account, ZERO) - after.get(account, ZERO),
                        actual[account].income, actual[account].spending)
            for account, fund in sorted(declared.items())]
