"""The budget plugins' cost grows linearly with the number of entries.

Synthetic books of N and 10 x N entries, made in code; each plugin is timed alone
(best of five runs, the parser left out, the garbage collector paused so that its
pauses do not blur the plugin's own work). Linear work takes about 10 x the time
(measured 9 x to 15 x); the bound of 30 x leaves room for a busy machine and still
fails anything quadratic (100 x).
"""

import datetime
import gc
import time
from decimal import Decimal

from beancount.core import amount, data
from beancount.parser.grammar import ValueType

from plugins.budget_guard import budget_guard
from plugins.budget_rules import budget_rules

N = 3_000
LINES = 20
OPTIONS = {"name_income": "Inkomsten", "name_expenses": "Uitgaven", "name_assets": "Activa"}
START = datetime.date(2022, 1, 1)


def posting(account, number):
    return data.Posting(account, amount.Amount(Decimal(number), "EUR"), None, None, None, None)


def transaction(index, date, tags, account, number, counter):
    meta = data.new_metadata("<synthetic>", index)
    return data.Transaction(meta, date, "*", None, f"regel {index}", frozenset(tags), frozenset(),
                            [posting(account, number), posting(counter, -number)])


def opens(accounts):
    return [data.Open(data.new_metadata("<synthetic>", i), START, account, ["EUR"], None)
            for i, account in enumerate(accounts)]


def budget_book(count):
    """A budget book of count budget entries over LINES expense lines, with its adopted totals."""
    accounts = [f"Uitgaven:Regel{i:02d}" for i in range(LINES)]
    entries = opens(["Activa:GeplandeLiquiditeit", *accounts])
    totals = dict.fromkeys(range(1, 5), Decimal(0))
    for index in range(count):
        quarter = index % 4 + 1
        entries.append(transaction(1000 + index, datetime.date(2022, 3 * quarter - 2, 1), {f"Q{quarter}"},
                                   accounts[index % LINES], 10, "Activa:GeplandeLiquiditeit"))
        totals[quarter] += 10
    for quarter, total in totals.items():
        values = [ValueType(f"Q{quarter}", str)] + [ValueType(amount.Amount(n, "EUR"), amount.Amount)
                                                    for n in (Decimal(0), total, -total)]
        entries.append(
            data.Custom(data.new_metadata("<synthetic>", 900 + quarter), START, "begroting-vastgesteld", values)
        )
    return entries


def actual_book(count):
    """An actual book of count transactions: budget lines (several over budget) and one unbudgeted account."""
    accounts = [f"Uitgaven:Regel{i:02d}" for i in range(LINES)] + ["Uitgaven:Onbegroot"]
    entries = opens(["Activa:Bank", *accounts])
    for index in range(count):
        date = START + datetime.timedelta(days=index * 365 // count)
        entries.append(
            transaction(1000 + index, date, (), accounts[index % len(accounts)], 3 + index % 7, "Activa:Bank")
        )
    return entries


def best_time(function, *args):
    times = []
    for _ in range(5):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            function(*args)
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def test_budget_rules_cost_is_linear():
    small, large = budget_book(N), budget_book(10 * N)
    assert budget_rules(small, OPTIONS)[1] == []
    ratio = best_time(budget_rules, large, OPTIONS) / best_time(budget_rules, small, OPTIONS)
    assert ratio < 30, f"10 x the entries took {ratio:.1f} x the time"


def test_budget_guard_cost_is_linear(tmp_path):
    budget = tmp_path / "begroting.beancount"
    budget.write_text(
        'option "name_assets" "Activa"\noption "name_income" "Inkomsten"\noption "name_expenses" "Uitgaven"\n'
        "2022-01-01 open Activa:GeplandeLiquiditeit\n"
        + "".join(
            f'2022-01-01 open Uitgaven:Regel{i:02d}\n2022-01-01 * "Regel {i}" #Q1\n'
            f"  Uitgaven:Regel{i:02d}  {100 * (i + 1)} EUR\n  Activa:GeplandeLiquiditeit\n"
            for i in range(LINES)
        )
    )
    options = dict(OPTIONS, filename=str(tmp_path / "boekhouding.beancount"), include=[])
    config = "{'budget': 'begroting.beancount'}"
    small, large = actual_book(N), actual_book(10 * N)
    _, errors = budget_guard(small, options, config)
    kinds = {type(error).__name__ for error in errors}
    assert kinds == {"OverrunError", "UnbudgetedError"}  # the work being timed includes both rules
    ratio = best_time(budget_guard, large, options, config) / best_time(budget_guard, small, options, config)
    assert ratio < 30, f"10 x the entries took {ratio:.1f} x the time"
