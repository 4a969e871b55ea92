"""What the page shows, cell by cell: Dutch text, a link to the entries, a mark.

Built from the same rows as `make report` (report.budget_table) and the same variance
report as `python -m report.variance` (report.variance); this module only formats them
and adds the links; the only sums here are the chart's running totals of those figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from fava_begroting.chart import Chart, Series, SeriesPoint, layout
from fava_begroting.links import account_pattern, journal_url, section_pattern
from plugins.budget_model import quarter_end
from report.budget_table import HEADINGS, RowKind, TableRow, yes_no
from report.dutch_format import dutch_date, format_euro, format_percent
from report.variance_model import Figures, Mark, Quarter, QuarterStatus, VarianceReport, VarianceRow
from report.variance_notes import unreviewed_text

MISSING = "—"
STATUS: dict[str, str] = {QuarterStatus.CLOSED: "afgesloten",
          QuarterStatus.INCOMPLETE: "onvolledig: nog te controleren",
          QuarterStatus.RUNNING: "loopt nog", QuarterStatus.NOT_STARTED: "nog niet begonnen"}


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    css: str = ""
    title: str = ""


@dataclass(frozen=True)
class Row:
    kind: RowKind
    label: str
    cells: tuple[Cell, ...] = ()
    note: str = ""
    account: str | None = None


@dataclass
class Page:
    title: str
    mode: str  # vergelijking (budget against actuals), begroting (budget only), fout
    # Links outside this prefix go to another book: Fava's router only handles its own book,
    # so the template marks those links data-remote (a plain page load).
    local_prefix: str = "/"
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    budget_link_note: str = ""
    quarters: tuple[Quarter, ...] = ()
    summary: list[tuple[str, Cell, str]] = field(default_factory=list)
    variance: list[Row] = field(default_factory=list)
    adopted: list[Row] = field(default_factory=list)
    adopted_headings: tuple[str, ...] = HEADINGS
    approvals: list[tuple[str, str, str, str]] = field(default_factory=list)  # date, line, amount, decision
    status_text: dict[str, str] = field(default_factory=lambda: dict(STATUS))
    chart: Chart | None = None
    banner: Banner | None = None


@dataclass(frozen=True)
class Banner:
    """Entries nobody has reviewed yet: how many, their net amount, and a link to them in the journal."""

    text: str
    count: int
    amount: str
    href: str | None


@dataclass(frozen=True)
class JournalLinks:
    """Where the figures' links go: the journals of the actual and the budget book."""

    year: int
    income: str
    expenses: str
    actual: str | None  # journal base of the actual book, None when not served
    budget: str | None  # journal base of the budget book, None when not served

    def pattern(self, kind: str, account: str | None, section: str | None) -> str:
        if kind == RowKind.LINE and account:
            return account_pattern(account)
        if kind in (RowKind.TOTAL, RowKind.COMMITTED) and section:
            return section_pattern(section)
        return section_pattern(self.income, self.expenses)


def euro(value: Decimal | None) -> str:
    return MISSING if value is None else format_euro(value)


def percent(value: Decimal | None) -> str:
    return MISSING if value is None else format_percent(value)


# ---------------------------------------------------------------- the adopted table


def adopted_rows(table: list[TableRow], committed: list[TableRow], books: JournalLinks) -> list[Row]:
    """The seed's table (and the committed-income summary), each figure linked to the budget entries."""
    periods = [f"{books.year}-Q{n}" for n in range(1, 5)] + [str(books.year)]
    rows = []
    section = None
    for row in table + committed:
        if row.kind == RowKind.SECTION:
            section = {books.income.upper(): books.income, books.expenses.upper(): books.expenses}.get(row.label)
            rows.append(Row(RowKind.SECTION, row.label))
            continue
        if not row.amounts:
            rows.append(Row(row.kind, row.label))
            continue
        pattern = books.pattern(row.kind, row.account, section)
        if row.kind == RowKind.COMMITTED:
            pattern = section_pattern(books.income)
        tags = _tag_filter(row)
        cells = tuple(
            Cell(euro(value), journal_url(books.budget, pattern, period, tags) if value is not None else None,
                 title=f"{row.label}, {heading}: begroot")
            for value, period, heading in zip(row.amounts, periods, HEADINGS[:len(periods)], strict=True))
        rows.append(Row(row.kind, row.label, cells, yes_no(row.committed), row.account))
    return rows


def _tag_filter(row: TableRow) -> str:
    if row.kind == RowKind.COMMITTED:
        return "#niet-toegezegd" if "niet" in row.label else "#toegezegd"
    if row.kind == RowKind.RESULT and "toegezegd" in row.label:
        return "-#niet-toegezegd"
    return ""


# ---------------------------------------------------------------- budget against actuals


def variance_rows(report: VarianceReport, books: JournalLinks) -> list[Row]:
    """Per quarter begroting, realisatie, verschil, %; for the year begroting, realisatie, prognose, verschil, %."""
    rows = []
    for row in report.rows:
        if row.year is None:
            rows.append(Row(row.kind, row.label))
            continue
        pattern = books.pattern(row.kind, row.account, row.section)
        cells: list[Cell] = []
        for quarter, figures in zip(report.quarters, row.quarters, strict=True):
            cells.extend(_quarter_cells(report, row, quarter, figures, books, pattern))
        cells.extend(_year_cells(report, row, books, pattern))
        decisions = ", ".join(a.decision for a in report.approvals_of(row.account)) if row.account else ""
        note = "niet begroot" if not row.budgeted else (f"overschrijding goedgekeurd: {decisions}" if decisions else "")
        rows.append(Row(row.kind, row.label, tuple(cells), note, row.account))
    return rows


def _quarter_cells(report: VarianceReport, row: VarianceRow, quarter: Quarter, f: Figures, books: JournalLinks,
                   pattern: str) -> list[Cell]:
    where = f"{row.label}, {quarter.label}"
    actual = journal_url(books.actual, pattern, quarter.period)
    budget = Cell(euro(f.budget), journal_url(books.budget, pattern, quarter.period) if f.budget is not None
                  else None, title=f"{where}: begroot")
    if quarter.status == QuarterStatus.NOT_STARTED:
        empty = Cell(MISSING, css="leeg", title=f"{where}: het kwartaal is nog niet begonnen")
        return [budget, empty, empty, empty]
    so_far = quarter.status in (QuarterStatus.RUNNING, QuarterStatus.INCOMPLETE)
    if f.actual is None:
        missing = "nog geen boekingen" if so_far else "geen boekingen"
        actual_cell = Cell(MISSING, actual, "leeg", f"{where}: {missing}")
    else:
        actual_cell = Cell(euro(f.actual), actual, title=f"{where}: {f.postings} boeking(en)"
                           + (" tot nu toe" if so_far else ""))
    css, title = _mark(report, row, f, quarter.number, where)
    variance = Cell(euro(f.variance), actual if f.variance is not None else None, css, title)
    return [budget, actual_cell, variance, Cell(percent(f.percent), variance.href, css, title)]


def _year_cells(report: VarianceReport, row: VarianceRow, books: JournalLinks, pattern: str) -> list[Cell]:
    f, year = row.year, str(report.year)
    assert f is not None
    where = f"{row.label}, {year}"
    actual = journal_url(books.actual, pattern, year)
    begun = report.as_of is not None
    css, title = _mark(report, row, f, None, where)
    title = (title + " (prognose)") if title else f"{where}: verschil = prognose - begroting"
    return [
        Cell(euro(f.budget), journal_url(books.budget, pattern, year) if f.budget is not None else None,
             title=f"{where}: begroot"),
        Cell(euro(f.actual), actual if f.actual is not None else None, "" if f.actual is not None
             else "leeg", f"{where}: " + (f"{f.postings} boeking(en) tot nu toe" if f.actual is not None
                                          else "nog geen boekingen")),
        Cell(euro(f.forecast), actual if begun else None, "prognose",
             f"{where}: prognose = realisatie tot nu toe + de begroting die nog komt"),
        Cell(euro(f.variance), actual if f.variance is not None else None, css, title),
        Cell(percent(f.percent), actual if f.percent is not None else None, css, title),
    ]


def _mark(report: VarianceReport, row: VarianceRow, f: Figures, quarter: int | None, where: str) -> tuple[str, str]:
    """The cell's mark (report.mark) and what it means, with the board's decisions if approved."""
    mark = report.mark(row, f, quarter)
    if mark == Mark.APPROVED:
        decisions = "; ".join(f"{a.decision} ({dutch_date(a.date)}, tot {format_euro(a.amount)})"
                              for a in report.approvals_of(row.account))
        return mark, f"{where}: overschrijding goedgekeurd: {decisions}"
    if mark == Mark.INFO:
        return mark, f"{where}: {_info_text(report, row, quarter)}"
    rule = "het jaar tot en met dit kwartaal" if report.policy.cumulative else "dit kwartaal"
    return mark, {Mark.NONE: "", Mark.BEHIND: f"{where}: onder de begroting",
                  Mark.OVER: f"{where}: boven de begroting ({rule}), bean-check meldt het"}[mark]


def _info_text(report: VarianceReport, row: VarianceRow, quarter: int | None) -> str:
    """Why a figure above its budget is information, not an overrun (Dutch)."""
    if row.kind != RowKind.LINE:
        return "boven de begroting, ter informatie (de regels zelf zijn beoordeeld)"
    if quarter is None:
        return "de prognose komt boven de begroting; ter informatie, geen overschrijding volgens bean-check"
    judgement = report.judgement(row.account, quarter)
    if judgement is not None and judgement.overrun is not None:
        return "nog boven de begroting, dezelfde overschrijding als in een eerder kwartaal (daar gemeld)"
    if report.policy.cumulative:
        return ("dit kwartaal boven zijn kwartaalbegroting, maar het jaar tot en met dit kwartaal blijft binnen "
                "de begroting: ter informatie, geen overschrijding")
    return "boven de kwartaalbegroting, maar binnen de tolerantie: ter informatie, geen overschrijding"


def approval_items(report: VarianceReport) -> list[tuple[str, str, str, str]]:
    """The board's approvals in the actual book: date, budget line, amount, decision."""
    labels = {row.account: row.label for row in report.rows if row.account}
    return [(dutch_date(a.date), labels.get(a.account, a.account), format_euro(a.amount), a.decision)
            for a in report.approvals]


def summary_items(report: VarianceReport, books: JournalLinks) -> list[tuple[str, Cell, str]]:
    """The year's result: as budgeted, as forecast, with only committed income."""
    s = report.summary
    pattern = section_pattern(books.income, books.expenses)
    year = str(report.year)
    budget = journal_url(books.budget, pattern, year)
    committed = journal_url(books.budget, pattern, year, "-#niet-toegezegd")
    actual = journal_url(books.actual, pattern, year)
    income = journal_url(books.actual, section_pattern(books.income), year)
    incomplete = " De prognose is onvolledig: er zijn nog boekingen te controleren." if (
        report.unreviewed and report.unreviewed.count) else ""
    return [
        ("Resultaat volgens de begroting", Cell(euro(s.budget), budget), "zoals vastgesteld"),
        ("Resultaat volgens de prognose", Cell(euro(s.forecast), actual, _sign(s.forecast, s.budget)),
         "realisatie tot nu toe + de begroting die nog komt; inkomsten van afgesloten kwartalen die niet "
         "binnenkwamen, tellen als niet ontvangen." + incomplete),
        ("toegezegd, nog te ontvangen", Cell(euro(s.overdue_committed), income),
         "toegezegde inkomsten van afgesloten kwartalen die nog niet binnen zijn: die verwachten we nog"),
        ("Prognose met toegezegd, nog te ontvangen", Cell(euro(s.forecast_with_overdue), actual,
                                                          _sign(s.forecast_with_overdue, s.budget)),
         "de prognose als de toegezegde inkomsten die te laat zijn alsnog binnenkomen"),
        ("niet-toegezegd, niet ontvangen", Cell(euro(s.overdue_uncommitted), income),
         "niet-toegezegde inkomsten van afgesloten kwartalen die niet binnenkwamen: tellen als niet ontvangen"),
        ("Begroot, alleen toegezegde inkomsten", Cell(euro(s.committed_budget), committed),
         "als geen enkele niet-toegezegde inkomst binnenkomt"),
        ("Prognose, alleen toegezegde inkomsten", Cell(euro(s.committed_forecast), actual,
                                                      _sign(s.committed_forecast, s.committed_budget)),
         "de prognose zonder de niet-toegezegde inkomsten die nog moeten komen"),
    ]


def unreviewed_banner(report: VarianceReport, books: JournalLinks) -> Banner | None:
    """The banner over the page while entries wait for review, linking to exactly those entries."""
    waiting = report.unreviewed
    if waiting is None or not waiting.count:
        return None
    href = None
    if books.actual is not None:
        href = f"{books.actual}?" + urlencode(
            {"filter": f'flag:"^!$", any(account:"^{re.escape(waiting.account)}$")'})
    return Banner(unreviewed_text(waiting.count, waiting.amount, waiting.account) + ". Zolang ze niet op hun "
                  "begrotingsregel staan, is een kwartaal met zulke boekingen niet afgesloten en is de prognose "
                  "onvolledig.", waiting.count, format_euro(waiting.amount, 2), href)


def _sign(value: Decimal | None, budget: Decimal | None) -> str:
    return "achter" if value is not None and budget is not None and value < budget else ""


# ---------------------------------------------------------------- the chart


def _planned(year: int, quarter_budgets: list[Decimal | None], books: JournalLinks) -> Series:
    """The budgeted result, cumulated to the end of each quarter; each point links to its budget entries."""
    pattern = section_pattern(books.income, books.expenses)
    points = [SeriesPoint(date(year, 1, 1), Decimal(0), "Begin van het jaar: 0")]
    total = Decimal(0)
    for number, value in enumerate(quarter_budgets, start=1):
        total += value or 0
        points.append(SeriesPoint(quarter_end(year, number) + timedelta(days=1), total,
                                  f"Begroot resultaat t/m Q{number}: {format_euro(total)}",
                                  journal_url(books.budget, pattern, f"{year}-Q1 - {year}-Q{number}")))
    return Series("begroot", "Begroot", tuple(points))


def variance_series(report: VarianceReport, books: JournalLinks) -> list[Series]:
    """Planned, actual (to the peildatum) and forecast (from there) cumulative result through the year."""
    result = report.result
    pattern = section_pattern(books.income, books.expenses)
    actual = [SeriesPoint(date(report.year, 1, 1), Decimal(0), "Begin van het jaar: 0")]
    forecast: list[SeriesPoint] = []
    done = expected = Decimal(0)
    for quarter, f in zip(report.quarters, result.quarters, strict=True):
        expected += f.forecast or 0
        if quarter.status != QuarterStatus.NOT_STARTED:
            done += f.actual or 0
            last_day = report.as_of if quarter.status == QuarterStatus.RUNNING and report.as_of else quarter.end
            actual.append(SeriesPoint(last_day + timedelta(days=1), done,
                                      f"Werkelijk resultaat t/m {dutch_date(last_day)}: {format_euro(done)}",
                                      journal_url(books.actual, pattern, f"{report.year}-Q1 - {quarter.period}")))
        if quarter.status != QuarterStatus.CLOSED:
            forecast.append(SeriesPoint(quarter.end + timedelta(days=1), expected,
                                        f"Prognose t/m {quarter.label}: {format_euro(expected)}"))
    series = [_planned(report.year, [f.budget for f in result.quarters], books)]
    if len(actual) > 1:  # without bookings the forecast is the budget: the page says so
        series.append(Series("werkelijk", "Werkelijk", tuple(actual)))
        if forecast:
            series.append(Series("prognose", "Prognose", (actual[-1], *forecast), dashed=True))
    return series


def budget_series(result: TableRow | None, books: JournalLinks) -> list[Series]:
    """The planned cumulative result alone, for the budget book's own page."""
    return [_planned(books.year, list(result.amounts[:4]), books)] if result else []


def chart(year: int, series: list[Series], peildatum: date | None) -> Chart | None:
    return layout(year, series, peildatum) if series else None
