"""report.income_watch (`make inkomsten`): uncommitted income received, committed income missing."""

import datetime
import subprocess
import textwrap
from pathlib import Path

import pytest

from report.errors import ReportError
from report.income_watch import income_watch, main

REPO = Path(__file__).resolve().parent.parent

BUDGET = textwrap.dedent("""\
    option "name_assets" "Activa"
    option "name_income" "Inkomsten"
    option "name_expenses" "Uitgaven"
    2022-01-01 open Activa:GeplandeLiquiditeit
    2022-01-01 open Inkomsten:Contributies
      label: "individuele leden"
      regel: 1
    2022-01-01 open Inkomsten:Fonds
      label: "Tulpenfonds"
      regel: 2
    2022-01-01 open Inkomsten:Deuglat
      label: "deuglat"
      regel: 3
    2022-01-01 open Uitgaven:Festival
      label: "Festival"
      regel: 4
    2022-01-01 * "individuele leden" #Q1 #toegezegd
      Inkomsten:Contributies  -6768 EUR
      Activa:GeplandeLiquiditeit
    2022-07-01 * "Tulpenfonds" #Q3 #toegezegd
      Inkomsten:Fonds  -10000 EUR
      Activa:GeplandeLiquiditeit
    2022-01-01 * "deuglat" #Q1 #niet-toegezegd
      Inkomsten:Deuglat  -750 EUR
      Activa:GeplandeLiquiditeit
    2022-04-01 * "deuglat" #Q2 #niet-toegezegd
      Inkomsten:Deuglat  -750 EUR
      Activa:GeplandeLiquiditeit
    2022-01-01 * "Festival" #Q1
      Uitgaven:Festival  1000 EUR
      Activa:GeplandeLiquiditeit
""")

ACTUAL = textwrap.dedent("""\
    option "title" "Boekhouding test"
    option "name_assets" "Activa"
    option "name_income" "Inkomsten"
    option "name_expenses" "Uitgaven"
    plugin "plugins.budget_guard" "{'budget': 'begroting.beancount'}"
    2022-01-01 open Activa:Bank EUR
    2022-01-01 open Inkomsten:Contributies EUR
    2022-01-01 open Inkomsten:Fonds EUR
    2022-01-01 open Inkomsten:Deuglat EUR
    2022-01-01 open Uitgaven:Festival EUR
    2022-02-01 * "contributies"
      Inkomsten:Contributies  -5000 EUR
      Activa:Bank
    2022-05-01 * "deuglat"
      Inkomsten:Deuglat  -300 EUR
      Activa:Bank
    2022-05-11 * "festival"
      Uitgaven:Festival  1200 EUR
      Activa:Bank
""")


@pytest.fixture
def books(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "begroting.beancount").write_text(BUDGET)
    (tmp_path / "boekhouding.beancount").write_text(ACTUAL)
    return tmp_path


def test_uncommitted_received_and_committed_missing(books):
    # The festival overrun is a finding of the guard: the report runs and says so.
    assert income_watch("boekhouding.beancount", datetime.date(2022, 6, 30)) == textwrap.dedent("""\
        Inkomsten om op te letten — Boekhouding test — stand per 2022-06-30
        Begroting: begroting.beancount

        Niet-toegezegde inkomsten die toch binnenkwamen
          Regel    Begroot (niet toegezegd)  Ontvangen
          deuglat                     1.500        300

        Toegezegde inkomsten die nog ontbreken (kwartaal voorbij)
          Regel              Verwacht t/m  Verwacht  Ontvangen  Ontbreekt
          individuele leden            Q1     6.768      5.000      1.768

        Let op: bean-check meldt 1 bevinding(en) van de begrotingsbewaking (overschrijdingen of boekingen zonder begrotingsregel): bean-check boekhouding.beancount
        """)  # noqa: E501 (the report's own line, as printed)


def test_nothing_to_watch_before_the_first_quarter_ends(books):
    text = income_watch("boekhouding.beancount", datetime.date(2022, 1, 31))
    assert text.splitlines()[3:8] == [
        "Niet-toegezegde inkomsten die toch binnenkwamen", "  (geen)", "",
        "Toegezegde inkomsten die nog ontbreken (kwartaal voorbij)", "  (geen)"]


def test_committed_income_counts_once_its_quarter_has_ended(books):
    text = income_watch("boekhouding.beancount", datetime.date(2022, 10, 1))
    assert "  Tulpenfonds                  Q3    10.000          0     10.000" in text.splitlines()


def test_ledger_without_guard_is_an_error(books):
    (books / "boekhouding.beancount").write_text(ACTUAL.replace('plugin "plugins.budget_guard"', "; plugin"))
    with pytest.raises(ReportError, match='no plugin "plugins.budget_guard" line names the budget book'):
        income_watch("boekhouding.beancount", datetime.date(2022, 6, 30))


def test_ledger_with_other_errors_is_an_error(books):
    (books / "boekhouding.beancount").write_text(ACTUAL + "2022-06-01 balance Activa:Bank 1 EUR\n")
    with pytest.raises(ReportError, match=r"^boekhouding.beancount: the ledger has errors: .*Balance failed"):
        income_watch("boekhouding.beancount", datetime.date(2022, 6, 30))


def test_main_reports_errors_without_a_traceback(books, capsys):
    assert main(["geen.beancount"]) == 1
    assert capsys.readouterr().err == "error: geen.beancount: ledger file not found\n"


def test_make_inkomsten_on_the_shipped_books():
    result = subprocess.run(["make", "-s", "inkomsten", "DATUM=2022-06-30"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Inkomsten om op te letten — Werkvereniging — Boekhouding 2022 — stand per 2022-06-30"
    assert "Toegezegde inkomsten die nog ontbreken (kwartaal voorbij)" in lines
