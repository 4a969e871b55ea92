"""The budget table in the seed's layout: INKOMSTEN by group and line, UITGAVEN by line, columns
Q1..Q4, Totaal, Toegezegd, the TOTAAL rows and the RESULTAAT row; after it the committed-income summary.

Two readings of the same table, held equal by a property-based test on generated books
(tests/test_budget_readings.py): `budget_table` / `commitment_rows` run the query files in
queries/ (what `make report`, bean-query and Fava's Query page show), and
`model_table` / `model_commitment_rows` build it from the budget model's lines
(plugins.budget_model), which the Begroting page and report.variance read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from plugins.budget_model import QUARTERS, ZERO, BudgetLine
from report.queries import QUERY_DIR, run_query

AMOUNT_COLUMNS = ("q1", "q2", "q3", "q4", "totaal")
HEADINGS = ("Q1", "Q2", "Q3", "Q4", "Totaal", "Toegezegd")
COMMITTED_LABEL = {True: "inkomsten toegezegd", False: "inkomsten niet toegezegd"}
COMMITTED_RESULT = "RESULTAAT (alleen toegezegd)"


class RowKind(StrEnum):
    """The kinds of rows of the budget table and the variance report; the values are the page's CSS classes."""

    SECTION = "sectie"
    GROUP = "groep"
    LINE = "regel"
    TOTAL = "totaal"
    RESULT = "resultaat"
    COMMITTED = "toegezegd"


def yes_no(committed: bool | None) -> str:
    """The Toegezegd column: 'ja', 'nee', or '' for a line without commitment (expenses)."""
    return "" if committed is None else ("ja" if committed else "nee")


@dataclass(frozen=True)
class TableRow:
    """One row of the table.

    amounts holds Q1..Q4 and Totaal, or is empty for heading rows. committed: for an
    income line True when every budget entry is #toegezegd, False otherwise; None elsewhere.
    """

    kind: RowKind
    label: str
    amounts: tuple[Decimal | None, ...] = ()
    committed: bool | None = None
    account: str | None = None
    note: str = ""  # a text for the last column instead of ja/nee (report.variance's marks)


def _amounts(row: dict | None) -> tuple[Decimal | None, ...]:
    if row is None:
        return (None,) * len(AMOUNT_COLUMNS)
    return tuple(row[column] for column in AMOUNT_COLUMNS)


def _committed(text: str | None) -> bool | None:
    return {"ja": True, "nee": False}.get(text or "")


def budget_table(entries: list, options: dict, query_dir: Path = QUERY_DIR) -> list[TableRow]:
    """The seed's table from the query files: sections, groups, lines, TOTAAL per section and RESULTAAT."""
    lines = run_query(entries, options, "begrotingstabel", query_dir)
    totals = {row["sectie"]: row for row in run_query(entries, options, "totalen", query_dir)}
    result = run_query(entries, options, "resultaat", query_dir)
    rows: list[TableRow] = []
    for section in (options["name_income"], options["name_expenses"]):
        rows.append(TableRow(RowKind.SECTION, section.upper()))
        group = None
        for line in (line for line in lines if line["sectie"] == section):
            if line["groep"] and line["groep"] != group:
                group = line["groep"]
                rows.append(TableRow(RowKind.GROUP, group))
            rows.append(TableRow(RowKind.LINE, line["omschrijving"] or line["rekening"], _amounts(line),
                                 _committed(line["toegezegd"]), line["rekening"]))
        rows.append(TableRow(RowKind.TOTAL, "TOTAAL", _amounts(totals.get(section))))
    rows.append(TableRow(RowKind.RESULT, "RESULTAAT", _amounts(result[0] if result else None)))
    return rows


def commitment_rows(entries: list, options: dict, query_dir: Path = QUERY_DIR) -> list[TableRow]:
    """From the query files: committed versus uncommitted income, and the result if only committed income comes in."""
    labels = {"toegezegd": COMMITTED_LABEL[True], "niet-toegezegd": COMMITTED_LABEL[False]}
    rows = [TableRow(RowKind.SECTION, "TOEGEZEGD")]
    for row in run_query(entries, options, "toegezegde-inkomsten", query_dir):
        rows.append(TableRow(RowKind.COMMITTED, labels.get(row["status"], str(row["status"])), _amounts(row)))
    for row in run_query(entries, options, "resultaat-toegezegd", query_dir):
        rows.append(TableRow(RowKind.RESULT, row["regel"], _amounts(row)))
    return rows


# ---------------------------------------------------------------- the same table from the budget model


def _year(quarters: Mapping[int, Decimal]) -> tuple[Decimal | None, ...]:
    values = tuple(quarters.get(q, ZERO) for q in QUARTERS)
    return (*values, sum(values, ZERO))


def _sum(lines: list[BudgetLine]) -> tuple[Decimal | None, ...]:
    if not lines:
        return (None,) * len(AMOUNT_COLUMNS)
    return _year({q: sum((line.quarters[q] for line in lines), ZERO) for q in QUARTERS})


def model_table(lines: Mapping[str, BudgetLine], options: Mapping[str, Any]) -> list[TableRow]:
    """The seed's table from the budget model's lines: the same rows as budget_table."""
    rows: list[TableRow] = []
    by_section = {True: [line for line in lines.values() if line.income],
                  False: [line for line in lines.values() if not line.income]}
    for section, income in ((options["name_income"], True), (options["name_expenses"], False)):
        rows.append(TableRow(RowKind.SECTION, section.upper()))
        group = None
        for line in by_section[income]:
            if line.group and line.group != group:
                group = line.group
                rows.append(TableRow(RowKind.GROUP, group))
            rows.append(TableRow(RowKind.LINE, line.label, _year(line.quarters), line.committed, line.account))
        rows.append(TableRow(RowKind.TOTAL, "TOTAAL", _sum(by_section[income])))
    income_total, expenses_total = _sum(by_section[True]), _sum(by_section[False])
    result: tuple[Decimal | None, ...]
    if lines:
        result = tuple((i or ZERO) - (e or ZERO) for i, e in zip(income_total, expenses_total, strict=True))
    else:
        result = (None,) * len(AMOUNT_COLUMNS)
    rows.append(TableRow(RowKind.RESULT, "RESULTAAT", result))
    return rows


def model_commitment_rows(lines: Mapping[str, BudgetLine]) -> list[TableRow]:
    """From the budget model: the same rows as commitment_rows."""
    rows = [TableRow(RowKind.SECTION, "TOEGEZEGD")]
    income = [line for line in lines.values() if line.income]
    parts = {True: [line.committed_amounts for line in income if line.committed_amounts],
             False: [line.uncommitted_amounts for line in income if line.uncommitted_amounts]}
    for committed in (True, False):
        if parts[committed]:
            total = {q: sum((part.get(q, ZERO) for part in parts[committed]), ZERO) for q in QUARTERS}
            rows.append(TableRow(RowKind.COMMITTED, COMMITTED_LABEL[committed], _year(total)))
    expenses = [line for line in lines.values() if not line.income]
    if parts[True] or expenses:
        result = {q: sum((part.get(q, ZERO) for part in parts[True]), ZERO)
                  - sum((line.quarters[q] for line in expenses), ZERO) for q in QUARTERS}
        rows.append(TableRow(RowKind.RESULT, COMMITTED_RESULT, _year(result)))
    return rows
