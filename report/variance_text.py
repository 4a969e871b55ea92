"""The variance report (report.variance_model) as aligned text and as CSV, Dutch on screen.

Marks in the text: ' !' over budget as bean-check says (or income short), ' goedgekeurd'
for an approved overrun, ' i' for information only (a quarter above its own budget while
the line is within budget by the guard's rule).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from report.budget_table import RowKind, TableRow
from report.dutch_format import dutch_date, format_euro, format_percent
from report.render import render_text
from report.variance_model import Figures, Mark, VarianceReport
from report.variance_notes import unreviewed_text

MARKS = {Mark.NONE: "", Mark.BEHIND: " !", Mark.OVER: " !", Mark.APPROVED: " goedgekeurd", Mark.INFO: " i"}
YEAR_HEADINGS = ("Begroting", "Realisatie", "Prognose", "Verschil", "%")
QUARTER_HEADINGS = ("Begroting", "Realisatie", "Verschil", "Prognose", "%")


def text_rows(report: VarianceReport, quarter: int | None = None) -> tuple[list[TableRow], tuple[str, ...]]:
    """The report as TableRows for report.render: the year, or one quarter."""
    rows = []
    for row in report.rows:
        if row.year is None:
            rows.append(TableRow(row.kind, row.label))
            continue
        f = row.year if quarter is None else row.quarters[quarter - 1]
        amounts = ((f.budget, f.actual, f.forecast, f.variance) if quarter is None
                   else (f.budget, f.actual, f.variance, f.forecast))
        mark = MARKS[report.mark(row, f, quarter)]
        rows.append(TableRow(row.kind, row.label, amounts, note=(format_percent(f.percent) or "—") + mark))
    return rows, YEAR_HEADINGS if quarter is None else QUARTER_HEADINGS


def summary_lines(report: VarianceReport) -> list[tuple[str, Decimal | None]]:
    """The year's result, and the income still owed, as (Dutch label, amount)."""
    s, year = report.summary, report.year
    return [(f"Resultaat {year} begroot", s.budget),
            (f"Resultaat {year} prognose", s.forecast),
            ("  toegezegd, nog te ontvangen", s.overdue_committed),
            (f"Resultaat {year} prognose met toegezegd, nog te ontvangen", s.forecast_with_overdue),
            ("  niet-toegezegd en niet ontvangen (telt niet mee)", s.overdue_uncommitted),
            ("Begroot, alleen toegezegde inkomsten", s.committed_budget),
            ("Prognose, alleen toegezegde inkomsten", s.committed_forecast)]


def render_report(report: VarianceReport, quarter: int | None = None) -> str:
    """The report as text: notes, the table (year or one quarter), the result, the approvals."""
    rows, headings = text_rows(report, quarter)
    period = f"{report.year}" if quarter is None else report.quarters[quarter - 1].period
    scope = "jaar: verschil = prognose - begroting" if quarter is None else \
        f"kwartaal, {report.quarters[quarter - 1].status}"
    summary = summary_lines(report)
    width = max(len(label) for label, _ in summary) + 1
    waiting = report.unreviewed
    lines = [f"Begroting tegen realisatie {period} ({scope})", *report.notes, "",
             render_text(rows, headings, missing="—"),
             *(f"{label + ':':<{width}}  {_euro(value):>10}" for label, value in summary),
             *([f"Nog te controleren: {unreviewed_text(waiting.count, waiting.amount, waiting.account)}"]
               if waiting and waiting.count else []),
             "",
             ("! = boven de begroting volgens bean-check (uitgaven) of eronder (inkomsten, resultaat); "
              "i = alleen ter informatie: een kwartaal boven zijn eigen begroting, de regel binnen de begroting"),
             *(f"Goedgekeurd op {dutch_date(a.date)}: {a.account} {format_euro(a.amount)} ({a.decision})"
               for a in report.approvals)]
    return "\n".join(lines) + "\n"


def _euro(value: Decimal | None) -> str:
    return "—" if value is None else format_euro(value)


def _plain(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _figures_cells(report: VarianceReport, row, f: Figures, quarter: int | None) -> list[str]:
    percent = "" if f.percent is None else str(f.percent.quantize(Decimal("0.1")))
    return [_plain(f.budget), _plain(f.actual), _plain(f.variance), percent, _plain(f.forecast),
            str(report.mark(row, f, quarter))]


def render_csv(report: VarianceReport) -> str:
    """Every figure of the report as CSV (';', plain numbers) for a spreadsheet: per row each quarter
    and the year (begroting, realisatie, verschil, procent, prognose, markering), then the summary."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    columns = ["begroting", "realisatie", "verschil", "procent", "prognose", "markering"]
    periods = [q.label for q in report.quarters] + ["jaar"]
    writer.writerow(["soort", "omschrijving", "rekening", "toegezegd",
                     *(f"{period} {column}" for period in periods for column in columns)])
    for row in report.rows:
        if row.year is None:
            writer.writerow([str(row.kind), row.label])
            continue
        cells: list[str] = []
        for number, f in enumerate(row.quarters, start=1):
            cells += _figures_cells(report, row, f, number)
        cells += _figures_cells(report, row, row.year, None)
        committed = "" if row.committed is None else ("ja" if row.committed else "nee")
        writer.writerow([str(row.kind), row.label, row.account or "", committed, *cells])
    for label, value in summary_lines(report):
        writer.writerow([str(RowKind.RESULT), label.strip(), "", "", _plain(value)])
    if report.unreviewed and report.unreviewed.count:
        writer.writerow(["nog-te-controleren", f"{report.unreviewed.count} boeking(en)", report.unreviewed.account, "",
                         _plain(report.unreviewed.amount)])
    return out.getvalue()
