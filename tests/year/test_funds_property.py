"""plugins.funds and queries/bestemmingsfondsen.bql agree on generated books; fund_guard agrees with a
plain running balance."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.funds import actual_funds, fund_shortfalls, read_funds
from report.queries import run_query

HEAD = """
option "name_assets" "Activa"
option "name_equity" "Vermogen"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
2022-01-01 open Activa:Bank EUR
2022-01-01 open Vermogen:Bestemmingsfondsen:A EUR
2022-01-01 open Vermogen:Bestemmingsfondsen:B EUR
2022-01-01 open Inkomsten:VoorA EUR
  fonds: "Vermogen:Bestemmingsfondsen:A"
2022-01-01 open Inkomsten:VoorB EUR
  fonds: "Vermogen:Bestemmingsfondsen:B"
2022-01-01 open Inkomsten:Vrij EUR
2022-01-01 open Uitgaven:UitA1 EUR
  fonds: "Vermogen:Bestemmingsfondsen:A"
2022-01-01 open Uitgaven:UitA2 EUR
  fonds: "Vermogen:Bestemmingsfondsen:A"
2022-01-01 open Uitgaven:UitB EUR
  fonds: "Vermogen:Bestemmingsfondsen:B"
2022-01-01 open Uitgaven:Vrij EUR
"""
ACCOUNTS = ["Inkomsten:VoorA", "Inkomsten:VoorB", "Inkomsten:Vrij", "Uitgaven:UitA1", "Uitgaven:UitA2",
            "Uitgaven:UitB", "Uitgaven:Vrij"]

bookings = st.lists(st.tuples(st.integers(0, 364), st.sampled_from(ACCOUNTS),
                              st.decimals(min_value=Decimal("0.01"), max_value=Decimal(5000), places=2)),
                    max_size=25)


def book(rows) -> str:
    text = [textwrap.dedent(HEAD)]
    for day, account, number in rows:
        date = datetime.date(2022, 1, 1) + datetime.timedelta(days=day)
        signed = -number if account.startswith("Inkomsten") else number
        text.append(f'{date} * "boeking"\n  {account}  {signed} EUR\n  Activa:Bank\n')
    return "\n".join(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bookings)
def test_the_model_and_the_query_give_each_funds_totals(rows):
    entries, errors, options = loader.load_string(book(rows))
    assert errors == []
    funds, _ = read_funds(entries, options)
    figures = actual_funds(funds, entries, 2022, options)
    by_query: dict[tuple[str, str], Decimal] = {(r["fonds"], r["soort"]): r["bedrag"]
                                                for r in run_query(entries, options, "bestemmingsfondsen")}
    for name, figure in figures.items():
        assert figure.income == -by_query.get((name, "Inkomsten"), Decimal(0))
        assert figure.spending == by_query.get((name, "Uitgaven"), Decimal(0))


@settings(max_examples=60, deadline=None)
@given(bookings)
def test_a_fund_goes_short_exactly_when_a_running_balance_by_day_drops_below_zero(rows):
    entries, _, options = loader.load_string(book(rows))
    funds, _ = read_funds(entries, options)
    found = {s.fund.account for s in fund_shortfalls(funds, entries, options)}
    for name, fund in funds.items():
        balance, ever_short = Decimal(0), False
        for day in sorted({d for d, _, _ in rows}):
            today = [(a, n) for d, a, n in rows if d == day]
            balance += sum((n for a, n in today if a in fund.income_lines), Decimal(0))
            for account, number in today:
                if account in fund.expense_lines:
                    balance -= number
                    ever_short = ever_short or balance < 0
        assert (name in found) == ever_short
