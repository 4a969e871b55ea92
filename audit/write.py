"""Rendering the auditors' pack: one text file with every section, one CSV file per section."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from os import path

from audit.pack import Section, Value
from books.write import replace_file
from report.dutch_format import format_euro


def text_value(value: Value) -> str:
    """A value for the text pack: Dutch amounts (1.234,50), dates as YYYY-MM-DD, '—' for nothing."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format_euro(value, 0 if value == value.to_integral_value() else 2)
    return str(value)


def csv_value(value: Value) -> str:
    """A value for the CSV files: plain numbers (1234.50), as the other CSV exports."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, datetime.date)):
        return str(value)
    return value


def render_text(sections: list[Section], book: str, threshold: Decimal, today: datetime.date) -> str:
    """The whole pack as aligned plain-text tables."""
    out = [f"Kascontrole — {book}", f"Gemaakt op {today}; drempel voor bewijsstukken {threshold} EUR.", ""]
    out.append("Samenvatting:")
    for section in sections:
        out.append(f"  {section.title}: {section.findings} om na te kijken")
    for section in sections:
        out += ["", section.title, "=" * len(section.title), f"Bron: {section.source}"]
        if section.rows:
            table = [section.columns] + [[text_value(v) for v in row] for row in section.rows]
            widths = [max(len(row[i]) for row in table) for i in range(len(section.columns))]
            for number, row in enumerate(table):
                out.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
                if number == 0:
                    out.append("  ".join("-" * width for width in widths))
        else:
            out.append("(geen)")
        out += [f"* {note}" for note in section.notes]
    return "\n".join(out) + "\n"


def render_csv(section: Section) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(section.columns)
    writer.writerows([[csv_value(v) for v in row] for row in section.rows])
    return buffer.getvalue()


def write_pack(sections: list[Section], folder: str, book: str, threshold: Decimal,
               today: datetime.date) -> list[str]:
    """Write kascontrole.txt and one CSV per section into folder; return the files written."""
    written = [path.join(folder, "kascontrole.txt")]
    replace_file(written[0], render_text(sections, book, threshold, today))
    for section in sections:
        written.append(path.join(folder, f"{section.name}.csv"))
        replace_file(written[-1], render_csv(section))
    return written
