"""Earmarked funds (bestemmingsfondsen) for the jaarrekening and the next year's opening balances.

INTEGRATION SEAM: `fund_figures` is the one function the jaarrekening and `make nieuw-jaar`
call for the funds. Once year-a's fund model (plugins/funds.py: planned and actual income,
spending and remainder per fund) is merged, point `fund_figures` at it and keep its return
type; nothing else here needs to change.

Until then it reads the agreed declarations through queries: a fund is an equity account
`Vermogen:Bestemmingsfondsen:<Naam>` (its `label:` names it), the income and expense lines
that feed and spend from it carry `fonds: "Vermogen:Bestemmingsfondsen:<Naam>"` on their
`open` directive (queries/fondsmutaties.bql), and what the fund account itself holds comes
from queries/balans.bql. A fund's remainder at 31 December is

    what the fund account held on 1 January + what was booked on it in the year
    + the year's income on its feeding lines - the year's spending on its lines

so the result of the year that belongs to the fund is allocated to it (resultaatbestemming),
whether or not a closing entry has moved it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from annual.balances import opening_balances, year_end_balances
from report.queries import QUERY_DIR, run_query

FUNDS_PARENT = "Bestemmingsfondsen"
FUND_QUERY = "fondsmutaties"
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


def is_fund(account: str, options: dict) -> bool:
    """True for an account Vermogen:Bestemmingsfondsen:<Naam>."""
    parts = account.split(":")
    return len(parts) > 2 and parts[0] == options["name_equity"] and parts[1] == FUNDS_PARENT


def fund_figures(entries: list, options: dict, year: int, query_dir: Path = QUERY_DIR) -> list[FundFigures]:
    """Every fund declared in the book (an open Vermogen:Bestemmingsfondsen:* account), for the year."""
    opens = {entry.account: entry for entry in entries if isinstance(entry, data.Open)}
    funds = sorted(account for account in opens if is_fund(account, options))
    before = opening_balances(entries, options, year, query_dir)
    after = year_end_balances(entries, options, year, query_dir)
    income = dict.fromkeys(funds, ZERO)
    spending = dict.fromkeys(funds, ZERO)
    for row in run_query(entries, options, FUND_QUERY, query_dir):
        fund = str(row["fonds"])
        if row["jaar"] != year or fund not in income:
            continue
        if row["rekening"].split(":")[0] == options["name_income"]:
            income[fund] -= row["bedrag"]
        else:
            spending[fund] += row["bedrag"]
    return [FundFigures(account, str(opens[account].meta.get("label") or account.split(":")[-1]),
                        -before.get(account, ZERO), before.get(account, ZERO) - after.get(account, ZERO),
                        income[account], spending[account])
            for account in funds]
