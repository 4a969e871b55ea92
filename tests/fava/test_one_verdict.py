"""One verdict everywhere: what bean-check (plugins.budget_guard) reports as over budget is exactly
what the Begroting page's rows and report.variance's rows (text and CSV) mark, and nothing else.

Property-based: hypothesis generates a budget book and an actual book (expense and income
lines, spending spread over the quarters, the guard's tolerance, tolerance_percent and
per_quarter, board approvals as custom entries and as metadata, entries flagged `!`), loads
the actual book as bean-check does and compares the three sets of (line, quarter) marked
over budget. An approved overrun is marked in no column.
"""

import csv
import io
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fava_begroting.view import JournalLinks, variance_rows
from plugins.errors import OverrunError
from report.variance import load_books
from report.variance_model import Mark, variance_report
from report.variance_text import render_csv, text_rows

OPTIONS = """\
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
"""

money = st.integers(min_value=0, max_value=40).map(lambda n: Decimal(n * 25))
quarters4 = st.tuples(money, money, money, money)
spending = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 28), money, st.booleans()), max_size=8)
approval = st.tuples(st.integers(1, 12), st.integers(1, 30).map(lambda n: Decimal(n * 10)), st.booleans())
expense_line = st.tuples(quarters4, spending, st.lists(approval, max_size=2))
income_line = st.tuples(quarters4, st.booleans(), spending)
config = st.fixed_dictionaries({"tolerance": st.sampled_from([0, 0, 25, 100.5]),
                                "tolerance_percent": st.sampled_from([0, 0, 5, 12.5]),
                                "per_quarter": st.booleans()})


def write_books(folder: Path, expenses, incomes, guard) -> Path:
    budget = [OPTIONS, "2022-01-01 open Activa:GeplandeLiquiditeit"]
    actual = [OPTIONS, f'plugin "plugins.budget_guard" "{ {"budget": "begroting.beancount", **guard} }"',
              "2022-01-01 open Activa:Bank EUR", "2022-01-01 open Passiva:NogTeRubriceren EUR"]
    lines = [(f"Uitgaven:U{n}", q, s, a, None) for n, (q, s, a) in enumerate(expenses)]
    lines += [(f"Inkomsten:I{n}", q, s, [], c) for n, (q, c, s) in enumerate(incomes)]
    for account, budgets, spent, approvals, committed in lines:
        budget.append(f'2022-01-01 open {account}\n  label: "{account}"')
        actual.append(f"2022-01-01 open {account} EUR")
        sign = -1 if committed is not None else 1
        for quarter, amount in enumerate(budgets, start=1):
            tags = f"#Q{quarter}" + ("" if committed is None else (" #toegezegd" if committed else " #niet-toegezegd"))
            budget.append(f'2022-{3 * quarter - 2:02d}-01 * "begroot" {tags}\n  {account}  {sign * amount} EUR\n'
                          "  Activa:GeplandeLiquiditeit")
        for index, (quarter, day, amount, flagged) in enumerate(spent):
            approved_here = approvals and index == 0 and approvals[0][2]
            meta = '\n  bestuursbesluit: "Besluit bij de boeking"' if approved_here else ""
            other = "Passiva:NogTeRubriceren" if flagged else "Activa:Bank"
            actual.append(f'2022-{3 * quarter - 2:02d}-{day:02d} {"!" if flagged else "*"} "uitgave"{meta}\n'
                          f"  {account}  {sign * amount} EUR\n  {other}")
        for month, amount, _ in approvals:
            actual.append(f'2022-{month:02d}-15 custom "overschrijding-goedgekeurd" {account} {amount} EUR '
                          f'"Besluit {month}"')
    (folder / "begroting.beancount").write_text("\n\n".join(budget) + "\n", encoding="utf-8")
    (folder / "boekhouding.beancount").write_text("\n\n".join(actual) + "\n", encoding="utf-8")
    return folder / "boekhouding.beancount"


GUARD_MESSAGE = re.compile(r"^(Uitgaven:\S+) .* is over budget (?:year to date at the end of|in) Q(\d)")


def guard_verdicts(book: Path) -> set[tuple[str, int]]:
    _, errors, _ = loader.load_file(str(book))
    found = set()
    for error in errors:
        assert isinstance(error, OverrunError), error.message  # the generated books are otherwise sound
        match = GUARD_MESSAGE.match(error.message)
        assert match, error.message
        found.add((match.group(1), int(match.group(2))))
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(expense_line, min_size=1, max_size=3), st.lists(income_line, max_size=2), config)
def test_bean_check_the_page_and_the_report_mark_the_same_overruns(expenses, incomes, guard):
    with tempfile.TemporaryDirectory() as folder:
        book = write_books(Path(folder), expenses, incomes, guard)
        guard_found = guard_verdicts(book)
        _, entries, options, budget, policy = load_books(str(book))
        report = variance_report(budget, entries, options, policy)

    # The page's rows: per quarter four cells (begroting, realisatie, verschil, %), then the year's five.
    page_rows = variance_rows(report, JournalLinks(report.year, "Inkomsten", "Uitgaven", None, None))
    page_found = {(row.account, q) for row in page_rows if row.account and row.account.startswith("Uitgaven:")
                  for q in (1, 2, 3, 4) if row.cells[4 * (q - 1) + 2].css == Mark.OVER}
    # report.variance's rows per quarter: ' !' marks an expense line over budget.
    text_found = set()
    for q in (1, 2, 3, 4):
        rows, _ = text_rows(report, q)
        accounts = [row.account for row in report.rows]
        text_found |= {(account, q) for account, row in zip(accounts, rows, strict=True)
                       if account and account.startswith("Uitgaven:") and row.note.endswith(" !")}
    csv_rows = list(csv.reader(io.StringIO(render_csv(report)), delimiter=";"))
    header = csv_rows[0]
    csv_found = {(row[2], q) for row in csv_rows[1:] if row[0] == "regel" and row[2].startswith("Uitgaven:")
                 for q in (1, 2, 3, 4) if row[header.index(f"Q{q} markering")] == "overschreden"}

    assert page_found == text_found == csv_found == guard_found == report.over_budget()
    # A line bean-check passes shows no red mark in any column, the year's included.
    for row in page_rows:
        if row.account and not any(account == row.account for account, _ in guard_found):
            assert all(cell.css != Mark.OVER for cell in row.cells), row.label
