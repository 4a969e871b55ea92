"""Nothing unreviewed is invisible, and a prognose the board can act on.

Entries flagged `!` or on Passiva:NogTeRubriceren are counted and summed once
(plugins.budget_model.unreviewed) and shown by report.variance (text and CSV), by the
page (tests/fava) and by `make check`; a quarter holding one is not closed. Committed
income of closed quarters that has not come in is "toegezegd, nog te ontvangen".
"""

import csv
import io
import subprocess
import sys
from decimal import Decimal as D

from beancount import loader
from fava_books import UNREVIEWED_JUNE, copy_books
from seed_data import BIN, REPO

from plugins.budget_model import unreviewed
from report.budget_table import commitment_rows
from report.ledger import load_ledger
from report.variance import load_books
from report.variance_model import QuarterStatus, variance_report

# Up to 30 June: Q1 Kernteam booked, two bank lines of June not yet classified (one the June salary).
ACTUALS = """
2022-03-25 * "Kernteam" "Kernteam eerste kwartaal"
  Uitgaven:Kernteam                        17250.00 EUR
  Activa:Bank:Betaalrekening

2022-06-30 * "Bank" "Kosten betaalrekening"
  Uitgaven:Bankkosten                         12.00 EUR
  Activa:Bank:Betaalrekening
""" + UNREVIEWED_JUNE


def report_of(actual):
    _, entries, options, book, policy = load_books(str(actual))
    return variance_report(book, entries, options, policy)


def test_unreviewed_entries_are_counted_and_summed_as_the_bank_saw_them(tmp_path):
    _, actual = copy_books(tmp_path, ACTUALS)
    entries, _, options = loader.load_file(str(actual))
    waiting = unreviewed(entries, options)
    assert (waiting.count, waiting.amount, waiting.account) == (2, D("-3214.45"), "Passiva:NogTeRubriceren")
    assert [e.narration for e in waiting.entries] == ["Bijschrijving zonder omschrijving", "Salaris juni"]


def test_a_quarter_with_unreviewed_entries_is_not_closed_and_the_prognose_says_so(tmp_path):
    _, actual = copy_books(tmp_path, ACTUALS)
    report = report_of(actual)
    assert [q.status for q in report.quarters] == [QuarterStatus.CLOSED, QuarterStatus.INCOMPLETE,
                                                   QuarterStatus.NOT_STARTED, QuarterStatus.NOT_STARTED]
    kernteam = next(row for row in report.rows if row.account == "Uitgaven:Kernteam")
    # Q2's salary waits on the suspense account: the forecast counts Kernteam's Q2 budget, not 0.
    assert kernteam.quarters[1].forecast == kernteam.quarters[1].budget
    note = next(note for note in report.notes if "nog niet gecontroleerd" in note)
    assert "2 boeking(en)" in note and "(3.214,45)" in note and "Q2 niet afgesloten" in note
    assert "De prognose is onvolledig" in note


def test_committed_income_that_is_late_is_still_expected_on_its_own_line(tmp_path):
    budget, actual = copy_books(tmp_path, ACTUALS)
    report = report_of(actual)
    # Nothing came in; Q1 is the only closed quarter: its committed and uncommitted budget, by the queries.
    entries, options = load_ledger(str(budget))
    by_label = {row.label: row.amounts for row in commitment_rows(entries, options)}
    s = report.summary
    assert s.overdue_committed == by_label["inkomsten toegezegd"][0] > 0
    assert s.overdue_uncommitted == by_label["inkomsten niet toegezegd"][0]
    assert s.forecast_with_overdue == s.forecast + s.overdue_committed


def run(*args):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, check=False, cwd=REPO)


def test_report_variance_shows_the_unreviewed_entries_and_the_late_income_in_text_and_csv(tmp_path):
    _, actual = copy_books(tmp_path, ACTUALS)
    text = run("-m", "report.variance", actual).stdout
    assert "Nog te controleren: 2 boeking(en) nog niet gecontroleerd" in text and "(3.214,45)" in text
    assert "  toegezegd, nog te ontvangen:" in text
    assert "prognose met toegezegd, nog te ontvangen:" in text
    assert "niet-toegezegd en niet ontvangen (telt niet mee):" in text
    result = run("-m", "report.variance", actual, "--csv", "-")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter=";"))
    assert ["nog-te-controleren", "2 boeking(en)", "Passiva:NogTeRubriceren", "", "-3214.45"] in rows
    kernteam = next(row for row in rows if row[2:3] == ["Uitgaven:Kernteam"])
    header = rows[0]
    assert kernteam[header.index("Q1 realisatie")] == "17250.00"
    assert kernteam[header.index("jaar begroting")] == "69000"


def test_make_check_checks_every_book_warns_about_unreviewed_entries_and_then_fails(tmp_path):
    budget, actual = copy_books(tmp_path, ACTUALS)
    # Both books broken: make check reports both, not only the first.
    budget.write_text(budget.read_text(encoding="utf-8") + "\n2022-13-01 kapot\n", encoding="utf-8")
    actual.write_text(actual.read_text(encoding="utf-8") + "\n2022-02-30 ook kapot\n", encoding="utf-8")
    result = subprocess.run(["make", "-s", "check", f"BOOKS={budget} {actual}"], cwd=REPO, capture_output=True,
                            text=True, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"make check: {budget} has errors" in out and f"make check: {actual} has errors" in out
    assert (f"warning: {actual}: 2 boeking(en) nog niet gecontroleerd (vlag ! of op Passiva:NogTeRubriceren), "
            "per saldo € (3.214,45)") in out
    assert "Traceback" not in out


def test_make_check_on_the_shipped_books_is_clean():
    result = subprocess.run(["make", "-s", "check"], cwd=REPO, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stderr) == (0, "")


def test_unreviewed_command_on_a_missing_book():
    result = run("-m", "report.unreviewed", "geen.beancount")
    assert (result.returncode, result.stderr) == (1, "error: geen.beancount: ledger file not found\n")
    assert BIN.exists()


def test_spending_in_another_currency_is_named_by_the_report_not_ignored(tmp_path):
    _, actual = copy_books(tmp_path, """
2022-01-01 open Activa:Dollarrekening
2022-03-01 * "Reis" "Conferentie in dollars"
  Uitgaven:ExternAdvies  50000 USD
  Activa:Dollarrekening
""")
    accounts = tmp_path / "ledger" / "rekeningen.beancount"  # the expense account opened without a currency
    text = accounts.read_text(encoding="utf-8")
    accounts.write_text(text.replace("open Uitgaven:ExternAdvies             EUR", "open Uitgaven:ExternAdvies"),
                        encoding="utf-8")
    result = run("-m", "report.variance", actual)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert ("1 boeking(en) op begrotingsregels in een andere valuta dan de begroting tellen niet mee, bijvoorbeeld "
            "50000 USD op Uitgaven:ExternAdvies") in result.stdout
    assert "the budget of this line is in EUR" in result.stderr  # bean-check's error, named in the warning
