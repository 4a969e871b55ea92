"""Earmarked funds (bestemmingsfondsen) and conditional budget lines, as plain data.

Shared by the plugins `plugins.fund_guard` and `plugins.condition_guard` (bean-check),
the Begroting page's funds section, `make kascontrole` and the jaarrekening, so that
every one of them gives the same answer. Pure functions over loaded entries.

The declarations live on `open` directives (ledger/rekeningen.beancount):

    2022-01-01 open Vermogen:Bestemmingsfondsen:Rechtszaak EUR
      label: "Bestemmingsfonds rechtszaak"
        an earmarked fund: an equity account under Vermogen:Bestemmingsfondsen
    2022-01-01 open Inkomsten:GerichteSponsoring:CrowdfundingRechtzaak EUR
      fonds: "Vermogen:Bestemmingsfondsen:Rechtszaak"
        income that feeds the fund (on an income line) or spending paid from it (on an
        expense line)
    2022-01-01 open Uitgaven:VergelijkendOnderzoek EUR
      voorwaarde: "Inkomsten:GerichteSponsoring:Onderzoek"
        a conditional line: spend on it only once income has come in on the named
        income line, or with a board decision (the approvals of plugins.budget_model)

Signs: natural, as in plugins.budget_model: income, spending and a fund's balance are
positive. What a fund holds at a date is its opening balance (what was booked on the
fund account by the first day of the year, an equity credit) plus the income received
up to and including that date, minus what was spent from it up to that date.

Year end: the remainder of the year (income - spending) moves from the result to the
fund. `year_end_transfers` builds that closing entry (dated 31 December, from the
general reserve to the fund); `make nieuw-jaar` writes it into the closing year's book,
so the next year's opening balance holds the fund.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from beancount.core import account as account_lib
from beancount.core import amount as amount_lib
from beancount.core import data

from plugins.budget_model import (
    APPROVAL_META,
    CURRENCY,
    EQUITY_ROOT,
    EXPENSES_ROOT,
    INCOME_ROOT,
    ZERO,
    Approval,
    Booking,
    BudgetLine,
    ModelError,
    book_postings_of,
    booked_by_quarter,
    is_income,
    natural_amount,
)

FUND_PARENT = "Vermogen:Bestemmingsfondsen"
FUND_META = "fonds"
CONDITION_META = "voorwaarde"
GENERAL_RESERVE = "Vermogen:AlgemeneReserve"


class Role(Enum):
    """What a budget line does for a fund."""

    FEEDS = "feeds"  # income line: its income goes into the fund
    SPENDS = "spends"  # expense line: its spending is paid from the fund


@dataclass(frozen=True)
class Fund:
    """An earmarked fund: its equity account and the budget lines that feed and spend from it."""

    account: str
    label: str
    income_lines: tuple[str, ...]
    expense_lines: tuple[str, ...]
    meta: dict

    def role(self, account: str) -> Role | None:
        if account in self.income_lines:
            return Role.FEEDS
        if account in self.expense_lines:
            return Role.SPENDS
        return None


@dataclass(frozen=True)
class FundFigures:
    """A fund over one year: opening balance, income, spending (all positive) and what remains."""

    fund: Fund
    opening: Decimal
    income: Decimal
    spending: Decimal

    @property
    def result(self) -> Decimal:
        """The year's income less spending: what moves to the fund at year end."""
        return self.income - self.spending

    @property
    def remainder(self) -> Decimal:
        """What the fund holds at the end of the year."""
        return self.opening + self.result


@dataclass(frozen=True)
class Condition:
    """A conditional budget line: spending on `account` waits for income on `income_account`."""

    account: str
    label: str
    income_account: str
    meta: dict


# ---------------------------------------------------------------- declarations


def _opens(entries: Iterable) -> dict[str, data.Open]:
    open_ = data.Open
    return {entry.account: entry for entry in entries if type(entry) is open_}


def read_funds(entries: Iterable, options_map: Mapping | None = None) -> tuple[dict[str, Fund], list[ModelError]]:
    """The funds declared in entries, by fund account, and an error per bad declaration.

    A `fonds:` that names an account which is not opened under Vermogen:Bestemmingsfondsen,
    or that sits on an account other than an income or expense line, is an error at
    that open directive.
    """
    income_root, expenses_root = _roots(options_map)
    parent = _fund_parent(options_map)
    opens = _opens(entries)
    declared = {name: entry for name, entry in opens.items() if name.startswith(parent + ":")}
    feeds: dict[str, list[str]] = {name: [] for name in declared}
    spends: dict[str, list[str]] = {name: [] for name in declared}
    errors: list[ModelError] = []
    for name, entry in opens.items():
        target = (entry.meta or {}).get(FUND_META)
        if target is None:
            continue
        root = name.split(":", 1)[0]
        if root not in (income_root, expenses_root):
            errors.append(ModelError(entry.meta, f"{name}: fonds: is only for income and expense lines", entry))
        elif not isinstance(target, str) or target not in declared:
            errors.append(ModelError(entry.meta, (
                f"{name}: fonds: {target!r} is not an opened earmarked fund (an account under {parent})"), entry))
        else:
            (feeds if root == income_root else spends)[target].append(name)
    funds = {
        name: Fund(name, str((entry.meta or {}).get("label") or name), tuple(feeds[name]), tuple(spends[name]),
                   entry.meta)
        for name, entry in sorted(declared.items())
    }
    return funds, errors


def read_conditions(
    entries: Iterable, options_map: Mapping | None = None
) -> tuple[dict[str, Condition], list[ModelError]]:
    """The conditional budget lines, by expense account, and an error per bad `voorwaarde:`."""
    income_root, expenses_root = _roots(options_map)
    opens = _opens(entries)
    conditions: dict[str, Condition] = {}
    errors: list[ModelError] = []
    for name, entry in opens.items():
        target = (entry.meta or {}).get(CONDITION_META)
        if target is None:
            continue
        if name.split(":", 1)[0] != expenses_root:
            errors.append(ModelError(entry.meta, f"{name}: voorwaarde: is only for expense lines", entry))
        elif not isinstance(target, str) or target not in opens or not is_income(target, income_root):
            errors.append(
                ModelError(entry.meta, (f"{name}: voorwaarde: {target!r} is not an opened income line"), entry)
            )
        else:
            conditions[name] = Condition(name, str(entry.meta.get("label") or name), target, entry.meta)
    return conditions, errors


# ---------------------------------------------------------------- figures


def planned_funds(funds: Mapping[str, Fund], lines: Mapping[str, BudgetLine]) -> dict[str, FundFigures]:
    """Each fund's planned income, spending and remainder from the budget lines (no opening balance)."""
    return {
        name: FundFigures(
            fund,
            ZERO,
            sum((lines[a].total for a in fund.income_lines if a in lines), ZERO),
            sum((lines[a].total for a in fund.expense_lines if a in lines), ZERO),
        )
        for name, fund in funds.items()
    }


def actual_funds(
    funds: Mapping[str, Fund], entries: list, year: int, options_map: Mapping | None = None
) -> dict[str, FundFigures]:
    """Each fund's opening balance, actual income, spending and remainder in the year, from the actual book."""
    income_root, expenses_root = _roots(options_map)
    booked, _ = booked_by_quarter(entries, year, income_root, expenses_root)

    def total(accounts: Iterable[str]) -> Decimal:
        return sum((cell.amount for a in accounts for cell in booked.get(a, {}).values()), ZERO)

    openings = opening_balances(funds, entries, year, options_map)
    return {
        name: FundFigures(fund, openings[name], total(fund.income_lines), total(fund.expense_lines))
        for name, fund in funds.items()
    }


def opening_balances(funds: Mapping[str, Fund], entries: Iterable, year: int,
                     options_map: Mapping | None = None) -> dict[str, Decimal]:
    """What each fund held at the start of the year: its account's balance on 1 January (positive)."""
    return _openings(_postings_on(funds, entries, options_map), year)


def _openings(fund_postings: Mapping[str, list[Booking]], year: int) -> dict[str, Decimal]:
    opening = dict.fromkeys(fund_postings, ZERO)
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:  # no budget year known
        return opening
    first_day = datetime.date(year, 1, 1)
    for account, bookings in fund_postings.items():
        opening[account] = -sum((number for date, number, _ in bookings if date <= first_day), ZERO)
    return opening


def _postings_on(
    accounts: Iterable[str], entries: Iterable, options_map: Mapping | None = None
) -> dict[str, list[Booking]]:
    """The EUR postings on each of the accounts, in date order (the book's order within a day).

    From the book's gathered postings (budget_model.book_postings: one pass shared with the
    budget guard and the reports); an account outside the income, expense and equity roots,
    which no fund or condition can name, by a pass of its own. Shared lists: never change them.
    """
    entries = entries if isinstance(entries, list | tuple) else list(entries)  # read twice below
    gathered = book_postings_of(entries, options_map)
    found: dict[str, list[Booking]] = {}
    others: dict[str, list[Booking]] = {}
    for account in accounts:
        if account in gathered.bookings:
            found[account] = gathered.bookings[account]
        elif account_lib.root(1, account) in gathered.roots:
            found[account] = []
        else:
            found[account] = others[account] = []
    if others:
        for entry in entries:
            if type(entry) is data.Transaction:
                for posting in entry.postings:
                    bucket, units = others.get(posting.account), posting.units
                    if bucket is not None and units is not None and units.currency == CURRENCY \
                            and isinstance(units.number, Decimal):
                        bucket.append((entry.date, units.number, entry))
        for bucket in others.values():
            bucket.sort(key=_DATE)
    return found


_DATE = operator.itemgetter(0)  # a Booking's date
_DAY_AND_KIND = operator.itemgetter(0, 1)  # an event's date, then income (0) before spending (1)


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Shortfall:
    """Spending from a fund beyond what it held: at `entry`, the fund held `holds` and had paid out `spent`."""

    fund: Fund
    account: str
    entry: data.Transaction
    holds: Decimal
    spent: Decimal

    @property
    def short(self) -> Decimal:
        return self.spent - self.holds


def fund_shortfalls(funds: Mapping[str, Fund], entries: list, options_map: Mapping | None = None) -> list[Shortfall]:
    """The transactions at which spending from a fund first exceeds what it holds.

    What it holds: the opening balance plus income received up to and including the
    spending's date (income of the same day counts). Reported where the fund goes
    short, and again each time it goes short anew after income restored it. One pass
    over the entries for all funds.
    """
    income_root, _ = _roots(options_map)
    lines = [a for fund in funds.values() for a in fund.income_lines + fund.expense_lines]
    postings = _postings_on([*funds, *lines], entries, options_map)
    fund_postings = {name: postings[name] for name in funds}
    openings: dict[int, dict[str, Decimal]] = {}
    found: list[Shortfall] = []
    for name, fund in funds.items():
        events: list[tuple[datetime.date, int, Decimal, str, data.Transaction]] = []  # income (0) before spending (1)
        for account in fund.income_lines:
            sign = -1 if is_income(account, income_root) else 1
            events.extend((date, 0, sign * number, account, entry) for date, number, entry in postings[account])
        for account in fund.expense_lines:
            events.extend((date, 1, number, account, entry) for date, number, entry in postings[account])
        events.sort(key=_DAY_AND_KIND)
        year = None
        received = spent = ZERO
        short = False
        for date, kind, number, account, entry in events:
            if date.year != year:
                if date.year not in openings:
                    openings[date.year] = _openings(fund_postings, date.year)
                year, received, spent, short = date.year, openings[date.year][name], ZERO, False
            if kind == 0:
                received += number
                short = short and spent > received
                continue
            spent += number
            if spent > received and not short:
                found.append(Shortfall(fund, account, entry, received, spent))
            short = spent > received
    return found


@dataclass(frozen=True)
class Breach:
    """Spending on a conditional line before its income came in, not (fully) approved by the board."""

    condition: Condition
    entry: data.Transaction
    amount: Decimal
    approved: Decimal


@dataclass(frozen=True)
class ConditionStatus:
    """Where a conditional line stands: planned and received income on its condition line, spending on it."""

    condition: Condition
    planned_income: Decimal
    received: Decimal
    spent: Decimal
    met_on: datetime.date | None

    @property
    def met(self) -> bool:
        return self.met_on is not None


def _met_on(income_postings: list[Booking], income_root: str, account: str) -> datetime.date | None:
    received = ZERO
    for date, number, _ in income_postings:
        received += natural_amount(account, number, income_root)
        if received > 0:
            return date
    return None


def condition_met_on(
    condition: Condition, entries: Iterable, options_map: Mapping | None = None
) -> datetime.date | None:
    """The date the condition was met: the first day the income booked on its income line was positive."""
    income_root, _ = _roots(options_map)
    postings = _postings_on([condition.income_account], entries, options_map)[condition.income_account]
    return _met_on(postings, income_root, condition.income_account)


def condition_breaches(
    conditions: Mapping[str, Condition],
    entries: list,
    approvals: Iterable[Approval],
    options_map: Mapping | None = None,
) -> list[Breach]:
    """Spending on a conditional line dated before its condition was met, beyond the board's approvals.

    Board approvals are those of plugins.budget_model.read_approvals: `bestuursbesluit:`
    on the transaction approves its spending; `custom "overschrijding-goedgekeurd"` on the
    line approves spending up to its amount (all such decisions of the line together).
    One pass over the entries for all conditions.
    """
    income_root, _ = _roots(options_map)
    pools: dict[str, Decimal] = {}
    approved_meta: set[int] = set()  # the meta dicts that carry a bestuursbesluit
    for approval in approvals:
        if approval.account not in conditions:
            continue
        if APPROVAL_META in (approval.meta or {}):
            approved_meta.add(id(approval.meta))
        else:
            pools[approval.account] = pools.get(approval.account, ZERO) + approval.amount
    postings = _postings_on([*conditions, *(c.income_account for c in conditions.values())], entries, options_map)
    found: list[Breach] = []
    for name, condition in conditions.items():
        met_on = _met_on(postings[condition.income_account], income_root, condition.income_account)
        pool = pools.get(name, ZERO)
        spending: dict[int, tuple[data.Transaction, Decimal]] = {}  # per transaction, in date order
        for date, number, booked in postings[name]:
            if met_on is not None and date >= met_on:
                break
            entry, amount = spending.get(id(booked), (booked, ZERO))
            spending[id(booked)] = (entry, amount + number)
        for entry, amount in spending.values():
            if (
                amount <= 0
                or id(entry.meta) in approved_meta
                or any(id(p.meta) in approved_meta for p in entry.postings if p.account == name)
            ):
                continue
            used = min(pool, amount)
            pool -= used
            if used < amount:
                found.append(Breach(condition, entry, amount, used))
    return found


def condition_status(
    conditions: Mapping[str, Condition],
    lines: Mapping[str, BudgetLine],
    entries: list,
    year: int,
    options_map: Mapping | None = None,
) -> list[ConditionStatus]:
    """Each conditional line's status: planned and received income of its condition, and spending so far."""
    income_root, expenses_root = _roots(options_map)
    booked, _ = booked_by_quarter(entries, year, income_root, expenses_root)

    def total(account: str) -> Decimal:
        return sum((cell.amount for cell in booked.get(account, {}).values()), ZERO)

    return [
        ConditionStatus(
            condition,
            lines[condition.income_account].total if condition.income_account in lines else ZERO,
            total(condition.income_account),
            total(name),
            condition_met_on(condition, entries, options_map),
        )
        for name, condition in conditions.items()
    ]


# ---------------------------------------------------------------- year end


def year_end_transfers(
    figures: Mapping[str, FundFigures], year: int, reserve: str = GENERAL_RESERVE
) -> list[data.Transaction]:
    """The closing entries of the year: each fund's result moves from the general reserve to the fund.

    One transaction per fund whose result is not zero, dated 31 December:

        2022-12-31 * "Resultaatbestemming: Bestemmingsfonds …"
          Vermogen:Bestemmingsfondsen:…   -<result> EUR   ; the fund grows by the result
          Vermogen:AlgemeneReserve         <result> EUR

    `figures` are the actual figures (actual_funds). Render them with
    beancount.parser.printer.format_entry; the writer (make nieuw-jaar) needs the
    reserve account opened in the book.
    """
    day = datetime.date(year, 12, 31)
    transfers = []
    for name, figure in figures.items():
        if figure.result == 0:
            continue
        meta = data.new_metadata("<plugins.funds>", 0)
        number = figure.result
        postings = [
            data.Posting(name, amount_lib.Amount(-number, CURRENCY), None, None, None, None),
            data.Posting(reserve, amount_lib.Amount(number, CURRENCY), None, None, None, None),
        ]
        transfers.append(
            data.Transaction(
                meta,
                day,
                "*",
                None,
                f"Resultaatbestemming: {figure.fund.label}",
                data.EMPTY_SET,
                data.EMPTY_SET,
                postings,
            )
        )
    return transfers


def _eur(posting: data.Posting) -> Decimal | None:
    """A posting's number when it is in EUR (the only currency of the budget), else None."""
    units = posting.units
    if units is None or units.currency != CURRENCY or not isinstance(units.number, Decimal):
        return None
    return units.number


def _roots(options_map: Mapping | None) -> tuple[str, str]:
    options_map = options_map or {}
    return options_map.get("name_income", INCOME_ROOT), options_map.get("name_expenses", EXPENSES_ROOT)


def _fund_parent(options_map: Mapping | None) -> str:
    equity = (options_map or {}).get("name_equity", EQUITY_ROOT)
    return equity + FUND_PARENT[len("Vermogen") :]
