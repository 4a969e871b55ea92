"""The jaarrekening of one year as data: balans, staat van baten en lasten, resultaatbestemming, toelichting.

Built from a year's two books (annual.books) and nothing else:

- balans per 31 december: every balance sheet account's balance from queries/balans.bql,
  assets split into liquide middelen (Activa:Bank:…, Activa:Kas…) and vorderingen, the
  liabilities (Passiva:…) as schulden, and the eigen vermogen (everything the equity
  accounts hold plus the year's result, which the books do not close) split into the
  bestemmingsfondsen (annual.funds.fund_figures) and the algemene reserve (the rest);
- staat van baten en lasten: per budget line the realisatie of the year (the budget
  model's one pass over the actual book, plugins.budget_model.actuals_by_quarter, which
  tests hold to queries/realisatie.bql), the begroting (the budget book through the same
  model) and the verschil = realisatie - begroting; accounts booked without a budget line
  come last as "niet begroot";
- resultaatbestemming: the part of the result that belongs to each fund (its income less
  its spending), the rest to the algemene reserve;
- toelichting: per line what the books say about it: the account's own metadata (label,
  iban, fonds, voorwaarde, ...), the explaining metadata of its budget entries (the seed's
  282 leden x EUR 24, a begrotingswijziging) and the board's decisions on it.

Signs are natural: income, expenses, assets, liabilities and equity all positive.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from beancount.core import amount as amount_lib
from beancount.core import data

from annual.balances import Kind, kind_of, year_end_balances
from annual.books import BookError, YearBooks, open_entries
from annual.funds import FundFigures, fund_figures
from plugins.budget_model import (
    BudgetLine,
    actuals_by_quarter,
    approvals,
    budget_entries,
    budget_lines,
    quarter_of,
)
from report.dutch_format import format_euro
from report.queries import QUERY_DIR

ZERO = Decimal(0)
# Metadata that says where an entry is or how the books are kept, not what the line is about.
SILENT_META = {"filename", "lineno", "label", "groep", "regel"}


class Section(Enum):
    """The two halves of the staat van baten en lasten."""

    INCOME = "Baten"
    EXPENSES = "Lasten"


@dataclass(frozen=True)
class BalanceLine:
    """One line of the balans: an account (or a computed figure) and its amount at year end."""

    label: str
    amount: Decimal
    account: str | None = None
    note: int | None = None


@dataclass(frozen=True)
class BalanceSheet:
    date: datetime.date
    cash: tuple[BalanceLine, ...]
    receivables: tuple[BalanceLine, ...]
    general_reserve: BalanceLine
    funds: tuple[BalanceLine, ...]
    liabilities: tuple[BalanceLine, ...]

    @property
    def cash_total(self) -> Decimal:
        return _sum(line.amount for line in self.cash)

    @property
    def receivables_total(self) -> Decimal:
        return _sum(line.amount for line in self.receivables)

    @property
    def assets_total(self) -> Decimal:
        return self.cash_total + self.receivables_total

    @property
    def funds_total(self) -> Decimal:
        return _sum(line.amount for line in self.funds)

    @property
    def equity_total(self) -> Decimal:
        return self.general_reserve.amount + self.funds_total

    @property
    def liabilities_total(self) -> Decimal:
        return _sum(line.amount for line in self.liabilities)

    @property
    def equity_and_liabilities_total(self) -> Decimal:
        return self.equity_total + self.liabilities_total


@dataclass(frozen=True)
class StatementLine:
    """One line of the staat van baten en lasten; budgeted is False for an account without a budget line."""

    account: str
    label: str
    section: Section
    group: str | None
    actual: Decimal
    budget: Decimal
    budgeted: bool = True
    note: int | None = None

    @property
    def variance(self) -> Decimal:
        """realisatie - begroting."""
        return self.actual - self.budget


@dataclass(frozen=True)
class Totals:
    actual: Decimal
    budget: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.budget


@dataclass(frozen=True)
class IncomeStatement:
    lines: tuple[StatementLine, ...]

    def section(self, section: Section) -> list[StatementLine]:
        return [line for line in self.lines if line.section is section]

    def total(self, section: Section) -> Totals:
        lines = self.section(section)
        return Totals(_sum(line.actual for line in lines), _sum(line.budget for line in lines))

    @property
    def result(self) -> Totals:
        income, expenses = self.total(Section.INCOME), self.total(Section.EXPENSES)
        return Totals(income.actual - expenses.actual, income.budget - expenses.budget)


@dataclass(frozen=True)
class Allocation:
    """One line of the resultaatbestemming: where a part of the result goes."""

    label: str
    amount: Decimal
    account: str | None = None


@dataclass(frozen=True)
class Note:
    """A numbered note (toelichting): what the books say about one line."""

    number: int
    title: str
    account: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Jaarrekening:
    year: int
    organisation: str
    actual_file: str
    budget_file: str
    balance: BalanceSheet
    statement: IncomeStatement
    allocation: tuple[Allocation, ...]
    funds: tuple[FundFigures, ...]
    notes: tuple[Note, ...] = field(default=())

    @property
    def decimals(self) -> int:
        """0 when every figure is whole euros (as the budget is), else 2: no figure is rounded."""
        amounts: list[Decimal] = [line.amount for line in self.balance_lines()]
        amounts += [value for line in self.statement.lines for value in (line.actual, line.budget)]
        amounts += [allocation.amount for allocation in self.allocation]
        return 0 if all(amount == amount.to_integral_value() for amount in amounts) else 2

    def balance_lines(self) -> list[BalanceLine]:
        b = self.balance
        return [*b.cash, *b.receivables, b.general_reserve, *b.funds, *b.liabilities]


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


# ---------------------------------------------------------------- building it


def jaarrekening(books: YearBooks, query_dir: Path = QUERY_DIR) -> Jaarrekening:
    """The jaarrekening of the budget book's year, from both books (which passed bean-check)."""
    actual, budget = books.actual, books.budget
    lines, year = budget_lines(budget.entries, budget.options)
    if not year:
        raise BookError(f"{budget.filename}: holds no budget entries, so it names no year for a jaarrekening")
    options = actual.options
    actual_opens = open_entries(actual.entries)
    notes = _NoteBook()

    balances = year_end_balances(actual.entries, options, year, query_dir)
    funds = fund_figures(actual.entries, options, year, query_dir)

    def balance_line(account: str, amount: Decimal) -> BalanceLine:
        meta = actual_opens[account].meta if account in actual_opens else {}
        label = str(meta.get("label") or account)
        return BalanceLine(label, amount, account, notes.add(label, account, _meta_items(meta)))

    kinds = {account: kind_of(account, options) for account in balances}
    # Built in the order the balans shows them, so the notes are numbered from the top.
    cash = [balance_line(a, balances[a]) for a in balances if kinds[a] is Kind.CASH]
    receivables = [balance_line(a, balances[a]) for a in balances if kinds[a] is Kind.RECEIVABLE]
    fund_lines = []
    for fund in funds:
        items = [*_meta_items(actual_opens[fund.account].meta),
                 f"Stand 1 januari {year}: {format_euro(fund.opening, 2)}",
                 *([f"Geboekt op het fonds in {year}: {format_euro(fund.booked, 2)}"] if fund.booked else []),
                 f"Baten voor het fonds in {year}: {format_euro(fund.income, 2)}",
                 f"Lasten ten laste van het fonds in {year}: {format_euro(fund.spending, 2)}",
                 f"Stand 31 december {year}: {format_euro(fund.closing, 2)}",
                 *_fund_plan(lines, budget.entries, fund.account, year),
                 *_fund_lines(budget.entries, fund.account)]
        note = notes.add(fund.label, fund.account, items)
        fund_lines.append(BalanceLine(fund.label, fund.closing, fund.account, note))
    liabilities = [balance_line(a, -balances[a]) for a in balances if kinds[a] is Kind.LIABILITY]
    statement = _statement(books, lines, year, notes, actual_opens)
    result = statement.result.actual
    # The equity accounts hold the years before; this year's result is not closed into them in the books.
    equity = -_sum(balances[a] for a in balances if kinds[a] is Kind.EQUITY) + result
    reserve = BalanceLine("Algemene reserve", equity - _sum(fund.closing for fund in funds))
    sheet = BalanceSheet(
        datetime.date(year, 12, 31), tuple(cash), tuple(receivables), reserve, tuple(fund_lines), tuple(liabilities)
    )
    if sheet.assets_total != sheet.equity_and_liabilities_total:
        raise BookError(
            f"{actual.filename}: the balans does not balance: activa {format_euro(sheet.assets_total, 2)}, "
            f"passiva {format_euro(sheet.equity_and_liabilities_total, 2)} (amounts in other currencies "
            "than EUR are not part of a jaarrekening)"
        )

    allocation = [
        Allocation(
            ("Toevoeging aan " if fund.result >= 0 else "Onttrekking aan ") + _fund_name(fund.label),
            fund.result,
            fund.account,
        )
        for fund in funds
    ]
    allocation.append(
        Allocation(
            "Toevoeging aan de algemene reserve"
            if result - _sum(f.result for f in funds) >= 0
            else "Onttrekking aan de algemene reserve",
            result - _sum(f.result for f in funds),
        )
    )
    title = str(options.get("title") or "").split(" — ")[0].strip() or "Vereniging"
    return Jaarrekening(
        year,
        title,
        actual.filename,
        budget.filename,
        sheet,
        statement,
        tuple(allocation),
        tuple(funds),
        tuple(notes.notes),
    )


def _statement(
    books: YearBooks,
    lines: Mapping[str, BudgetLine],
    year: int,
    notes: _NoteBook,
    actual_opens: Mapping[str, data.Open],
) -> IncomeStatement:
    actual, budget = books.actual, books.budget
    income_root = actual.options["name_income"]
    actuals = actuals_by_quarter(actual.entries, year, income_root, actual.options["name_expenses"])
    budget_opens = open_entries(budget.entries)
    decisions = approvals(actual.entries, actual.options["name_expenses"])
    explained = _budget_meta(budget.entries, budget.options)

    def line(account: str, budget_line: BudgetLine | None) -> StatementLine:
        section = Section.INCOME if account.split(":")[0] == income_root else Section.EXPENSES
        meta = budget_opens.get(account) or actual_opens.get(account)
        open_meta = meta.meta if meta is not None else {}
        label = budget_line.label if budget_line else str(open_meta.get("label") or account)
        items = [
            *_meta_items(open_meta),
            *explained.get(account, []),
            *(
                f"Bestuursbesluit: {a.decision} ({a.date:%d-%m-%Y}): overschrijding tot "
                f"{format_euro(a.amount, 2)} goedgekeurd"
                for a in decisions
                if a.account == account
            ),
        ]
        return StatementLine(
            account,
            label,
            section,
            budget_line.group if budget_line else None,
            _sum(actuals.get(account, {}).values()),
            budget_line.total if budget_line else ZERO,
            budget_line is not None,
            notes.add(label, account, items),
        )

    result = [line(account, budget_line) for account, budget_line in lines.items()]
    result += [line(account, None) for account in sorted(actuals) if account not in lines]
    order = {Section.INCOME: 0, Section.EXPENSES: 1}
    result.sort(key=lambda item: (order[item.section], not item.budgeted))
    return IncomeStatement(tuple(result))


def _budget_meta(entries: list, options: dict) -> dict[str, list[str]]:
    """Per budget line, the explaining metadata of its budget entries, e.g. 'Q1: aantal-leden 282, ...'."""
    found: dict[str, list[str]] = {}
    for entry in budget_entries(entries, options["name_income"], options["name_expenses"]):
        items = _meta_items(entry.meta)
        if not items:
            continue
        for posting in entry.postings:
            if posting.account.split(":")[0] in (options["name_income"], options["name_expenses"]):
                found.setdefault(posting.account, []).append(
                    f"Begroting Q{quarter_of(entry.date)} ({entry.narration}): {'; '.join(items)}"
                )
    return found


def _fund_name(label: str) -> str:
    """'bestemmingsfonds X' unless the label says so itself."""
    return label if "fonds" in label.lower() else f"bestemmingsfonds {label}"


def _fund_plan(lines: Mapping[str, BudgetLine], entries: list, fund: str, year: int) -> list[str]:
    """What the budget planned for the fund: the budget of the lines that feed it and spend from it."""
    members = [line for line in lines.values() if line.account in _fund_accounts(entries, fund)]
    if not members:
        return []
    income = _sum(line.total for line in members if line.income)
    spending = _sum(line.total for line in members if not line.income)
    return [
        (
            f"Begroot voor {year}: baten {format_euro(income, 2)}, lasten {format_euro(spending, 2)}, "
            f"toevoeging aan het fonds {format_euro(income - spending, 2)}"
        )
    ]


def _fund_accounts(entries: list, fund: str) -> set[str]:
    return {entry.account for entry in entries if isinstance(entry, data.Open) and entry.meta.get("fonds") == fund}


def _fund_lines(entries: list, fund: str) -> list[str]:
    """Which budget lines feed or spend from the fund (their `fonds:` metadata)."""
    lines = sorted(_fund_accounts(entries, fund))
    return [f"Regels van het fonds: {', '.join(lines)}"] if lines else []


def _meta_items(meta: Mapping[str, Any] | None) -> list[str]:
    """'key: value' for each metadata item that says something about the line."""
    return [
        f"{key}: {_meta_value(value)}"
        for key, value in (meta or {}).items()
        if key not in SILENT_META and not key.startswith("_")
    ]


def _meta_value(value: Any) -> str:
    if isinstance(value, amount_lib.Amount) and value.number is not None:
        return f"{format_euro(value.number, 2)} {value.currency}"
    if isinstance(value, Decimal):
        return format_euro(value, 0 if value == value.to_integral_value() else 2)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


class _NoteBook:
    """Numbers the notes in the order the lines appear; a line with nothing to say gets none."""

    def __init__(self) -> None:
        self.notes: list[Note] = []

    def add(self, title: str, account: str, items: list[str]) -> int | None:
        if not items:
            return None
        note = Note(len(self.notes) + 1, title, account, tuple(items))
        self.notes.append(note)
        return note.number
