"""The budget book matches the seed: bean-check is clean and every shipped query gives the seed's figures.

The figures are asserted by running the shipped query files, through the real
`bean-query` command and through beanquery's Python API, against the copy of the
seed's table in tests/data/begroting-2022.tsv.
"""

import csv
import io
import subprocess
from decimal import Decimal

import pytest
from beancount import loader

from seed_data import BIN, BUDGET_BOOK, ACTUAL_BOOK
from report.queries import QUERY_DIR, run_query

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
COLUMNS = ("q1", "q2", "q3", "q4", "totaal")


def bean_query_csv(ledger, text):
    """Run a query through the real bean-query command; rows as dicts (CSV output)."""
    proc = subprocess.run([BIN / "bean-query", "-f", "csv", str(ledger), text],
                          capture_output=True, text=True, check=True)
    return list(csv.DictReader(io.StringIO(proc.stdout)))


@pytest.fixture(scope="module")
def budget():
    entries, errors, options = loader.load_file(str(BUDGET_BOOK))
    assert errors == []
    return entries, options


def seed_row(seed_table, sectie, regel=""):
    [row] = [r for r in seed_table if r["sectie"] == sectie and r["regel"] == regel]
    return row


@pytest.mark.parametrize("book", [BUDGET_BOOK, ACTUAL_BOOK], ids=["begroting", "boekhouding"])
def test_bean_check_prints_nothing_and_exits_zero(book):
    proc = subprocess.run([BIN / "bean-check", str(book)], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_book_has_every_seed_line_once_with_its_label(budget, seed_lines):
    entries, options = budget
    rows = run_query(entries, options, "begrotingstabel")
    assert [(r["sectie"], r["omschrijving"]) for r in rows] == [
        ("Inkomsten" if s["sectie"] == "INKOMSTEN" else "Uitgaven", s["regel"]) for s in seed_lines]
    assert sum(r["sectie"] == "Inkomsten" for r in rows) == 14
    assert sum(r["sectie"] == "Uitgaven" for r in rows) == 16


def test_one_transaction_per_line_per_nonzero_quarter(budget, seed_lines):
    entries, _ = budget
    txns = [e for e in entries if type(e).__name__ == "Transaction"]
    expected = sum(1 for row in seed_lines for q in QUARTERS if row[q])
    assert len(txns) == expected
    for txn in txns:
        assert len(txn.tags & set(QUARTERS)) == 1, txn.meta
        quarter = f"Q{(txn.date.month - 1) // 3 + 1}"
        assert quarter in txn.tags, txn.meta
        if any(p.account.startswith("Inkomsten:") for p in txn.postings):
            assert len(txn.tags & {"toegezegd", "niet-toegezegd"}) == 1, txn.meta


def test_budget_table_query_gives_every_line_of_the_seed_through_the_api(budget, seed_lines):
    entries, options = budget
    rows = run_query(entries, options, "begrotingstabel")
    for row, seed in zip(rows, seed_lines, strict=True):
        assert row["omschrijving"] == seed["regel"]
        assert [row[c] for c in COLUMNS] == [seed[q] for q in (*QUARTERS, "totaal")], seed["regel"]
        assert (row["toegezegd"] or "") == seed["toegezegd"], seed["regel"]
        assert (row["groep"] or "") == seed["groep"], seed["regel"]


def test_budget_table_query_gives_every_line_of_the_seed_through_bean_query(seed_lines):
    text = (QUERY_DIR / "begrotingstabel.bql").read_text()
    rows = bean_query_csv(BUDGET_BOOK, text)
    assert len(rows) == len(seed_lines)
    for row, seed in zip(rows, seed_lines, strict=True):
        assert row["omschrijving"].strip() == seed["regel"]
        assert [Decimal(row[c]) for c in COLUMNS] == [seed[q] for q in (*QUARTERS, "totaal")], seed["regel"]
        assert row["toegezegd"].strip() == seed["toegezegd"], seed["regel"]


def test_totals_query_gives_the_seed_totaal_rows(budget, seed_table):
    entries, options = budget
    via_api = {r["sectie"]: [r[c] for c in COLUMNS] for r in run_query(entries, options, "totalen")}
    via_cli = {r["sectie"].strip(): [Decimal(r[c]) for c in COLUMNS]
               for r in bean_query_csv(BUDGET_BOOK, (QUERY_DIR / "totalen.bql").read_text())}
    for sectie, section in (("Inkomsten", "INKOMSTEN"), ("Uitgaven", "UITGAVEN")):
        seed = seed_row(seed_table, section, "")
        expected = [seed[q] for q in (*QUARTERS, "totaal")]
        assert via_api[sectie] == expected
        assert via_cli[sectie] == expected


def test_result_query_gives_the_seed_resultaat_row(budget, seed_table):
    entries, options = budget
    seed = seed_row(seed_table, "RESULTAAT")
    expected = [seed[q] for q in (*QUARTERS, "totaal")]
    [via_api] = run_query(entries, options, "resultaat")
    [via_cli] = bean_query_csv(BUDGET_BOOK, (QUERY_DIR / "resultaat.bql").read_text())
    assert [via_api[c] for c in COLUMNS] == expected
    assert [Decimal(via_cli[c]) for c in COLUMNS] == expected
    assert expected == [Decimal(x) for x in ("53566", "-36840", "-29707", "-27840", "-40821")]


def test_committed_income_query_splits_income_as_the_seed_toegezegd_column(budget, seed_lines):
    entries, options = budget
    rows = {r["status"]: [r[c] for c in COLUMNS] for r in run_query(entries, options, "toegezegde-inkomsten")}
    for status, flag in (("toegezegd", "ja"), ("niet-toegezegd", "nee")):
        lines = [s for s in seed_lines if s["sectie"] == "INKOMSTEN" and s["toegezegd"] == flag]
        assert rows[status] == [sum(s[q] for s in lines) for q in (*QUARTERS, "totaal")]


def test_result_with_committed_income_only_leaves_out_uncommitted_income(budget, seed_lines):
    entries, options = budget
    [row] = run_query(entries, options, "resultaat-toegezegd")
    for i, q in enumerate((*QUARTERS, "totaal")):
        income = sum(s[q] for s in seed_lines if s["sectie"] == "INKOMSTEN" and s["toegezegd"] == "ja")
        expenses = sum(s[q] for s in seed_lines if s["sectie"] == "UITGAVEN")
        assert row[COLUMNS[i]] == income - expenses


@pytest.mark.parametrize("book", [BUDGET_BOOK, ACTUAL_BOOK], ids=["begroting", "boekhouding"])
@pytest.mark.parametrize("query_file", sorted(QUERY_DIR.glob("*.bql")), ids=lambda p: p.stem)
def test_every_query_file_runs_through_bean_query_without_error(book, query_file):
    proc = subprocess.run([BIN / "bean-query", "-f", "csv", str(book), query_file.read_text()],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.strip(), "the query printed nothing (does the file start with SELECT?)"


def test_every_query_file_opens_with_a_header_comment_and_a_short_name():
    for query_file in QUERY_DIR.glob("*.bql"):
        text = query_file.read_text()
        assert text.split()[0] == "SELECT", query_file
        assert text.split(None, 1)[1].startswith("/*"), query_file
        assert len(query_file.stem) < 25, query_file


def test_named_queries_run_from_the_ledger_with_bean_query_run():
    proc = subprocess.run([BIN / "bean-query", str(BUDGET_BOOK), ".run resultaat"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "RESULTAAT" in proc.stdout and "-40821" in proc.stdout
