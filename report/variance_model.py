"""The budget beside the actual figures, per line and quarter: the model and its rules.

Shared by the Fava page "Begroting" (fava_begroting) and `python -m report.variance`
(report.variance_text renders it, report.variance_notes says in Dutch what is missing).
The budget side is the budget model's lines (plugins.budget_book, read once); the
actual side is one pass over the actual book (plugins.budget_model.booked_by_quarter,
the same figures as queries/realisatie.bql). Amounts have the natural sign: income and
expenses positive.

Rules (the page and the README say the same):

- as_of (peildatum): the date of the latest transaction in the actual book.
- a quarter is CLOSED when as_of is on or after its last day and it holds no unreviewed
  entry (flag `!` or on Passiva:NogTeRubriceren), INCOMPLETE when it has ended but holds
  one, RUNNING when as_of falls in it, NOT_STARTED before that (always without as_of).
- actual is None (shown as "—", never as 0) when nothing is booked on the line in the
  quarter, and for quarters not started.
- variance = actual - budget. A closed quarter with nothing booked on a budgeted line has
  variance -budget; in a running or incomplete quarter only a line with bookings has one.
- percent = variance / budget x 100 (none without a budget).
- forecast of a quarter: closed -> actual (nothing booked counts 0); running or
  incomplete -> the larger of actual and budget; not started -> budget. The year's
  forecast is the sum of its quarters; the year's variance is forecast - budget.
- committed income of closed quarters not received is "toegezegd, nog te ontvangen":
  the summary gives the forecast without and with it; uncommitted income of closed
  quarters not received counts as not coming (plugins.budget_model.overdue_income).
- marks: an expense line's quarter is marked by plugins.budget_model.judge with the
  guard's own policy, the verdict bean-check gives (OVER exactly where bean-check reports
  an overrun, APPROVED, INFO); its year by year_verdict (INFO when only the forecast runs
  over). An unbudgeted expense line over 0 is OVER (bean-check reports it too); an
  expense total over budget is INFO; income, income totals and results below budget are
  BEHIND.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from beancount.core import data

from plugins.budget_book import BudgetBook
from plugins.budget_model import (
    Approval,
    Judgement,
    OverdueIncome,
    Policy,
    Unreviewed,
    Verdict,
    booked_by_quarter,
    foreign_postings,
    judge,
    overdue_income,
    quarter_end,
    quarter_start,
    read_approvals,
    unreviewed,
    year_verdict,
)
from report.budget_table import RowKind, TableRow, model_commitment_rows, model_table
from report.errors import ReportError

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class QuarterStatus(StrEnum):
    """How far the books have got in a quarter; the values are the page's CSS classes."""

    CLOSED = "afgesloten"
    INCOMPLETE = "onvolledig"
    RUNNING = "lopend"
    NOT_STARTED = "niet-begonnen"


class Mark(StrEnum):
    """How a figure is marked; the values are the page's CSS classes."""

    NONE = ""
    BEHIND = "achter"
    OVER = "overschreden"
    APPROVED = "goedgekeurd"
    INFO = "info"


@dataclass(frozen=True)
class Quarter:
    """One quarter of the budget year and how far the books have got in it."""

    number: int
    start: date
    end: date  # the last day
    status: QuarterStatus

    @property
    def label(self) -> str:
        return f"Q{self.number}"

    @property
    def period(self) -> str:
        """The quarter in Fava's time filter syntax, e.g. 2022-Q1."""
        return f"{self.start.year}-Q{self.number}"


@dataclass(frozen=True)
class Figures:
    """Budget against actual for one period (a quarter or the year) of one row.

    For the year: actual is the total booked so far, variance = forecast - budget.
    """

    budget: Decimal | None
    actual: Decimal | None
    variance: Decimal | None
    percent: Decimal | None
    forecast: Decimal | None
    postings: int = 0


@dataclass(frozen=True)
class VarianceRow:
    """One row: a heading (section, group) or a line, total or result with its figures.

    more_is_better is True for income and the result, False for expenses. committed: for
    an income line True when all its budget is #toegezegd, False otherwise; None elsewhere.
    """

    kind: RowKind
    label: str
    account: str | None = None
    section: str | None = None
    committed: bool | None = None
    more_is_better: bool = True
    budgeted: bool = True
    quarters: tuple[Figures, ...] = ()
    year: Figures | None = None

    def unfavourable(self, figures: Figures) -> bool:
        """Whether the figures' variance goes the wrong way (over budget, or income short)."""
        if figures.variance is None or figures.variance == 0:
            return False
        return (figures.variance < 0) if self.more_is_better else (figures.variance > 0)


@dataclass(frozen=True)
class ResultSummary:
    """The year's result: as budgeted and as forecast, with income still owed stated apart.

    forecast counts income of closed quarters not received as not coming;
    overdue_committed is the committed part of it ("toegezegd, nog te ontvangen"), so
    forecast_with_overdue = forecast + overdue_committed; overdue_uncommitted is the
    uncommitted part, counted as not coming in both.
    """

    budget: Decimal | None
    forecast: Decimal | None
    committed_budget: Decimal | None
    committed_forecast: Decimal | None
    overdue_committed: Decimal = ZERO
    overdue_uncommitted: Decimal = ZERO

    @property
    def forecast_with_overdue(self) -> Decimal | None:
        return None if self.forecast is None else self.forecast + self.overdue_committed


@dataclass(frozen=True)
class VarianceReport:
    year: int
    as_of: date | None
    quarters: tuple[Quarter, ...]
    rows: list[VarianceRow]
    summary: ResultSummary
    notes: list[str] = field(default_factory=list)
    judgements: dict[tuple[str, int], Judgement] = field(default_factory=dict)
    approvals: list[Approval] = field(default_factory=list)
    unreviewed: Unreviewed | None = None
    overdue: list[OverdueIncome] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)

    @property
    def result(self) -> VarianceRow:
        return next(row for row in self.rows if row.kind == RowKind.RESULT)

    def mark(self, row: VarianceRow, figures: Figures, quarter: int | None = None) -> Mark:
        """How a cell is marked (see the module's rules): one verdict with bean-check for expense lines."""
        expense_line = row.kind == RowKind.LINE and row.budgeted and not row.more_is_better
        if expense_line:
            account = row.account or ""
            if quarter is not None:
                judgement = self.judgements.get((account, quarter))
                return Mark(judgement.verdict.value) if judgement else Mark.NONE
            verdict = year_verdict(self.judgements, account)
            if verdict is not None:
                return Mark(verdict.value)
            return Mark.INFO if row.unfavourable(figures) else Mark.NONE
        if not row.unfavourable(figures):
            return Mark.NONE
        if row.more_is_better:
            return Mark.BEHIND
        return Mark.OVER if row.kind == RowKind.LINE else Mark.INFO

    def judgement(self, account: str | None, quarter: int) -> Judgement | None:
        return self.judgements.get((account or "", quarter))

    def approvals_of(self, account: str | None) -> list[Approval]:
        """The board's approvals of overruns on the account."""
        return [approval for approval in self.approvals if approval.account == account]

    def over_budget(self) -> set[tuple[str, int]]:
        """(account, quarter) of every cell marked OVER: what bean-check reports as over budget."""
        return {key for key, judgement in self.judgements.items() if judgement.verdict is Verdict.OVER}


# ---------------------------------------------------------------- the books


class NoBudgetError(ReportError):
    """The book named as budget book holds no budget entries."""


def as_of_date(entries: Iterable) -> date | None:
    """The date of the latest transaction: the books are complete up to that day."""
    return max((entry.date for entry in entries if isinstance(entry, data.Transaction)), default=None)


def quarters_of(year: int, as_of: date | None, incomplete: set[int] | frozenset[int] = frozenset()
                ) -> tuple[Quarter, ...]:
    """The four quarters of the year with their status relative to as_of; incomplete: quarters
    that hold unreviewed entries (an ended one is INCOMPLETE, not CLOSED)."""
    quarters = []
    for number in range(1, 5):
        start, end = quarter_start(year, number), quarter_end(year, number)
        if as_of is None or as_of < start:
            status = QuarterStatus.NOT_STARTED
        elif as_of >= end:
            status = QuarterStatus.INCOMPLETE if number in incomplete else QuarterStatus.CLOSED
        else:
            status = QuarterStatus.RUNNING
        quarters.append(Quarter(number, start, end, status))
    return tuple(quarters)


# ---------------------------------------------------------------- the rules


def figures(status: QuarterStatus, budget: Decimal | None, actual: Decimal | None,
            postings: int = 0, forecast: Decimal | None = None) -> Figures:
    """Figures of one quarter by the module's rules; forecast may be given (for totals)."""
    planned = budget or ZERO
    if status == QuarterStatus.NOT_STARTED:
        actual = variance = None
        expected = planned
    elif status in (QuarterStatus.RUNNING, QuarterStatus.INCOMPLETE):
        variance = None if actual is None else actual - planned
        expected = max(actual or ZERO, planned)
    else:
        variance = None if actual is None and not budget else (actual or ZERO) - planned
        expected = actual or ZERO
    return Figures(budget, actual, variance, _percent(variance, budget),
                   expected if forecast is None else forecast, postings)


def year_figures(budget: Decimal | None, quarters: tuple[Figures, ...], begun: bool) -> Figures:
    """The year from its quarters: actual so far, forecast, variance = forecast - budget."""
    booked = [q.actual for q in quarters if q.actual is not None]
    actual = sum(booked, ZERO) if booked else None
    forecast = sum((q.forecast or ZERO for q in quarters), ZERO)
    variance = forecast - (budget or ZERO) if begun else None
    return Figures(budget, actual, variance, _percent(variance, budget), forecast,
                   sum(q.postings for q in quarters))


def _percent(variance: Decimal | None, budget: Decimal | None) -> Decimal | None:
    if variance is None or not budget:
        return None
    return variance / abs(budget) * HUNDRED


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, ZERO) if present else None


def _combine(status: QuarterStatus, budget: Decimal | None, parts: list[tuple[int, Figures]]) -> Figures:
    """A total of signed parts (sign +1 or -1 each): actual and forecast add up."""
    actual = _sum([None if f.actual is None else sign * f.actual for sign, f in parts])
    forecast = sum((sign * (f.forecast or ZERO) for sign, f in parts), ZERO)
    return figures(status, budget, actual, sum(f.postings for _, f in parts), forecast)


# ---------------------------------------------------------------- the report


def variance_report(book: BudgetBook, actual_entries: Sequence, actual_options: Mapping[str, Any],
                    policy: Policy | None = None) -> VarianceReport:
    """The budget book against the actual book's entries, per line and quarter.

    policy: the guard's rule for "over budget" (plugins.budget_book.budget_setting); the
    defaults (no tolerance, year to date) without one.
    """
    from report.variance_notes import notes_of  # the notes read the report's rows

    if not book.lines:
        raise NoBudgetError(f"{book.filename}: geen begrotingsposten gevonden (transacties op inkomsten- en "
                            "uitgavenrekeningen met een kwartaaltag #Q1..#Q4)")
    policy = policy or Policy()
    year, income, expenses = book.year, actual_options["name_income"], actual_options["name_expenses"]
    table = model_table(book.lines, actual_options)
    as_of = as_of_date(actual_entries)
    waiting = unreviewed(actual_entries, actual_options)
    quarters = quarters_of(year, as_of, waiting.quarters(year))
    begun = any(q.status != QuarterStatus.NOT_STARTED for q in quarters)
    booked, outside = booked_by_quarter(actual_entries, year, income, expenses)
    labels = {entry.account: entry.meta.get("label", entry.account)
              for entry in actual_entries if isinstance(entry, data.Open)}

    def line(row: TableRow | None, account: str, section: str) -> VarianceRow:
        budget = row.amounts if row else (None,) * 5
        per_quarter = booked.get(account, {})
        quarter_figures = tuple(
            figures(q.status, budget[q.number - 1], *per_quarter.get(q.number, (None, 0))) for q in quarters)
        return VarianceRow(
            RowKind.LINE, row.label if row else labels.get(account, account), account, section,
            row.committed if row else None, section == income, row is not None, quarter_figures,
            year_figures(budget[4], quarter_figures, begun))

    rows: list[VarianceRow] = []
    totals: dict[str, VarianceRow] = {}
    budgeted = {row.account for row in table if row.kind == RowKind.LINE}
    section = income
    for row in table:
        if row.kind == RowKind.SECTION:
            section = income if row.label == income.upper() else expenses
            rows.append(VarianceRow(RowKind.SECTION, row.label, section=section))
        elif row.kind == RowKind.GROUP:
            rows.append(VarianceRow(RowKind.GROUP, row.label, section=section))
        elif row.kind == RowKind.LINE:
            rows.append(line(row, row.account or "", section))
        elif row.kind == RowKind.TOTAL:
            extra = sorted(a for a in booked if a.split(":")[0] == section and a not in budgeted)
            if extra:
                rows.append(VarianceRow(RowKind.GROUP, "niet begroot", section=section))
                rows.extend(line(None, account, section) for account in extra)
            members = [r for r in rows if r.kind == RowKind.LINE and r.section == section]
            totals[section] = _total_row(row, section, section == income, quarters, members, begun)
            rows.append(totals[section])
        elif row.kind == RowKind.RESULT:
            parts = [(1, totals[income]), (-1, totals[expenses])]
            quarter_figures = tuple(
                _combine(q.status, row.amounts[i], [(s, t.quarters[i]) for s, t in parts])
                for i, q in enumerate(quarters))
            rows.append(VarianceRow(RowKind.RESULT, row.label, quarters=quarter_figures,
                                    year=year_figures(row.amounts[4], quarter_figures, begun)))

    amounts = {account: {q: amount for q, (amount, _) in by_quarter.items()} for account, by_quarter in booked.items()}
    approvals = read_approvals(actual_entries, expenses)[0]
    closed = [q.number for q in quarters if q.status == QuarterStatus.CLOSED]
    overdue = [o for o in overdue_income(book.lines, amounts, closed) if o.committed_missing or o.uncommitted_missing]
    report = VarianceReport(year, as_of, quarters, rows, _summary(rows, book, income, overdue), [],
                            judge(book.lines, amounts, approvals, policy), approvals, waiting, overdue, policy)
    report.notes.extend(notes_of(report, outside, foreign_postings(actual_entries, income, expenses)))
    return report


def _total_row(row: TableRow, section: str, more_is_better: bool, quarters: tuple[Quarter, ...],
               members: list[VarianceRow], begun: bool) -> VarianceRow:
    quarter_figures = tuple(
        _combine(q.status, row.amounts[i], [(1, member.quarters[i]) for member in members])
        for i, q in enumerate(quarters))
    return VarianceRow(RowKind.TOTAL, row.label, section=section, more_is_better=more_is_better,
                       quarters=quarter_figures, year=year_figures(row.amounts[4], quarter_figures, begun))


def _summary(rows: list[VarianceRow], book: BudgetBook, income: str, overdue: list[OverdueIncome]) -> ResultSummary:
    result = next(row for row in rows if row.kind == RowKind.RESULT)
    assert result.year is not None
    committed_result = next((row for row in model_commitment_rows(book.lines) if row.kind == RowKind.RESULT), None)
    # Income not committed that is still to come: left out of the committed forecast.
    uncommitted_to_come = sum(
        ((row.year.forecast or ZERO) - (row.year.actual or ZERO)
         for row in rows if row.kind == RowKind.LINE and row.section == income and row.committed is False
         and row.year is not None),
        ZERO)
    forecast = result.year.forecast
    return ResultSummary(
        result.year.budget,
        forecast,
        committed_result.amounts[4] if committed_result else None,
        None if forecast is None else forecast - uncommitted_to_come,
        sum((o.committed_missing for o in overdue), ZERO),
        sum((o.uncommitted_missing for o in overdue), ZERO))
