"""The shared budget model: lines, actuals, approvals, overruns (pure functions, inline ledgers)."""

import datetime
import os
import textwrap
import time
from decimal import Decimal as D

from beancount import loader

from plugins import budget_book, budget_model
from plugins.budget_model import Approval, actuals_by_quarter, budget_lines, find_overruns, read_approvals

BUDGET = """
option "name_assets" "Activa"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
2022-01-01 open Activa:GeplandeLiquiditeit EUR
2022-01-01 open Inkomsten:Contributies EUR
  label: "contributies"
  groep: "contributies deelnemers"
  regel: 1
2022-01-01 open Inkomsten:Fonds EUR
  label: "fonds"
  regel: 2
2022-01-01 open Uitgaven:Festival EUR
  label: "Festival"
  regel: 3
2022-01-01 open Uitgaven:Kernteam EUR
  regel: 4
2022-01-01 * "contributies" #Q1 #toegezegd
  Inkomsten:Contributies  -6000 EUR
  Activa:GeplandeLiquiditeit
2022-01-01 * "fonds" #Q1 #toegezegd
  Inkomsten:Fonds  -1000 EUR
  Activa:GeplandeLiquiditeit
2022-07-01 * "fonds" #Q3 #niet-toegezegd
  Inkomsten:Fonds  -2000 EUR
  Activa:GeplandeLiquiditeit
2022-01-01 * "Festival" #Q1
  Uitgaven:Festival  10000 EUR
  Activa:GeplandeLiquiditeit
2022-01-01 * "Kernteam" #Q1
  Uitgaven:Kernteam  3000 EUR
  Activa:GeplandeLiquiditeit
2022-04-01 * "Kernteam" #Q2
  Uitgaven:Kernteam  3000 EUR
  Activa:GeplandeLiquiditeit
"""


def load(text):
    entries, errors, options = loader.load_string(textwrap.dedent(text))
    assert not errors, errors
    return entries, options


def test_budget_lines_natural_sign_order_and_commitment():
    lines, year = budget_lines(*load(BUDGET))
    assert year == 2022
    assert list(lines) == ["Inkomsten:Contributies", "Inkomsten:Fonds", "Uitgaven:Festival", "Uitgaven:Kernteam"]
    contributies = lines["Inkomsten:Contributies"]
    assert (contributies.label, contributies.group, contributies.order, contributies.income) == (
        "contributies", "contributies deelnemers", 1, True)
    assert contributies.quarters == {1: D(6000), 2: D(0), 3: D(0), 4: D(0)}
    assert contributies.committed is True
    fonds = lines["Inkomsten:Fonds"]
    assert fonds.committed is False and fonds.committed_by_quarter == {1: True, 3: False}
    kernteam = lines["Uitgaven:Kernteam"]
    assert kernteam.label == "Uitgaven:Kernteam" and kernteam.committed is None
    assert kernteam.total == D(6000) and kernteam.cumulative(1) == D(3000) and kernteam.cumulative(4) == D(6000)


def test_actuals_by_quarter_natural_sign_and_year():
    entries, _ = load(BUDGET + """
2022-02-01 * "contributie"
  Inkomsten:Contributies  -24 EUR
  Activa:GeplandeLiquiditeit
2022-05-11 * "festival"
  Uitgaven:Festival  12000 EUR
  Activa:GeplandeLiquiditeit
""")
    assert actuals_by_quarter(entries, 2023) == {}
    actual = actuals_by_quarter(entries, 2022)
    assert actual["Uitgaven:Festival"][2] == D(12000)
    assert actual["Inkomsten:Contributies"][1] == D(6024)


def _lines():
    return budget_lines(*load(BUDGET))[0]


def _approval(amount, account="Uitgaven:Festival", date=datetime.date(2022, 7, 20), decision="Bestuursbesluit 2022-07"):
    return Approval(date, account, D(amount), decision, {})


def test_find_overruns_cumulative_carries_underspend():
    lines = _lines()
    # Kernteam: 2000 in Q1 (1000 under), 3900 in Q2: year to date 5900 <= 6000, no overrun.
    actuals = {"Uitgaven:Kernteam": {1: D(2000), 2: D(3900), 3: D(0), 4: D(0)}}
    assert find_overruns(lines, actuals, []) == []
    per_quarter = find_overruns(lines, actuals, [], cumulative=False)
    assert [(o.quarter, o.budget, o.actual, o.overrun, o.percent) for o in per_quarter] == [
        (2, D(3000), D(3900), D(900), D("30.0"))]


def test_find_overruns_every_quarter_with_approval_and_tolerance():
    lines = _lines()
    actuals = {"Uitgaven:Festival": {1: D(0), 2: D(12000), 3: D(0), 4: D(0)}}
    overruns = find_overruns(lines, actuals, [])
    assert [(o.quarter, o.overrun, o.percent, o.approval) for o in overruns] == [
        (2, D(2000), D("20.0"), None), (3, D(2000), D("20.0"), None), (4, D(2000), D("20.0"), None)]
    approval = _approval(2500)
    approved = find_overruns(lines, actuals, [approval])
    assert [(o.quarter, o.approval, o.approved, o.unapproved) for o in approved] == [
        (2, approval, D(2000), D(0)), (3, approval, D(2000), D(0)), (4, approval, D(2000), D(0))]
    partial = find_overruns(lines, actuals, [_approval(500)])
    assert [(o.approval, o.approved, o.unapproved) for o in partial][0] == (None, D(500), D(1500))
    assert find_overruns(lines, actuals, [], tolerance=D(2000)) == []
    assert len(find_overruns(lines, actuals, [], tolerance=D(1999))) == 3
    assert find_overruns(lines, actuals, [], tolerance_percent=D(20)) == []


def test_read_approvals_custom_and_metadata():
    entries, _ = load(BUDGET + """
2022-05-20 custom "overschrijding-goedgekeurd" Uitgaven:Festival 2500 EUR "Bestuursbesluit 2022-07"
2022-05-21 custom "overschrijding-goedgekeurd" Uitgaven:Festival 2500 USD "B"
2022-05-22 custom "overschrijding-goedgekeurd" Uitgaven:Festival "B"
2022-05-11 * "festival"
  bestuursbesluit: "Bestuursbesluit 2022-05"
  Uitgaven:Festival  1200 EUR
  Activa:GeplandeLiquiditeit
""")
    found, errors = read_approvals(entries)
    assert [(a.date, a.account, a.amount, a.decision) for a in found] == [
        (datetime.date(2022, 5, 11), "Uitgaven:Festival", D(1200), "Bestuursbesluit 2022-05"),
        (datetime.date(2022, 5, 20), "Uitgaven:Festival", D(2500), "Bestuursbesluit 2022-07"),
    ]
    assert [e.message for e in errors] == [
        "approval amount must be in EUR, not USD",
        'approval needs an account, an amount and a decision, found 2 values; expected: 2022-05-22 custom '
        '"overschrijding-goedgekeurd" ACCOUNT AMOUNT EUR "DECISION"',
    ]


def test_load_budget_caches_on_mtime_of_every_file(tmp_path):
    book = tmp_path / "begroting.beancount"
    posten = tmp_path / "posten.beancount"
    head, _, body = BUDGET.partition('2022-01-01 * "contributies"')
    book.write_text(head + 'include "posten.beancount"\n')
    posten.write_text('option "name_assets" "Activa"\noption "name_income" "Inkomsten"\n'
                      'option "name_expenses" "Uitgaven"\n2022-01-01 * "contributies"' + body)
    first = budget_book.load_budget_book(str(book))
    assert first.year == 2022 and first.errors == [] and len(first.lines) == 4
    assert set(first.files) == {str(book), str(posten)}
    assert budget_book.load_budget_book(str(book)) is first
    # An edit of an included file (new mtime) is seen.
    posten.write_text(posten.read_text().replace("-6000 EUR", "-6500 EUR"))
    later = time.time() + 5
    os.utime(posten, (later, later))
    second = budget_book.load_budget_book(str(book))
    assert second is not first
    assert second.lines["Inkomsten:Contributies"].quarters[1] == D(6500)


def test_load_budget_missing_file(tmp_path):
    book = budget_book.load_budget_book(str(tmp_path / "geen.beancount"))
    assert (book.lines, book.year) == ({}, 0)
    assert [e.message for e in book.errors] == [f"budget book not found: {tmp_path / 'geen.beancount'}"]


# ---------------------------------------------------------------- the one verdict


def test_a_quarter_above_its_own_budget_within_budget_year_to_date_is_information():
    lines, _ = budget_lines(*load(BUDGET))
    # Festival: 10000 in Q1, nothing spent then, 9000 in Q2: Q2 alone is over its 0, the year to date is not.
    actuals = {"Uitgaven:Festival": {1: D(0), 2: D(9000), 3: D(0), 4: D(0)}}
    judged = budget_model.judge(lines, actuals, [], budget_model.Policy())
    assert {key: j.verdict for key, j in judged.items()} == {("Uitgaven:Festival", 2): budget_model.Verdict.INFO}
    # Per quarter, the same spending is an overrun in Q2; with a tolerance of 9000 it is information again.
    per_quarter = budget_model.judge(lines, actuals, [], budget_model.Policy(cumulative=False))
    assert per_quarter[("Uitgaven:Festival", 2)].verdict is budget_model.Verdict.OVER
    tolerant = budget_model.judge(lines, actuals, [], budget_model.Policy(D(9000), cumulative=False))
    assert tolerant[("Uitgaven:Festival", 2)].verdict is budget_model.Verdict.INFO


def test_an_overrun_reported_once_is_information_in_the_quarters_after_until_it_grows():
    lines, _ = budget_lines(*load(BUDGET))
    actuals = {"Uitgaven:Kernteam": {1: D(4000), 2: D(3000), 3: D(500), 4: D(0)}}
    judged = budget_model.judge(lines, actuals, [], budget_model.Policy())
    verdicts = {quarter: judged[("Uitgaven:Kernteam", quarter)].verdict for quarter in (1, 2, 3)}
    assert verdicts == {1: budget_model.Verdict.OVER, 2: budget_model.Verdict.INFO, 3: budget_model.Verdict.OVER}
    assert budget_model.year_verdict(judged, "Uitgaven:Kernteam") is budget_model.Verdict.OVER


def test_committed_income_that_is_late_and_uncommitted_income_that_did_not_come():
    lines, _ = budget_lines(*load(BUDGET))
    actuals = {"Inkomsten:Contributies": {1: D(5000)}, "Inkomsten:Fonds": {3: D(500)}}
    overdue = {o.account: o for o in budget_model.overdue_income(lines, actuals, [1, 2, 3])}
    assert (overdue["Inkomsten:Contributies"].committed_missing, overdue["Inkomsten:Contributies"].last_quarter) == (
        D(1000), 1)
    # Fonds: 1000 committed in Q1 and 2000 uncommitted in Q3; 500 came in, counted against the committed part.
    assert (overdue["Inkomsten:Fonds"].committed_missing, overdue["Inkomsten:Fonds"].uncommitted_missing) == (
        D(500), D(2000))
