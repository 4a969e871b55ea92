"""`make report` prints the seed's table row for row; bad input gives one clear message.

The expected lines are the seed's table (tests/data/begroting-2022.tsv) written in the
seed's own number format; the report computes its figures from the ledger at run time.
"""

import csv
import shutil
import subprocess
import sys
from decimal import Decimal


from seed_data import BUDGET_BOOK, REPO
from report.queries import QUERY_DIR

AMOUNTS = ("Q1", "Q2", "Q3", "Q4", "totaal")


def dutch(number: Decimal) -> str:
    """The seed's number format, written out independently of the code under test."""
    text = f"{abs(int(number)):,}".replace(",", ".")
    return f"({text})" if number < 0 else text


def run_report(*args):
    return subprocess.run([sys.executable, "-m", "report", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO)


def expected_rows(seed_table):
    """(label, amounts, toegezegd) per printed row of the seed's table, in its order."""
    rows = [("INKOMSTEN", ["Q1", "Q2", "Q3", "Q4", "Totaal", "Toegezegd"], "")]
    group = None
    for row in seed_table:
        amounts = [dutch(row[a]) for a in AMOUNTS]
        if not row["regel"]:
            rows.append(("RESULTAAT" if row["sectie"] == "RESULTAAT" else "TOTAAL", amounts, ""))
            continue
        heading = row["groep"] or row["sectie"]
        if heading != group:
            rows.append((heading, [], ""))
            group = heading
        rows.append((row["regel"], amounts, row["toegezegd"]))
    return rows


def parse_line(line, labels):
    """Split a printed line into (label, amounts, toegezegd) using the known labels."""
    label = max((candidate for candidate in labels if line.strip().startswith(candidate)), key=len)
    cells = line.strip()[len(label):].split()
    flag = cells.pop() if cells and cells[-1] in ("ja", "nee") else ""
    return label, cells, flag


def test_make_report_prints_the_seed_table_row_for_row(seed_table):
    proc = subprocess.run(["make", "-s", "report"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    expected = expected_rows(seed_table)
    printed = proc.stdout.split("\n\n")[0].strip("\n").splitlines()
    labels = {label for label, _, _ in expected}
    assert [parse_line(line, labels) for line in printed] == expected


def test_report_prints_committed_income_and_the_result_without_uncommitted_income(seed_table):
    proc = run_report(BUDGET_BOOK)
    summary = proc.stdout.split("\n\n")[1].splitlines()
    lines = [s for s in seed_table if s["regel"]]
    committed = [sum(s[a] for s in lines if s["sectie"] == "INKOMSTEN" and s["toegezegd"] == "ja") for a in AMOUNTS]
    uncommitted = [sum(s[a] for s in lines if s["sectie"] == "INKOMSTEN" and s["toegezegd"] == "nee") for a in AMOUNTS]
    expenses = [sum(s[a] for s in lines if s["sectie"] == "UITGAVEN") for a in AMOUNTS]
    labels = {"inkomsten toegezegd", "inkomsten niet toegezegd", "RESULTAAT (alleen toegezegd)"}
    assert [parse_line(line, labels)[:2] for line in summary[1:]] == [
        ("inkomsten toegezegd", [dutch(x) for x in committed]),
        ("inkomsten niet toegezegd", [dutch(x) for x in uncommitted]),
        ("RESULTAAT (alleen toegezegd)", [dutch(c - e) for c, e in zip(committed, expenses, strict=True)]),
    ]


def test_report_csv_holds_the_same_table_with_plain_numbers(tmp_path, seed_table):
    out = tmp_path / "begroting.csv"
    proc = run_report(BUDGET_BOOK, "--csv", out)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8"), delimiter=";"))
    lines = {r["omschrijving"]: r for r in rows if r["soort"] == "regel"}
    for seed in (s for s in seed_table if s["regel"]):
        row = lines[seed["regel"]]
        assert [Decimal(row[c]) for c in ("Q1", "Q2", "Q3", "Q4", "Totaal")] == [seed[a] for a in AMOUNTS]
        assert row["Toegezegd"] == seed["toegezegd"]
    [result] = [r for r in rows if r["omschrijving"] == "RESULTAAT"]
    [seed_result] = [s for s in seed_table if s["sectie"] == "RESULTAAT"]
    assert Decimal(result["Totaal"]) == seed_result["totaal"]


def assert_one_clear_error(proc, *fragments):
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr


def test_missing_ledger_gives_one_message_naming_the_file(tmp_path):
    missing = tmp_path / "geen-boek.beancount"
    assert_one_clear_error(run_report(missing), str(missing), "not found")


def test_ledger_with_a_syntax_error_gives_one_message_with_file_and_line(tmp_path):
    book = tmp_path / "kapot.beancount"
    book.write_text('option "name_income" "Inkomsten"\n\n2022-01-01 open Inkomsten:Iets EUR\n2022-01-0x * "kapot"\n')
    assert_one_clear_error(run_report(book), f"{book}:4")


def test_query_file_that_does_not_parse_gives_one_message_naming_it_and_writes_nothing(tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(QUERY_DIR, queries)
    (queries / "totalen.bql").write_text("SELECT sum(number FROM\n")
    out = tmp_path / "out.csv"
    proc = run_report(BUDGET_BOOK, "--queries", queries, "--csv", out)
    assert_one_clear_error(proc, str(queries / "totalen.bql"), "does not parse")
    assert not out.exists()


def test_query_file_that_does_not_compile_names_it(tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(QUERY_DIR, queries)
    (queries / "resultaat.bql").write_text("SELECT geen_functie(number)\n")
    assert_one_clear_error(run_report(BUDGET_BOOK, "--queries", queries), str(queries / "resultaat.bql"))
