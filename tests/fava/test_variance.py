"""report.variance: the figures the Fava page and `python -m report.variance` show, by the module's rules."""

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from fava_books import copy_books
from report.budget_table import budget_table
from report.errors import ReportError
from report.ledger import load_ledger
from plugins.budget_book import budget_setting
from report.variance import load_books
from report.variance_model import QuarterStatus, quarters_of, variance_report

AFGESLOTEN, LOPEND, NIET_BEGONNEN = QuarterStatus.CLOSED, QuarterStatus.RUNNING, QuarterStatus.NOT_STARTED

D = Decimal


def report_of(budget_path, actual_path):
    _, actual_entries, actual_options, book, policy = load_books(str(actual_path), str(budget_path))
    return variance_report(book, actual_entries, actual_options, policy)


@pytest.fixture(scope="module")
def report(books):
    return report_of(*books)


def line(report, account):
    return next(row for row in report.rows if row.account == account)


def test_the_actual_book_names_its_budget_book(books):
    budget, actual = books
    entries, options = load_ledger(str(budget))
    assert budget_setting(entries, options) == (None, [])  # the budget book is its own budget
    _, actual_entries, actual_options, *_ = load_books(str(actual))
    assert budget_setting(actual_entries, actual_options)[0].path == str(budget)


def test_quarters_by_the_latest_entry(report):
    assert report.as_of == date(2022, 4, 5)
    assert [q.status for q in report.quarters] == [AFGESLOTEN, LOPEND, NIET_BEGONNEN, NIET_BEGONNEN]
    assert [q.period for q in report.quarters] == ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]
    assert [q.status for q in quarters_of(2022, None)] == [NIET_BEGONNEN] * 4
    assert quarters_of(2022, date(2022, 3, 31))[0].status == AFGESLOTEN
    assert quarters_of(2022, date(2022, 3, 30))[0].status == LOPEND


def test_the_hand_made_entry_against_its_budget(report):
    kernteam = line(report, "Uitgaven:Kernteam")
    q1 = kernteam.quarters[0]
    assert (q1.budget, q1.actual, q1.variance, q1.postings) == (D(17250), D(18000), D(750), 1)
    assert round(q1.percent, 2) == D("4.35")
    assert report.mark(kernteam, q1, 1) == "goedgekeurd"  # Bestuursbesluit 2022-03 covers the 750
    hosting = line(report, "Uitgaven:Automatisering")
    assert (hosting.quarters[0].variance, report.mark(hosting, hosting.quarters[0], 1)) == (D(65), "overschreden")
    leden = line(report, "Inkomsten:Contributies:IndividueleLeden")
    assert (leden.quarters[0].variance, report.mark(leden, leden.quarters[0], 1)) == (D(-268), "achter")
    assert [a.decision for a in report.approvals] == ["Bestuursbesluit 2022-03"]


def test_no_made_up_zeros(report):
    festival = line(report, "Uitgaven:Festival")
    q1, q2, q3, _ = festival.quarters
    # Q1 is over and nothing was booked: no realisatie, but the budget was not spent.
    assert (q1.actual, q1.variance, q1.forecast) == (None, D(-10000), D(0))
    # Q2 runs and nothing is booked yet: nothing to compare.
    assert (q2.actual, q2.variance, q2.percent) == (None, None, None)
    # Q3 has not begun: the budget is still to come.
    magazine = line(report, "Uitgaven:Magazine")
    assert (magazine.quarters[3].actual, magazine.quarters[3].variance, magazine.quarters[3].forecast) == (
        None, None, D(2000))
    assert festival.year.actual is None
    assert any("Nog geen boekingen" in note and "Festival" in note for note in report.notes)
    assert any("Q3 en Q4 zijn nog niet begonnen" in note for note in report.notes)


def test_prognose_is_actual_to_date_plus_the_budget_to_come(report):
    kernteam = line(report, "Uitgaven:Kernteam")
    # Q1 actual 18.000, Q2 (running, nothing booked) its budget, Q3 and Q4 their budget.
    assert kernteam.year.forecast == D(18000) + 3 * D(17250)
    assert kernteam.year.variance == D(750)
    bank = line(report, "Uitgaven:Bankkosten")
    assert [q.forecast for q in bank.quarters] == [D(0), D(30), D(30), D(30)]  # Q2: max(12, 30)
    rows = {row.kind + row.label: row for row in report.rows if row.year}
    income, expenses = (r for r in report.rows if r.kind == "totaal")
    assert report.result.year.forecast == income.year.forecast - expenses.year.forecast
    assert report.summary.forecast == report.result.year.forecast
    assert rows["resultaatRESULTAAT"].quarters[0].actual == D(6500) - D(18400)


def test_budget_side_is_make_reports_table(books, report, seed_table):
    budget, _ = books
    entries, options = load_ledger(str(budget))
    table = {row.account: row.amounts for row in budget_table(entries, options) if row.kind == "regel"}
    for row in report.rows:
        if row.kind == "regel":
            assert tuple(q.budget for q in row.quarters) + (row.year.budget,) == table[row.account]
    totals = [row for row in report.rows if row.kind in ("totaal", "resultaat")]
    seed = {row["sectie"] + row["groep"]: row for row in seed_table if not row["regel"]}
    assert [r.year.budget for r in totals] == [seed["INKOMSTENTOTAAL"]["totaal"], seed["UITGAVENTOTAAL"]["totaal"],
                                                  seed["RESULTAAT"]["totaal"]]
    assert report.summary.budget == D(-40821)
    assert report.summary.committed_budget == D(-72321)
    # Committed only: the uncommitted income still to come (Q2-Q4 deuglat, raad van anders, onderzoek) is left out.
    to_come = 3 * D(750) + 3 * D(250) + D(10000)
    assert report.summary.committed_forecast == report.summary.forecast - to_come


def test_a_book_without_actuals(tmp_path):
    budget, actual = copy_books(tmp_path, actuals="")
    report = report_of(budget, actual)
    assert report.as_of is None
    assert all(q.status == NIET_BEGONNEN for q in report.quarters)
    assert all(f.actual is None and f.variance is None for row in report.rows if row.year
               for f in (*row.quarters, row.year))
    assert report.summary.forecast == report.summary.budget
    assert "nog geen boekingen" in report.notes[0]


def test_unbudgeted_account_shows_as_its_own_line(tmp_path):
    extra = """
2022-01-01 open Uitgaven:Onvoorzien EUR
  label: "Onvoorzien"
2022-02-01 * "Onvoorzien"
  Uitgaven:Onvoorzien   99 EUR
  Activa:Bank:Betaalrekening
"""
    budget, actual = copy_books(tmp_path, actuals=extra)
    report = report_of(budget, actual)
    row = line(report, "Uitgaven:Onvoorzien")
    assert (row.budgeted, row.label, row.quarters[0].budget, row.quarters[0].variance) == (
        False, "Onvoorzien", None, D(99))
    assert any("zonder begroting" in note and "Onvoorzien" in note for note in report.notes)


def test_a_budget_without_budget_entries(tmp_path):
    _, actual = copy_books(tmp_path)
    empty_budget = tmp_path / "leeg.beancount"
    empty_budget.write_text('option "name_income" "Inkomsten"\noption "name_expenses" "Uitgaven"\n', encoding="utf-8")
    with pytest.raises(ReportError, match="geen begrotingsposten"):
        report_of(empty_budget, actual)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "report.variance", *map(str, args)], capture_output=True, text=True)


def test_cli_prints_the_year_and_a_quarter(books):
    _, actual = books
    result = run_cli(actual)
    assert result.returncode == 0, result.stderr
    kernteam = next(line for line in result.stdout.splitlines() if line.strip().startswith("Kernteam"))
    assert kernteam.split()[1:6] == ["69.000", "18.000", "69.750", "750", "1%"]
    assert "goedgekeurd" in kernteam
    assert "Resultaat 2022 begroot:" in result.stdout and "(40.821)" in result.stdout
    assert "1 error(s)" in result.stderr  # budget_guard reports the unapproved Automatisering overrun
    q1 = run_cli(actual, "--kwartaal", "1")
    kernteam = next(line for line in q1.stdout.splitlines() if line.strip().startswith("Kernteam"))
    assert kernteam.split()[1:5] == ["17.250", "18.000", "750", "18.000"]
    festival = next(line for line in q1.stdout.splitlines() if line.strip().startswith("Festival"))
    assert "—" in festival.split()


def test_cli_bad_input(tmp_path, books):
    budget, _ = books
    assert "ledger file not found" in run_cli(tmp_path / "nope.beancount").stderr
    result = run_cli(budget, "--budget", tmp_path / "nope.beancount")
    assert result.returncode == 1 and "not found" in result.stderr
    no_budget = tmp_path / "kaal.beancount"
    no_budget.write_text("2022-01-01 open Activa:Kas EUR\n", encoding="utf-8")
    result = run_cli(no_budget)
    assert result.returncode == 1 and "names no budget book" in result.stderr


def test_a_book_without_the_guard_names_its_budget_on_the_extension_line(tmp_path):
    book = tmp_path / "kas.beancount"
    book.write_text('option "title" "Kas"\n'
                    "2022-01-01 custom \"fava-extension\" \"fava_begroting\" \"{'budget': 'begroting.beancount'}\"\n")
    entries, options = load_ledger(str(book))
    assert budget_setting(entries, options)[0].path == str(tmp_path / "begroting.beancount")


def test_a_budget_named_on_the_extension_line_must_stay_in_the_repository(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    book = tmp_path / "kas.beancount"
    escape = "../" * len(tmp_path.parts) + "etc/passwd"
    book.write_text('option "title" "Kas"\n'
                    f"2022-01-01 custom \"fava-extension\" \"fava_begroting\" \"{{'budget': '{escape}'}}\"\n")
    entries, options = load_ledger(str(book))
    setting, errors = budget_setting(entries, options)
    assert setting is None
    assert [(e.source["filename"], e.source["lineno"], e.message) for e in errors] == [
        (str(book), 2, f"fava_begroting: option 'budget': path '{escape}' leads outside the repository {tmp_path} "
                       "(to /etc/passwd)")]
    result = run_cli(book)
    assert result.returncode == 1 and "leads outside the repository" in result.stderr
    assert "Traceback" not in result.stderr
