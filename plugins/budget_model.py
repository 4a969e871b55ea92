"""The budget as plain data: budget lines, actuals, board approvals and overruns.

Shared by the budget plugins (`plugins.budget_rules`, `plugins.budget_guard`), the
reports (`report.variance`, `report.income_watch`) and the Fava "Begroting" page. Pure
functions over loaded Beancount entries; `plugins.budget_book` finds and loads the budget
book. The verdict "over budget" (`judge`), the unreviewed entries (`unreviewed`) and the
income still owed (`overdue_income`) are computed here only, so bean-check, the page and
the reports cannot disagree.

Signs: every amount in this module has its natural sign. Budgeted and actual income
are positive, budgeted and actual expenses are positive (Beancount books income as
negative numbers; `natural_amount` turns them round).

Quarters are the integers 1..4 of the budget year. A budget entry belongs to the
quarter of its date (`budget_rules` checks that its #Q1..#Q4 tag says the same).

The ledger's records that this module reads:

    2022-01-01 custom "begroting-vastgesteld" "Q1" 1000 EUR 800 EUR 200 EUR
        the adopted budget of a quarter: TOTAAL inkomsten, TOTAAL uitgaven, RESULTAAT
        (read and checked by budget_rules; a later-dated entry for the same quarter is
        a budget amendment and supersedes the earlier one)
    2022-05-20 custom "overschrijding-goedgekeurd" Uitgaven:Festival 2500 EUR "Bestuursbesluit 2022-07"
        a board decision approving an overrun of a budget line by up to that amount
    bestuursbesluit: "Bestuursbesluit 2022-07"
        the same approval as metadata on a transaction (or on one of its postings): the
        transaction's spending on its expense lines is approved
"""

from __future__ import annotations

import datetime
import enum
import functools
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import account as account_lib
from beancount.core import amount as amount_lib
from beancount.core import data

INCOME_ROOT = "Inkomsten"
EXPENSES_ROOT = "Uitgaven"
EQUITY_ROOT = "Vermogen"
CURRENCY = "EUR"
QUARTERS = (1, 2, 3, 4)

COMMITTED_TAG = "toegezegd"
UNCOMMITTED_TAG = "niet-toegezegd"
ADOPTED_TYPE = "begroting-vastgesteld"
APPROVAL_TYPE = "overschrijding-goedgekeurd"
APPROVAL_META = "bestuursbesluit"
SUSPENSE_ACCOUNT = "NogTeRubriceren"  # under the liabilities root: bank lines no rule recognised
UNREVIEWED_FLAG = "!"

ZERO = Decimal(0)


class ModelError(NamedTuple):
    """A Beancount-style error (source meta, message, entry) raised by this module."""

    source: dict
    message: str
    entry: Any


# ---------------------------------------------------------------- quarters and signs


def quarter_of(date: datetime.date) -> int:
    """The quarter (1..4) of a date."""
    return (date.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> datetime.date:
    """The first day of a quarter."""
    return datetime.date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    """The last day of a quarter."""
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return quarter_start(year, quarter + 1) - datetime.timedelta(days=1)


def quarter_tags(tags: Iterable[str] | None) -> list[int]:
    """The quarters named by the quarter tags (#Q1..#Q4) among tags, sorted."""
    return sorted(int(tag[1]) for tag in (tags or ()) if len(tag) == 2 and tag[0] == "Q" and tag[1] in "1234")


@functools.lru_cache(maxsize=4096)
def _root(account: str) -> str:
    """The root of an account name, cached: a book has a few dozen accounts and is asked
    once per posting (splitting and joining the name each time was half the plugin's cost)."""
    return account_lib.root(1, account)


def is_budget_account(account: str, income_root: str = INCOME_ROOT, expenses_root: str = EXPENSES_ROOT) -> bool:
    """True for an income or expense account (one that a budget line can be)."""
    root = _root(account)
    return root == income_root or root == expenses_root


def is_income(account: str, income_root: str = INCOME_ROOT) -> bool:
    """True for an income account."""
    return _root(account) == income_root


def natural_amount(account: str, number: Decimal, income_root: str = INCOME_ROOT) -> Decimal:
    """A posting's number with its natural sign: income positive, expenses positive."""
    return -number if is_income(account, income_root) else number


def _zero_quarters() -> dict[int, Decimal]:
    return {quarter: ZERO for quarter in QUARTERS}


# ---------------------------------------------------------------- budget lines


@dataclass(frozen=True)
class BudgetLine:
    """One line of the budget: an income or expense account and its budget per quarter.

    quarters holds all four quarters (0 where nothing is budgeted), natural sign.
    committed: for income True when every budget entry of the line is #toegezegd,
    False when any is #niet-toegezegd (or carries no commitment tag); None for expenses.
    committed_by_quarter: for income, the same per quarter that has a budget entry.
    committed_amounts / uncommitted_amounts: for income, the budget of its #toegezegd
    entries and of its other entries per quarter (only quarters that have such entries).
    Treat instances as read-only: plugins.budget_book shares them between callers.
    """

    account: str
    label: str
    group: str | None
    order: int
    income: bool
    quarters: dict[int, Decimal]
    committed: bool | None
    committed_by_quarter: dict[int, bool] = field(default_factory=dict)
    committed_amounts: dict[int, Decimal] = field(default_factory=dict)
    uncommitted_amounts: dict[int, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """The budget of the year."""
        return sum(self.quarters.values(), ZERO)

    def cumulative(self, quarter: int) -> Decimal:
        """The budget from the start of the year up to and including the quarter."""
        return sum((self.quarters[q] for q in QUARTERS if q <= quarter), ZERO)


def budget_entries(entries: Iterable, income_root: str = INCOME_ROOT, expenses_root: str = EXPENSES_ROOT):
    """The budget entries among entries: transactions that post to an income or expense account."""
    for entry in entries:
        if isinstance(entry, data.Transaction) and any(
            is_budget_account(posting.account, income_root, expenses_root) for posting in entry.postings
        ):
            yield entry


def budget_lines(entries: Sequence, options_map: Mapping | None = None) -> tuple[dict[str, BudgetLine], int]:
    """The budget lines of a loaded budget book, in the order of the `regel` metadata.

    A budget line is an income or expense account that a budget entry posts to; its
    label, group and order come from the `label`, `groep` and `regel` metadata of its
    `open` directive. Only EUR postings count. Returns (lines by account, budget
    year); the year is that of the earliest budget entry (0 when there is none).
    """
    income_root, expenses_root = _roots(options_map)
    opens = {entry.account: entry for entry in entries if isinstance(entry, data.Open)}
    amounts: dict[str, dict[int, Decimal]] = {}
    commitment: dict[str, dict[int, bool]] = {}
    split: dict[tuple[str, bool], dict[int, Decimal]] = {}
    year = 0
    for entry in budget_entries(entries, income_root, expenses_root):
        year = year or entry.date.year
        quarter = quarter_of(entry.date)
        tags = entry.tags or frozenset()
        committed = COMMITTED_TAG in tags and UNCOMMITTED_TAG not in tags
        for posting in entry.postings:
            if not is_budget_account(posting.account, income_root, expenses_root):
                continue
            quarters = amounts.setdefault(posting.account, _zero_quarters())
            number = ZERO
            if posting.units is not None and posting.units.currency == CURRENCY:
                number = natural_amount(posting.account, posting.units.number, income_root)
                quarters[quarter] += number
            if is_income(posting.account, income_root):
                by_quarter = commitment.setdefault(posting.account, {})
                by_quarter[quarter] = by_quarter.get(quarter, True) and committed
                part = split.setdefault((posting.account, committed), {})
                part[quarter] = part.get(quarter, ZERO) + number

    lines = []
    for account, quarters in amounts.items():
        meta = opens[account].meta if account in opens else {}
        income = is_income(account, income_root)
        by_quarter = commitment.get(account, {}) if income else {}
        lines.append(
            BudgetLine(
                account=account,
                label=str(meta.get("label") or account),
                group=str(meta["groep"]) if meta.get("groep") else None,
                order=_order(meta.get("regel")),
                income=income,
                quarters=quarters,
                committed=all(by_quarter.values()) if income else None,
                committed_by_quarter=dict(sorted(by_quarter.items())),
                committed_amounts=dict(sorted(split.get((account, True), {}).items())),
                uncommitted_amounts=dict(sorted(split.get((account, False), {}).items())),
            )
        )
    lines.sort(key=lambda line: (line.order, line.account))
    return {line.account: line for line in lines}, year


def _order(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 10**6


def _roots(options_map: Mapping | None) -> tuple[str, str]:
    options_map = options_map or {}
    return options_map.get("name_income", INCOME_ROOT), options_map.get("name_expenses", EXPENSES_ROOT)


# ---------------------------------------------------------------- actuals


class Booked(NamedTuple):
    """What is booked on one account in one quarter: the amount (natural sign) and the number of postings."""

    amount: Decimal
    postings: int


def booked_by_quarter(
    entries: Iterable, year: int, income_root: str = INCOME_ROOT, expenses_root: str = EXPENSES_ROOT
) -> tuple[dict[str, dict[int, Booked]], int]:
    """Income and expenses booked per account and quarter of the year, EUR only.

    From the book's gathered postings (book_postings). Returns (account -> quarter -> Booked,
    only quarters with postings) and the number of postings on income and expense accounts
    outside the year.
    queries/realisatie.bql answers the same question for bean-query and Fava's Query
    page; tests/test_realisatie.py checks that both agree.
    """
    gathered = book_postings(entries, income_root, expenses_root)
    sums: dict[str, list[list]] = {}  # per account its four quarters' [amount, count]
    outside = 0
    for account in gathered.budget_accounts:
        quarters = None
        for date, number, _ in gathered.bookings[account]:
            if date.year != year:
                outside += 1
                continue
            if quarters is None:
                quarters = sums[account] = [[ZERO, 0] for _ in QUARTERS]
            cell = quarters[quarter_of(date) - 1]
            cell[0] += number
            cell[1] += 1
    booked = {account: {quarter: Booked(natural_amount(account, amount, income_root), count)
                        for quarter, (amount, count) in zip(QUARTERS, quarters, strict=True) if count}
              for account, quarters in sums.items()}
    return booked, outside


def foreign_postings(
    entries: Iterable, income_root: str = INCOME_ROOT, expenses_root: str = EXPENSES_ROOT
) -> list[tuple[data.Transaction, data.Posting]]:
    """Postings on income and expense accounts in another currency than the budget's: they count
    nowhere in the figures (plugins.budget_guard reports each as an error of the book)."""
    return list(book_postings(entries, income_root, expenses_root).foreign)


def actuals_by_quarter(
    entries: Iterable, year: int, income_root: str = INCOME_ROOT, expenses_root: str = EXPENSES_ROOT
) -> dict[str, dict[int, Decimal]]:
    """Actual income and expenses per account and quarter of the year, natural sign, EUR only.

    Every account that has a posting in the year is present with all four quarters.
    """
    booked, _ = booked_by_quarter(entries, year, income_root, expenses_root)
    return {account: {quarter: quarters[quarter].amount if quarter in quarters else ZERO for quarter in QUARTERS}
            for account, quarters in booked.items()}


# ---------------------------------------------------------------- approvals


@dataclass(frozen=True)
class Approval:
    """A board decision approving an overrun of one budget line by up to amount (EUR)."""

    date: datetime.date
    account: str
    amount: Decimal
    decision: str
    meta: dict

    @property
    def quarter(self) -> int:
        return quarter_of(self.date)


def read_approvals(entries: Iterable, expenses_root: str = EXPENSES_ROOT) -> tuple[list[Approval], list[ModelError]]:
    """The board's approvals in entries, and an error for each malformed approval record.

    Reads `custom "overschrijding-goedgekeurd" ACCOUNT AMOUNT "DECISION"` entries and
    `bestuursbesluit: "DECISION"` metadata on a transaction or posting; the latter
    approves the transaction's (positive) spending on each expense account it names.
    """
    gathered = book_postings(entries, expenses_root=expenses_root)
    return list(gathered.approvals), list(gathered.approval_errors)


def _transaction_approvals(entry: data.Transaction, expenses_root: str, found: list[Approval],
                           errors: list[ModelError]) -> None:
    """The approvals that `bestuursbesluit:` on a transaction (or its postings) gives, into found;
    a blank one into errors."""
    blank = [meta for meta in (entry.meta, *(p.meta for p in entry.postings))
             if meta and APPROVAL_META in meta and not str(meta[APPROVAL_META] or "").strip()]
    if blank:
        errors.append(ModelError(entry.meta, (
            f"{APPROVAL_META}: is blank ({blank[0][APPROVAL_META]!r}): an approval must name the board "
            f'decision, e.g. {APPROVAL_META}: "Bestuursbesluit 2022-07"'), entry))
    for posting in entry.postings:
        meta = posting.meta if (posting.meta or {}).get(APPROVAL_META) else entry.meta
        decision = str((meta or {}).get(APPROVAL_META) or "").strip()
        if not decision or _root(posting.account) != expenses_root:
            continue
        number = posting.units.number if posting.units is not None else None
        if posting.units is None or posting.units.currency != CURRENCY or number is None or number <= 0:
            continue
        # the meta itself, not a copy: plugins.funds knows an approved transaction by its meta's identity
        found.append(Approval(entry.date, posting.account, number, decision, meta if meta is not None else {}))


def approvals(entries: Iterable, expenses_root: str = EXPENSES_ROOT) -> list[Approval]:
    """The well-formed approvals in entries (see read_approvals for the errors)."""
    return read_approvals(entries, expenses_root)[0]


def _custom_approval(entry: data.Custom) -> tuple[Approval | None, str]:
    usage = f'expected: {entry.date} custom "{APPROVAL_TYPE}" ACCOUNT AMOUNT EUR "DECISION"'
    values = [value.value for value in entry.values]
    if len(values) != 3:
        return None, f"approval needs an account, an amount and a decision, found {len(values)} values; {usage}"
    account, amount, decision = values
    if entry.values[0].dtype != account_lib.TYPE:
        return None, f"approval's first value must be an account, not {account!r}; {usage}"
    if not isinstance(amount, amount_lib.Amount) or amount.number is None:
        return None, f"approval's second value must be an amount in {CURRENCY}, not {amount!r}; {usage}"
    if amount.currency != CURRENCY:
        return None, f"approval amount must be in {CURRENCY}, not {amount.currency}"
    if amount.number <= 0:
        return None, f"approval amount must be positive, not {amount.number} {amount.currency}"
    if not isinstance(decision, str) or not decision.strip():
        return None, f"approval must name the board decision; {usage}"
    return Approval(entry.date, account, amount.number, decision.strip(), entry.meta), ""


# ---------------------------------------------------------------- the book's postings, gathered once

# One EUR posting on an account: (date, number as booked, its transaction).
Booking = tuple[datetime.date, Decimal, data.Transaction]


@dataclass(frozen=True)
class BookPostings:
    """What the guards and the reports read from every transaction of a book, in one pass.

    bookings: per income, expense or equity account, its EUR postings as Bookings in date
      order (the book's order within a day); budget_accounts: the income and expense
      accounts among them; foreign: the postings on income and expense accounts in another
      currency; approvals and approval_errors: the board's approvals (see read_approvals).
    Shared by every caller that asks about the same transactions: never change its lists.
    """

    roots: tuple[str, str, str]
    bookings: Mapping[str, list[Booking]]
    budget_accounts: frozenset[str]
    foreign: Sequence[tuple[data.Transaction, data.Posting]]
    approvals: Sequence[Approval]
    approval_errors: Sequence[ModelError]


# The last gathering: (roots, the transactions and approval records it read, BookPostings).
_GATHERED: list[tuple[tuple[str, str, str], list, BookPostings]] = []


def book_postings(entries: Iterable, income_root: str = INCOME_ROOT, expenses_root: str = EXPENSES_ROOT,
                  equity_root: str = EQUITY_ROOT) -> BookPostings:
    """The book's postings as the budget, fund and condition guards and the reports read them.

    The guards run one after the other on the same book (Beancount hands each plugin the
    list the one before returned: ours add queries and Fava budgets, never change a
    transaction), and the reports read it again after them; walking every posting once per
    reader was most of the plugins' cost. So the gathering is kept with the transactions
    and approval records it was made from (held, so no object's id can be reused) and
    handed out again when asked about the very same ones in the same order (compared by
    identity, in C). Anything else is gathered afresh.
    """
    transaction, custom = data.Transaction, data.Custom
    read = [entry for entry in entries
            if type(entry) is transaction or (type(entry) is custom and entry.type == APPROVAL_TYPE)]
    roots = (income_root, expenses_root, equity_root)
    if _GATHERED and _GATHERED[0][0] == roots and _same_objects(_GATHERED[0][1], read):
        return _GATHERED[0][2]
    gathered = _gather(read, roots)
    _GATHERED[:] = [(roots, read, gathered)]
    return gathered


def book_postings_of(entries: Iterable, options_map: Mapping | None) -> BookPostings:
    """book_postings with the book's own root names (its options; the defaults without them)."""
    income_root, expenses_root = _roots(options_map)
    return book_postings(entries, income_root, expenses_root, (options_map or {}).get("name_equity", EQUITY_ROOT))


def _same_objects(kept: list, read: list) -> bool:
    """The very same objects in the same order: by identity only (`==` would compare an equal
    book loaded again value by value, slower than gathering it afresh)."""
    return len(kept) == len(read) and all(map(operator.is_, kept, read))


def _gather(read: list, roots: tuple[str, str, str]) -> BookPostings:
    income_root, expenses_root, equity_root = roots
    bookings: dict[str, list[Booking]] = {}
    buckets: dict[str, list[Booking] | None] = {}  # each account classified once: its list, or None
    budget_accounts: set[str] = set()
    foreign: list[tuple[data.Transaction, data.Posting]] = []
    found: list[Approval] = []
    errors: list[ModelError] = []
    transaction, decimal = data.Transaction, Decimal
    for entry in read:
        if type(entry) is not transaction:  # an approval record
            approval, message = _custom_approval(entry)
            if approval is None:
                errors.append(ModelError(entry.meta, message, entry))
            else:
                found.append(approval)
            continue
        approved = APPROVAL_META in (entry.meta or ())
        date = entry.date
        for posting in entry.postings:
            if not approved and posting.meta and APPROVAL_META in posting.meta:
                approved = True
            account = posting.account
            bucket = buckets.get(account, _UNSEEN)
            if bucket is _UNSEEN:
                root = _root(account)
                if root == income_root or root == expenses_root:
                    budget_accounts.add(account)
                bucket = buckets[account] = (bookings.setdefault(account, [])
                                             if root in (income_root, expenses_root, equity_root) else None)
            if bucket is None:
                continue
            units = posting.units
            if units is None:
                continue
            if units.currency == CURRENCY:
                if type(units.number) is decimal:
                    bucket.append((date, units.number, entry))
            elif account in budget_accounts:
                foreign.append((entry, posting))
        if approved:
            _transaction_approvals(entry, expenses_root, found, errors)
    for bucket in bookings.values():
        bucket.sort(key=_DATE)  # stable, and already in order for a loaded book
    return BookPostings(roots, bookings, frozenset(budget_accounts), tuple(foreign), tuple(found), tuple(errors))


_UNSEEN: Any = object()  # an account not classified yet
_DATE = operator.itemgetter(0)  # a Booking's date


# ---------------------------------------------------------------- overruns


@dataclass(frozen=True)
class Overrun:
    """An expense line over its budget at the end of a quarter.

    cumulative: True when budget and actual run from the start of the year to the end
    of the quarter (year to date), False when they cover the quarter alone.
    budget is the adopted budget (approvals not included); overrun = actual - budget;
    percent = overrun / budget x 100, one decimal (None when the budget is 0).
    approved: the part of the overrun that board approvals cover; approvals: those
    approvals. approval is set (to the latest of them) when the approvals cover the
    overrun within the tolerance: then the overrun is approved and not an error.
    """

    account: str
    label: str
    quarter: int
    budget: Decimal
    actual: Decimal
    overrun: Decimal
    percent: Decimal | None
    approval: Approval | None
    cumulative: bool
    approved: Decimal = ZERO
    approvals: tuple[Approval, ...] = ()

    @property
    def unapproved(self) -> Decimal:
        """The part of the overrun that no approval covers."""
        return max(self.overrun - self.approved, ZERO)


def allowance(budget: Decimal, tolerance: Decimal = ZERO, tolerance_percent: Decimal = ZERO) -> Decimal:
    """How far actual may exceed budget unnoticed: the larger of the two tolerances."""
    return max(Decimal(tolerance), max(budget, ZERO) * Decimal(tolerance_percent) / 100)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """part as a percentage of whole, one decimal; None when whole is not positive."""
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"))


def find_overruns(
    lines: Mapping[str, BudgetLine],
    actuals: Mapping[str, Mapping[int, Decimal]],
    approvals: Iterable[Approval],
    tolerance: Decimal = ZERO,
    tolerance_percent: Decimal = ZERO,
    cumulative: bool = True,
) -> list[Overrun]:
    """Every expense line and quarter whose actual exceeds its budget by more than the tolerance.

    cumulative=True (the default) compares year to date at the end of each quarter, so
    an underspend carries into later quarters; False compares each quarter alone.
    Approvals count for the budget year of the line whatever their date (a board
    usually approves after the fact): cumulatively all of a line's approvals raise
    its ceiling; per quarter they are used up by the quarters' overruns in order.
    Approved overruns are returned too (approval set); ordered by line, then quarter.
    """
    by_account: dict[str, list[Approval]] = {}
    for approval in sorted(approvals, key=lambda a: a.date):
        by_account.setdefault(approval.account, []).append(approval)

    found: list[Overrun] = []
    for line in lines.values():
        if line.income:
            continue
        actual_quarters = actuals.get(line.account) or {}
        line_approvals = by_account.get(line.account, [])
        pool = sum((a.amount for a in line_approvals), ZERO)
        for quarter in QUARTERS:
            if cumulative:
                budget = line.cumulative(quarter)
                actual = sum((actual_quarters.get(q, ZERO) for q in QUARTERS if q <= quarter), ZERO)
            else:
                budget = line.quarters[quarter]
                actual = actual_quarters.get(quarter, ZERO)
            overrun = actual - budget
            allowed = allowance(budget, tolerance, tolerance_percent)
            if overrun <= allowed:
                continue
            approved = min(pool, overrun)
            if not cumulative:
                pool -= approved
            covered = bool(line_approvals) and overrun - approved <= allowed
            found.append(
                Overrun(
                    account=line.account,
                    label=line.label,
                    quarter=quarter,
                    budget=budget,
                    actual=actual,
                    overrun=overrun,
                    percent=percent_of(overrun, budget),
                    approval=line_approvals[-1] if covered else None,
                    cumulative=cumulative,
                    approved=approved,
                    approvals=tuple(line_approvals) if approved else (),
                )
            )
    return found


# ---------------------------------------------------------------- the verdict


@dataclass(frozen=True)
class Policy:
    """The rule for "over budget", as the guard's configuration states it.

    tolerance / tolerance_percent: how far an expense line may run over unnoticed (the
    larger of the two applies); cumulative: judge year to date at the end of each quarter
    (True, the default) or each quarter alone (per_quarter).
    """

    tolerance: Decimal = ZERO
    tolerance_percent: Decimal = ZERO
    cumulative: bool = True

    def allowance(self, budget: Decimal) -> Decimal:
        return allowance(budget, self.tolerance, self.tolerance_percent)


class Verdict(enum.Enum):
    """What one expense line in one quarter is, by the policy: the one answer bean-check, the page
    and the reports give. The values are the page's CSS classes."""

    OVER = "overschreden"  # over budget, not approved, arising or growing here: bean-check reports it
    APPROVED = "goedgekeurd"  # over budget by the policy, the board's approvals cover it
    INFO = "info"  # the quarter's own figure above its quarter budget, but no (new) overrun by the policy


@dataclass(frozen=True)
class Judgement:
    """The verdict on one expense line in one quarter; overrun is the overrun by the policy
    (None for a quarter that is only above its own quarter budget), allowed the tolerance."""

    account: str
    quarter: int
    verdict: Verdict
    overrun: Overrun | None
    allowed: Decimal


def judge(
    lines: Mapping[str, BudgetLine],
    actuals: Mapping[str, Mapping[int, Decimal]],
    approvals: Iterable[Approval],
    policy: Policy,
) -> dict[tuple[str, int], Judgement]:
    """The verdict per (expense line, quarter) wherever there is one to give.

    OVER exactly where bean-check reports an overrun: an unapproved overrun by the policy,
    in the quarter it arises and again where it grows (year to date, a line still over by
    the same amount is the overrun reported before: INFO). APPROVED where approvals cover
    an overrun. INFO where the quarter's own spending is above its quarter budget while
    the line is within budget by the policy.
    """
    found: dict[tuple[str, int], Judgement] = {}
    uncovered: dict[tuple[str, int], Decimal] = {}
    overruns = find_overruns(lines, actuals, approvals, policy.tolerance, policy.tolerance_percent, policy.cumulative)
    for overrun in overruns:
        key = (overrun.account, overrun.quarter)
        allowed = policy.allowance(overrun.budget)
        uncovered[key] = ZERO if overrun.approval else overrun.unapproved
        if overrun.approval:
            verdict = Verdict.APPROVED
        else:
            before = uncovered.get((overrun.account, overrun.quarter - 1), ZERO) if overrun.cumulative else ZERO
            verdict = Verdict.OVER if overrun.unapproved > before else Verdict.INFO
        found[key] = Judgement(overrun.account, overrun.quarter, verdict, overrun, allowed)
    for line in lines.values():
        if line.income:
            continue
        spent = actuals.get(line.account) or {}
        for quarter in QUARTERS:
            if (line.account, quarter) not in found and spent.get(quarter, ZERO) > line.quarters[quarter]:
                found[(line.account, quarter)] = Judgement(line.account, quarter, Verdict.INFO, None,
                                                           policy.allowance(line.quarters[quarter]))
    return found


def year_verdict(judgements: Mapping[tuple[str, int], Judgement], account: str) -> Verdict | None:
    """The line's verdict for the year: OVER if any quarter is, else APPROVED, else INFO, else None."""
    verdicts = {judgements[(account, q)].verdict for q in QUARTERS if (account, q) in judgements}
    return next((v for v in (Verdict.OVER, Verdict.APPROVED, Verdict.INFO) if v in verdicts), None)


# ---------------------------------------------------------------- unreviewed entries


def suspense_account(options_map: Mapping | None = None) -> str:
    """The account where bank lines wait to be classified: Passiva:NogTeRubriceren."""
    return f"{(options_map or {}).get('name_liabilities', 'Passiva')}:{SUSPENSE_ACCOUNT}"


@dataclass(frozen=True)
class Unreviewed:
    """The entries nobody has reviewed yet: flagged `!` or posting to the suspense account.

    amount: their net effect as the bank saw it (minus the sum of their postings on the
    suspense account and on income and expense accounts, EUR): negative when more went out.
    """

    entries: tuple[data.Transaction, ...]
    amount: Decimal
    account: str

    @property
    def count(self) -> int:
        return len(self.entries)

    def quarters(self, year: int) -> set[int]:
        """The quarters of the year that hold unreviewed entries."""
        return {quarter_of(entry.date) for entry in self.entries if entry.date.year == year}


def unreviewed(entries: Iterable, options_map: Mapping | None = None) -> Unreviewed:
    """The unreviewed entries of a book and their net amount (see Unreviewed)."""
    suspense = suspense_account(options_map)
    income_root, expenses_root = _roots(options_map)
    found = []
    amount = ZERO
    transaction = data.Transaction
    for entry in entries:
        if type(entry) is not transaction:
            continue
        if entry.flag != UNREVIEWED_FLAG:
            for posting in entry.postings:
                if posting.account == suspense:
                    break
            else:
                continue  # reviewed and not on the suspense account: the common case
        found.append(entry)
        for posting in entry.postings:
            if posting.units is None or posting.units.currency != CURRENCY or posting.units.number is None:
                continue
            if posting.account == suspense or is_budget_account(posting.account, income_root, expenses_root):
                amount -= posting.units.number
    return Unreviewed(tuple(found), amount, suspense)


# ---------------------------------------------------------------- income still to come


@dataclass(frozen=True)
class OverdueIncome:
    """Income budgeted in quarters that have ended but not (all) received.

    committed_missing: committed (#toegezegd) budget of those quarters not yet received:
    still expected. uncommitted_missing: uncommitted budget of those quarters not received
    (what came in counts against the committed part first): counted as not coming.
    """

    account: str
    label: str
    last_quarter: int  # the last ended quarter with committed budget (else the last ended quarter)
    committed_expected: Decimal
    uncommitted_expected: Decimal
    received: Decimal
    committed_missing: Decimal
    uncommitted_missing: Decimal


def overdue_income(
    lines: Mapping[str, BudgetLine], actuals: Mapping[str, Mapping[int, Decimal]], ended: Iterable[int]
) -> list[OverdueIncome]:
    """Per income line, the budget of the ended quarters against everything received in the year."""
    ended = sorted(set(ended))
    found = []
    for line in lines.values():
        if not line.income or not ended:
            continue
        received = sum((actuals.get(line.account, {}).get(q, ZERO) for q in QUARTERS), ZERO)
        committed = sum((line.quarters[q] for q in ended if line.committed_by_quarter.get(q, False)), ZERO)
        uncommitted = sum((line.quarters[q] for q in ended if not line.committed_by_quarter.get(q, False)), ZERO)
        committed_missing = max(committed - received, ZERO)
        uncommitted_missing = max(uncommitted - max(received - committed, ZERO), ZERO)
        committed_ended = [q for q in ended if line.committed_by_quarter.get(q, False)]
        found.append(OverdueIncome(line.account, line.label, max(committed_ended or ended), committed, uncommitted,
                                   received,
                                   committed_missing, uncommitted_missing))
    return found


def format_amount(number: Decimal, currency: str = CURRENCY) -> str:
    """An amount for a message: whole euros without decimals, else two decimals."""
    number = Decimal(number)
    text = f"{number:.0f}" if number == number.to_integral_value() else f"{number:.2f}"
    return f"{text} {currency}"
