"""The budget table in the seed's layout, built from the query files at run time.

INKOMSTEN by group and line, UITGAVEN by line, columns Q1..Q4, Totaal, Toegezegd,
the TOTAAL rows and the RESULTAAT row; after it the committed-income summary.
"""

from dataclasses import dataclass
from decimal import Decimal

from pathlib import Path

from report.queries import QUERY_DIR, run_query

AMOUNT_COLUMNS = ("q1", "q2", "q3", "q4", "totaal")
HEADINGS = ("Q1", "Q2", "Q3", "Q4", "Totaal", "Toegezegd")


@dataclass(frozen=True)
class TableRow:
    """One row of the table.

    kind is one of: sectie, groep, regel, totaal, resultaat, toegezegd.
    amounts holds Q1..Q4 and Totaal, or is empty for heading rows.
    """

    kind: str
    label: str
    amounts: tuple[Decimal | None, ...] = ()
    toegezegd: str = ""
    account: str | None = None


def _amounts(row: dict | None) -> tuple[Decimal | None, ...]:
    if row is None:
        return (None,) * len(AMOUNT_COLUMNS)
    return tuple(row[column] for column in AMOUNT_COLUMNS)


def budget_table(entries: list, options: dict, query_dir: Path = QUERY_DIR) -> list[TableRow]:
    """The seed's table: sections, groups, lines, TOTAAL per section and RESULTAAT."""
    lines = run_query(entries, options, "begrotingstabel", query_dir)
    totals = {row["sectie"]: row for row in run_query(entries, options, "totalen", query_dir)}
    result = run_query(entries, options, "resultaat", query_dir)
    rows: list[TableRow] = []
    for section in (options["name_income"], options["name_expenses"]):
        rows.append(TableRow("sectie", section.upper()))
        group = None
        for line in (line for line in lines if line["sectie"] == section):
            if line["groep"] and line["groep"] != group:
                group = line["groep"]
                rows.append(TableRow("groep", group))
            rows.append(TableRow("regel", line["omschrijving"] or line["rekening"], _amounts(line),
                                 line["toegezegd"] or "", line["rekening"]))
        rows.append(TableRow("totaal", "TOTAAL", _amounts(totals.get(section))))
    rows.append(TableRow("resultaat", "RESULTAAT", _amounts(result[0] if result else None)))
    return rows


def commitment_rows(entries: list, options: dict, query_dir: Path = QUERY_DIR) -> list[TableRow]:
    """Committed versus uncommitted income, and the result if only committed income comes in."""
    labels = {"toegezegd": "inkomsten toegezegd", "niet-toegezegd": "inkomsten niet toegezegd"}
    rows = [TableRow("sectie", "TOEGEZEGD")]
    for row in run_query(entries, options, "toegezegde-inkomsten", query_dir):
        rows.append(TableRow("toegezegd", labels.get(row["status"], str(row["status"])), _amounts(row)))
    for row in run_query(entries, options, "resultaat-toegezegd", query_dir):
        rows.append(TableRow("resultaat", row["regel"], _amounts(row)))
    return rows
