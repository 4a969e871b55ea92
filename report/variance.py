"""The budget beside the actual figures: begroting, realisatie, verschil and prognose.

Shared by the Fava page "Begroting" (package fava_begroting) and the command

    python -m report.variance ledger/boekhouding-2022.beancount [--budget FILE] [--kwartaal N]

so both show the same figures. The budget side is report.budget_table (the same rows
`make report` prints, from the same queries); the actual side is one pass over the
actual book in plugins.budget_model.booked_by_quarter, the same figures as
queries/realisatie.bql (which a test holds it to) at a fraction of beanquery's cost.
Amounts have the natural sign: income and expenses positive.

Rules (the page and the README say the same):

- peildatum: the date of the latest transaction in the actual book; the books are
  complete up to that day. A book without transactions has none.
- a quarter is 'afgesloten' when the peildatum is on or after its last day, 'lopend'
  when the peildatum falls in it, and 'niet-begonnen' before that (always, without a
  peildatum).
- realisatie is None (shown as "—", never as 0) when nothing is booked on the line in
  the quarter, and for quarters that have not begun.
- verschil = realisatie - begroting. A closed quarter with nothing booked on a budgeted
  line has verschil -begroting (the money did not come in, or was not spent); in the
  running quarter only a line with bookings has a verschil; a quarter not begun has none.
- percent = verschil / begroting x 100 (none without a budget).
- prognose of a quarter: closed -> realisatie (nothing booked counts 0); running ->
  the larger of realisatie and begroting (the budget not yet realised is still to come);
  not begun -> begroting. The year's prognose is the sum of its quarters, and the
  year's verschil is prognose - begroting: where the line ends the year.
- marks: a budgeted expense line is over budget in a quarter when
  plugins.budget_model.find_overruns (each quarter alone, no tolerance) lists it, and
  "goedgekeurd" when the board's approvals (custom "overschrijding-goedgekeurd") cover
  the overrun; any other expense figure or total above its budget is "overschreden";
  an income figure, income total or result below its budget is "achter".
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from os import path

from beancount.core import data
from beancount.parser import printer

from plugins.budget_model import (Approval, Booked as BookedFigures, BudgetLine, Overrun, approvals,
                                  budget_entries as budget_transactions,
                                  booked_by_quarter as model_booked_by_quarter,
                                  budget_lines, find_overruns, quarter_end, quarter_start,
                                  quarter_tags)
from plugins.budget_guard import configured_budget
from plugins.config import parse_config, resolve_path
from report.budget_table import TableRow, budget_table, commitment_rows
from report.dutch_format import format_euro, format_percent
from report.errors import ReportError
from report.ledger import load_ledger, load_ledger_with_errors
from report.render import render_text

EXTENSION = "fava_begroting"
AFGESLOTEN, LOPEND, NIET_BEGONNEN = "afgesloten", "lopend", "niet-begonnen"
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Quarter:
    """One quarter of the budget year and how far the books have got in it."""

    number: int
    start: date
    end: date  # the last day
    status: str  # AFGESLOTEN, LOPEND or NIET_BEGONNEN

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

    For the year: realisatie is the total booked so far, verschil = prognose - begroting.
    """

    begroting: Decimal | None
    realisatie: Decimal | None
    verschil: Decimal | None
    percent: Decimal | None
    prognose: Decimal | None
    boekingen: int = 0


@dataclass(frozen=True)
class VarianceRow:
    """One row: a heading (sectie, groep) or a line, total or result with its figures.

    more_is_better is True for income and the result, False for expenses.
    """

    kind: str
    label: str
    account: str | None = None
    section: str | None = None
    toegezegd: str = ""
    more_is_better: bool = True
    budgeted: bool = True
    quarters: tuple[Figures, ...] = ()
    year: Figures | None = None

    def unfavourable(self, figures: Figures) -> bool:
        """Whether the figures' verschil goes the wrong way (over budget, or income short)."""
        if figures.verschil is None or figures.verschil == 0:
            return False
        return (figures.verschil < 0) if self.more_is_better else (figures.verschil > 0)

    @property
    def year_figures(self) -> Figures:
        """The year column of a line, total or result (a heading has none)."""
        if self.year is None:
            raise ValueError(f"the {self.kind} row {self.label!r} has no figures")
        return self.year


@dataclass(frozen=True)
class ResultSummary:
    """The year's result: as budgeted, as forecast, and with only committed income."""

    begroot: Decimal | None
    prognose: Decimal | None
    begroot_toegezegd: Decimal | None
    prognose_toegezegd: Decimal | None


@dataclass(frozen=True)
class VarianceReport:
    year: int
    peildatum: date | None
    quarters: tuple[Quarter, ...]
    rows: list[VarianceRow]
    summary: ResultSummary
    notes: list[str] = field(default_factory=list)
    overruns: dict[tuple[str, int], Overrun] = field(default_factory=dict)
    approvals: list[Approval] = field(default_factory=list)

    @property
    def result(self) -> VarianceRow:
        return next(row for row in self.rows if row.kind == "resultaat")

    def mark(self, row: VarianceRow, figures: Figures, quarter: int | None = None) -> str:
        """How a cell's verschil is marked: '', 'achter', 'overschreden' or 'goedgekeurd'.

        A budgeted expense line in a quarter is over budget when plugins.budget_model's
        find_overruns (that quarter alone) lists it, approved when the board's approvals
        cover the overrun; for the year (the forecast) approved when the line's approvals
        add up to the verschil (approvals raise a line's ceiling for the whole year).
        Everything else goes by VarianceRow.unfavourable.
        """
        expense_line = row.kind == "regel" and row.budgeted and not row.more_is_better
        if expense_line and quarter is not None:
            overrun = self.overruns.get((row.account or "", quarter))
            if overrun is None:
                return ""
            return "goedgekeurd" if overrun.approval is not None else "overschreden"
        if not row.unfavourable(figures):
            return ""
        if expense_line and figures.verschil is not None:
            approved = sum((a.amount for a in self.approvals_of(row.account)), ZERO)
            return "goedgekeurd" if approved >= figures.verschil else "overschreden"
        return "achter" if row.more_is_better else "overschreden"

    def approvals_of(self, account: str | None) -> list[Approval]:
        """The board's approvals of overruns on the account."""
        return [approval for approval in self.approvals if approval.account == account]


# ---------------------------------------------------------------- the books


def budget_setting(entries: list, options: dict) -> str | None:
    """The budget book that the actual book follows, as a path.

    The book names it once, in its `plugins.budget_guard` line (the budget it is held
    to). A `budget` option on the fava_begroting line, e.g.
    `custom "fava-extension" "fava_begroting" "{'budget': 'begroting-2022.beancount'}"`,
    names one for a book without the guard. Relative paths are relative to the ledger;
    without either the book is its own budget and None is returned.
    """
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "fava-extension" and entry.values \
                and entry.values[0].value == EXTENSION:
            config_str = entry.values[1].value if len(entry.values) > 1 else None
            config, errors = parse_config(config_str, EXTENSION, options, {"budget": str}, {"budget": ""})
            if errors:
                raise ReportError(f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}: {errors[0].message}")
            if config["budget"]:
                return resolve_path(options, config["budget"])
    return configured_budget(options)


def budget_year(entries: list, options: dict) -> int | None:
    """The year of the book's budget entries, None when it has none.

    A budget entry is a transaction on income or expense accounts tagged with its
    quarter (#Q1..#Q4), as the budget book writes them; an actual book's transactions
    carry no quarter tag, so a book that is not a budget has no budget year.
    """
    income, expenses = options["name_income"], options["name_expenses"]
    return next((entry.date.year for entry in budget_transactions(entries, income, expenses)
                 if quarter_tags(entry.tags)), None)


def peildatum(entries: list) -> date | None:
    """The date of the latest transaction: the books are complete up to that day."""
    return max((entry.date for entry in entries if isinstance(entry, data.Transaction)), default=None)


def quarters_of(year: int, as_of: date | None) -> tuple[Quarter, ...]:
    """The four quarters of the year with their status relative to the peildatum."""
    quarters = []
    for number in range(1, 5):
        start, end = quarter_start(year, number), quarter_end(year, number)
        if as_of is None or as_of < start:
            status = NIET_BEGONNEN
        elif as_of >= end:
            status = AFGESLOTEN
        else:
            status = LOPEND
        quarters.append(Quarter(number, start, end, status))
    return tuple(quarters)


Booked = dict[str, dict[int, BookedFigures]]


def booked_by_quarter(entries: list, options: dict, year: int) -> tuple[Booked, int]:
    """Amount and number of postings per account per quarter of the year.

    Returns (by account, then quarter number: (amount with its natural sign, count)), and
    the number of postings on income and expense accounts outside the year. The same
    one pass over the entries that plugins.budget_guard uses to find overruns, so the
    page and bean-check cannot disagree; queries/realisatie.bql gives the same figures
    for bean-query and Fava's Query page (tests/test_realisatie.py).
    """
    return model_booked_by_quarter(entries, year, options["name_income"], options["name_expenses"])


# ---------------------------------------------------------------- the rules


def figures(status: str, begroting: Decimal | None, realisatie: Decimal | None,
            boekingen: int = 0, prognose: Decimal | None = None) -> Figures:
    """Figures of one quarter by the module's rules; prognose may be given (for totals)."""
    budget = begroting or ZERO
    if status == NIET_BEGONNEN:
        realisatie = verschil = None
        forecast = budget
    elif status == LOPEND:
        verschil = None if realisatie is None else realisatie - budget
        forecast = max(realisatie or ZERO, budget)
    else:
        verschil = None if realisatie is None and not begroting else (realisatie or ZERO) - budget
        forecast = realisatie or ZERO
    return Figures(begroting, realisatie, verschil, _percent(verschil, begroting),
                   forecast if prognose is None else prognose, boekingen)


def year_figures(begroting: Decimal | None, quarters: tuple[Figures, ...], begun: bool) -> Figures:
    """The year from its quarters: realisatie so far, prognose, verschil = prognose - begroting."""
    booked = [q.realisatie for q in quarters if q.realisatie is not None]
    realisatie = sum(booked, ZERO) if booked else None
    prognose = sum((q.prognose or ZERO for q in quarters), ZERO)
    verschil = prognose - (begroting or ZERO) if begun else None
    return Figures(begroting, realisatie, verschil, _percent(verschil, begroting), prognose,
                   sum(q.boekingen for q in quarters))


def _percent(verschil: Decimal | None, begroting: Decimal | None) -> Decimal | None:
    if verschil is None or not begroting:
        return None
    return verschil / abs(begroting) * HUNDRED


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, ZERO) if present else None


def _combine(status: str, begroting: Decimal | None, parts: list[tuple[int, Figures]]) -> Figures:
    """A total of signed parts (sign +1 or -1 each): realisatie and prognose add up."""
    realisatie = _sum([None if f.realisatie is None else sign * f.realisatie for sign, f in parts])
    prognose = sum((sign * (f.prognose or ZERO) for sign, f in parts), ZERO)
    return figures(status, begroting, realisatie, sum(f.boekingen for _, f in parts), prognose)


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class Budget:
    """What the reports need of a budget book; computed once per version of the book.

    table and committed are report.budget_table's rows (the same as `make report`),
    lines the plugins.budget_model lines (for find_overruns).
    """

    year: int
    table: list[TableRow]
    committed: list[TableRow]
    lines: dict[str, BudgetLine]
    income: str
    expenses: str


class NoBudgetError(ReportError):
    """The book named as budget book holds no budget entries."""


def read_budget(entries: list, options: dict) -> Budget:
    """The budget of a loaded budget book; NoBudgetError when it holds no budget entries."""
    year = budget_year(entries, options)
    if year is None:
        raise NoBudgetError(f"{options.get('filename', 'de begroting')}: geen begrotingsposten gevonden "
                          "(transacties op inkomsten- en uitgavenrekeningen met een kwartaaltag #Q1..#Q4)")
    return Budget(year, budget_table(entries, options), commitment_rows(entries, options),
                  budget_lines(entries, options)[0], options["name_income"], options["name_expenses"])


def variance_report(budget: Budget, actual_entries: list, actual_options: dict) -> VarianceReport:
    """The budget (read_budget) against the actual book's entries, per line and quarter."""
    year, table, income, expenses = budget.year, budget.table, budget.income, budget.expenses
    lines = [row for row in table if row.kind == "regel"]
    as_of = peildatum(actual_entries)
    quarters = quarters_of(year, as_of)
    begun = any(q.status != NIET_BEGONNEN for q in quarters)
    booked, outside = booked_by_quarter(actual_entries, actual_options, year)
    labels = _account_labels(actual_entries)

    def line(row: TableRow | None, account: str, section: str) -> VarianceRow:
        budget = row.amounts if row else (None,) * 5
        per_quarter = booked.get(account, {})
        quarter_figures = tuple(
            figures(q.status, budget[q.number - 1], *per_quarter.get(q.number, (None, 0))) for q in quarters)
        return VarianceRow(
            "regel", row.label if row else labels.get(account, account), account, section,
            row.toegezegd if row else "", section == income, row is not None, quarter_figures,
            year_figures(budget[4], quarter_figures, begun))

    rows: list[VarianceRow] = []
    totals: dict[str, VarianceRow] = {}
    budgeted = {row.account for row in lines}
    section = ""  # set by the first row, a "sectie" heading
    for row in table:
        if row.kind == "sectie":
            section = income if row.label == income.upper() else expenses
            rows.append(VarianceRow("sectie", row.label, section=section))
        elif row.kind == "groep":
            rows.append(VarianceRow("groep", row.label, section=section))
        elif row.kind == "regel":
            assert row.account is not None, "budget_table gives every line its account"
            rows.append(line(row, row.account, section))
        elif row.kind == "totaal":
            extra = sorted(a for a in booked if a.split(":")[0] == section and a not in budgeted)
            if extra:
                rows.append(VarianceRow("groep", "niet begroot", section=section))
                rows.extend(line(None, account, section) for account in extra)
            members = [r for r in rows if r.kind == "regel" and r.section == section]
            total = _total_row(row, section, section == income, quarters, members, begun)
            totals[section] = total
            rows.append(total)
        elif row.kind == "resultaat":
            parts = [(1, totals[income]), (-1, totals[expenses])]
            quarter_figures = tuple(
                _combine(q.status, row.amounts[i], [(s, t.quarters[i]) for s, t in parts])
                for i, q in enumerate(quarters))
            rows.append(VarianceRow("resultaat", row.label, quarters=quarter_figures,
                                    year=year_figures(row.amounts[4], quarter_figures, begun)))

    summary = _summary(rows, budget.committed, income)
    notes = _notes(rows, quarters, as_of, outside, year)
    approved = approvals(actual_entries, expenses)
    amounts = {account: {q: amount for q, (amount, _) in by_quarter.items()} for account, by_quarter in booked.items()}
    overruns = find_overruns(budget.lines, amounts, approved, cumulative=False)
    return VarianceReport(year, as_of, quarters, rows, summary, notes,
                          {(o.account, o.quarter): o for o in overruns}, approved)


def _total_row(row: TableRow, section: str, more_is_better: bool, quarters: tuple[Quarter, ...],
               members: list[VarianceRow], begun: bool) -> VarianceRow:
    quarter_figures = tuple(
        _combine(q.status, row.amounts[i], [(1, member.quarters[i]) for member in members])
        for i, q in enumerate(quarters))
    return VarianceRow("totaal", row.label, section=section, more_is_better=more_is_better,
                       quarters=quarter_figures, year=year_figures(row.amounts[4], quarter_figures, begun))


def _account_labels(entries: list) -> dict[str, str]:
    return {entry.account: entry.meta.get("label", entry.account)
            for entry in entries if isinstance(entry, data.Open)}


def _summary(rows: list[VarianceRow], committed: list[TableRow], income: str) -> ResultSummary:
    result = next(row for row in rows if row.kind == "resultaat")
    committed_result = next((row for row in committed if row.kind == "resultaat"), None)
    # Income not committed that is still to come: leave it out of the committed forecast.
    uncommitted_to_come = sum(
        ((row.year_figures.prognose or ZERO) - (row.year_figures.realisatie or ZERO)
         for row in rows if row.kind == "regel" and row.section == income and row.toegezegd == "nee"),
        ZERO)
    prognose = result.year_figures.prognose
    return ResultSummary(
        result.year_figures.begroting,
        prognose,
        committed_result.amounts[4] if committed_result else None,
        None if prognose is None else prognose - uncommitted_to_come)


def _notes(rows: list[VarianceRow], quarters: tuple[Quarter, ...], as_of: date | None,
           outside: int, year: int) -> list[str]:
    """What is missing, in Dutch, for the page and the command."""
    notes = []
    if as_of is None:
        notes.append("De boekhouding bevat nog geen boekingen: er is nog geen realisatie. "
                     "De prognose is de begroting.")
    else:
        waiting = [q.label for q in quarters if q.status == NIET_BEGONNEN]
        running = [q.label for q in quarters if q.status == LOPEND]
        text = f"Peildatum {dutch_date(as_of)} (de laatste boeking)."
        if running:
            text += f" {running[0]} loopt nog: de realisatie is tot nu toe."
        if waiting:
            text += f" {_and(waiting)} {'is' if len(waiting) == 1 else 'zijn'} nog niet begonnen: nog geen realisatie."
        notes.append(text)
        silent = [row.label for row in rows
                  if row.kind == "regel" and row.budgeted and row.year_figures.realisatie is None]
        if silent:
            notes.append(f"Nog geen boekingen op {len(silent)} begrotingsregel(s): {', '.join(silent)}.")
    extra = [row.label for row in rows if row.kind == "regel" and not row.budgeted]
    if extra:
        notes.append(f"Geboekt op rekeningen zonder begroting: {', '.join(extra)}.")
    if outside:
        notes.append(f"{outside} boeking(en) op inkomsten of uitgaven vallen buiten {year} en tellen niet mee.")
    return notes


def dutch_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


# ---------------------------------------------------------------- the command


def load_books(actual_file: str, budget_file: str | None = None) -> tuple[list, list, dict, list, dict]:
    """Load the actual book and its budget book (from --budget or the book's fava_begroting line).

    Returns (actual errors, actual entries, actual options, budget entries, budget options).
    The actual book's errors do not stop the report (an unapproved overrun is one of
    them); the budget book must load without errors.
    """
    actual_entries, errors, actual_options = load_ledger_with_errors(actual_file)
    budget_file = budget_file or budget_setting(actual_entries, actual_options)
    if budget_file is None:
        raise ReportError(f"{actual_file}: names no budget book; add --budget FILE or the line "
                          f"custom \"fava-extension\" \"{EXTENSION}\" \"{{'budget': 'begroting-2022.beancount'}}\"")
    if path.abspath(budget_file) == path.abspath(actual_file):
        budget_entries, budget_options = actual_entries, actual_options
    else:
        budget_entries, budget_options = load_ledger(budget_file)
    return errors, actual_entries, actual_options, budget_entries, budget_options


MARKS = {"": "", "achter": " !", "overschreden": " !", "goedgekeurd": " goedgekeurd"}


def text_rows(report: VarianceReport, quarter: int | None = None) -> tuple[list[TableRow], tuple[str, ...]]:
    """The report as TableRows for report.render: the year, or one quarter."""
    if quarter is None:
        headings = ("Begroting", "Realisatie", "Prognose", "Verschil", "%")
    else:
        headings = ("Begroting", "Realisatie", "Verschil", "Prognose", "%")
    rows = []
    for row in report.rows:
        if row.year is None:
            rows.append(TableRow(row.kind, row.label))
            continue
        f = row.year if quarter is None else row.quarters[quarter - 1]
        amounts = ((f.begroting, f.realisatie, f.prognose, f.verschil) if quarter is None
                   else (f.begroting, f.realisatie, f.verschil, f.prognose))
        mark = MARKS[report.mark(row, f, quarter)]
        rows.append(TableRow(row.kind, row.label, amounts, (format_percent(f.percent) or "—") + mark))
    return rows, headings


def render_report(report: VarianceReport, quarter: int | None = None) -> str:
    rows, headings = text_rows(report, quarter)
    period = f"{report.year}" if quarter is None else report.quarters[quarter - 1].period
    scope = "jaar: verschil = prognose - begroting" if quarter is None else \
        f"kwartaal, {report.quarters[quarter - 1].status}"
    s = report.summary
    summary = [(f"Resultaat {report.year} begroot", s.begroot), (f"Resultaat {report.year} prognose", s.prognose),
               ("Begroot, alleen toegezegde inkomsten", s.begroot_toegezegd),
               ("Prognose, alleen toegezegde inkomsten", s.prognose_toegezegd)]
    width = max(len(label) for label, _ in summary) + 1
    lines = [f"Begroting tegen realisatie {period} ({scope})", *report.notes, "",
             render_text(rows, headings, missing="—"),
             *(f"{label + ':':<{width}}  {_euro(value):>10}" for label, value in summary),
             "",
             "! = boven de begroting (uitgaven) of eronder (inkomsten, resultaat)",
             *(f"Goedgekeurd op {dutch_date(a.date)}: {a.account} {format_euro(a.amount)} ({a.decision})"
               for a in report.approvals)]
    return "\n".join(lines) + "\n"


def _euro(value: Decimal | None) -> str:
    return "—" if value is None else format_euro(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report.variance",
                                     description="Begroting tegen realisatie per regel, in Dutch number format.")
    parser.add_argument("ledger", help="the actual book, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--budget", metavar="FILE", help="the budget book (default: the book's fava_begroting line)")
    parser.add_argument("--kwartaal", type=int, choices=(1, 2, 3, 4), help="show one quarter instead of the year")
    args = parser.parse_args(argv)
    try:
        errors, actual_entries, actual_options, budget_entries, budget_options = load_books(args.ledger, args.budget)
        if errors:
            first = printer.format_error(errors[0]).strip().splitlines()[0]
            print(f"warning: {args.ledger} has {len(errors)} error(s), e.g. {first} (run bean-check {args.ledger})",
                  file=sys.stderr)
        report = variance_report(read_budget(budget_entries, budget_options), actual_entries, actual_options)
        sys.stdout.write(render_report(report, args.kwartaal))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
