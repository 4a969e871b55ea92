"""Rendering table rows as aligned text (Dutch number format) or as CSV for a spreadsheet."""

import csv
import io

from report.budget_table import AMOUNT_COLUMNS, HEADINGS, TableRow, yes_no
from report.dutch_format import format_euro

INDENT = {"sectie": 0, "groep": 0, "regel": 2, "totaal": 0, "resultaat": 0, "toegezegd": 2}


def render_text(rows: list[TableRow], headings: tuple[str, ...] = HEADINGS, missing: str = "") -> str:
    """The table as aligned text; the first section heading carries the column headings.

    The last heading is a text column (row.committed as ja/nee, or row.note); missing amounts show as `missing`.
    """
    cells = []
    headed = False
    for row in rows:
        label = " " * INDENT.get(row.kind, 0) + row.label
        if row.kind == "sectie" and not headed:
            cells.append([label, *headings])
            headed = True
        elif row.amounts:
            cells.append([label, *(missing if value is None else format_euro(value) for value in row.amounts),
                          row.note or yes_no(row.committed)])
        else:
            cells.append([label])
    width = max(len(cell[0]) for cell in cells)
    widths = [max((len(c[i]) for c in cells if len(c) > i), default=0) for i in range(len(headings) + 1)]
    lines = []
    for cell in cells:
        if len(cell) == 1:
            lines.append(cell[0])
            continue
        numbers = "  ".join(value.rjust(max(widths[i + 1], 7)) for i, value in enumerate(cell[1:-1]))
        lines.append(f"{cell[0].ljust(width)}  {numbers}  {cell[-1]}".rstrip())
    return "\n".join(lines) + "\n"


def render_csv(rows: list[TableRow]) -> str:
    """The same rows as CSV (';'-separated, plain numbers) for a Dutch spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["soort", "omschrijving", *HEADINGS, "rekening"])
    for row in rows:
        amounts = [("" if value is None else str(value)) for value in row.amounts] or [""] * len(AMOUNT_COLUMNS)
        writer.writerow([str(row.kind), row.label, *amounts, row.note or yes_no(row.committed), row.account or ""])
    return out.getvalue()
