"""The Begroting page's section on earmarked funds and conditional budget lines.

A separate block at the end of the page (templates/Begroting.html, "Bestemmingsfondsen"):
per fund the planned and actual income, spending and remainder; below it each
conditional line with its condition and whether it is met. Every figure comes from
plugins.funds, the model that bean-check's fund_guard and condition_guard use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from plugins.budget_book import budget_setting, load_budget_book
from plugins.budget_model import BudgetLine, budget_lines
from plugins.funds import (
    FundFigures,
    actual_funds,
    condition_status,
    planned_funds,
    read_conditions,
    read_funds,
)
from report.dutch_format import format_euro

MISSING = "—"


@dataclass(frozen=True)
class FundRow:
    """One fund: planned and actual income, spending and remainder, as the page prints them."""

    label: str
    account: str
    planned: tuple[str, str, str]  # income, spending, remainder
    actual: tuple[str, str, str, str] | None  # opening, income, spending, remainder; None on the budget book


@dataclass(frozen=True)
class ConditionRow:
    """One conditional line: its condition, planned and received income, spending, and whether it is met."""

    label: str
    account: str
    condition: str
    planned_income: str
    received: str
    spent: str
    met: bool
    status: str


@dataclass
class FundsSection:
    funds: list[FundRow] = field(default_factory=list)
    conditions: list[ConditionRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.funds and not self.conditions


def _euro(value: Decimal | None) -> str:
    if value is None:
        return MISSING
    return format_euro(value, 0 if value == value.to_integral_value() else 2)


def _figures(figure: FundFigures) -> tuple[str, str, str]:
    return _euro(figure.income), _euro(figure.spending), _euro(figure.remainder)


def funds_section(entries: Sequence, options: Mapping) -> FundsSection:
    """The section for a book: the actual book (beside the budget its budget_guard names) or the budget book."""
    section = FundsSection()
    funds, fund_errors = read_funds(entries, options)
    conditions, condition_errors = read_conditions(entries, options)
    section.notes += [error.message for error in fund_errors + condition_errors]
    entries = list(entries)
    setting, _ = budget_setting(entries, options)  # a bad setting: the page above names the error
    lines: Mapping[str, BudgetLine]
    if setting is None:  # the budget book itself
        lines, year = budget_lines(entries, options)
        actual = None
    else:
        book = load_budget_book(setting.path)
        lines, year = book.lines, book.year
        if not lines:  # the page above says why the budget cannot be shown
            return section
        actual = actual_funds(funds, entries, year, options)
    planned = planned_funds(funds, lines)
    for name, fund in funds.items():
        real = actual[name] if actual is not None else None
        section.funds.append(FundRow(fund.label, name, _figures(planned[name]),
                                     (_euro(real.opening), *_figures(real)) if real is not None else None))
    if setting is None:
        for condition in conditions.values():
            income = lines.get(condition.income_account)
            section.conditions.append(ConditionRow(
                condition.label, condition.account, _label(entries, condition.income_account),
                _euro(income.total if income else None), MISSING, MISSING, False,
                "uitgeven pas als deze inkomsten binnen zijn (of met een bestuursbesluit)"))
        return section
    for status in condition_status(conditions, lines, entries, year, options):
        condition = status.condition
        text = (f"voldaan: inkomsten binnen sinds {status.met_on:%d-%m-%Y}" if status.met_on is not None
                else "nog niet voldaan: uitgeven alleen met een bestuursbesluit")
        section.conditions.append(ConditionRow(
            condition.label, condition.account, _label(entries, condition.income_account),
            _euro(status.planned_income), _euro(status.received), _euro(status.spent), status.met, text))
    return section


def _label(entries: list, account: str) -> str:
    for entry in entries:
        if getattr(entry, "account", None) == account and type(entry).__name__ == "Open":
            return str((entry.meta or {}).get("label") or account)
    return account
