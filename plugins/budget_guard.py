"""Holds the actual book to the budget book: overruns, unbudgeted accounts, and Fava's budgets.

The actual book (boekhouding) does not include the budget book (begroting); this plugin
reads it, named in its configuration, and:

1. Reports every expense line whose actual spending runs over budget. By default
   cumulatively: year to date at the end of each quarter, so an underspend in Q1
   carries into Q2 (the festival is budgeted in Q1 and held in May). With
   'per_quarter': True each quarter stands alone. An overrun is reported once, in
   the quarter it arises, and again only when it grows; the error is located at the
   transaction that tipped the line over, e.g.

       Uitgaven:Festival (Festival (en bijeenkomsten)) is over budget year to date at the
       end of Q2: budget 10000 EUR, actual 12000 EUR, overrun 2000 EUR (20.0%)

2. Accepts an overrun that the board approved. An approval is recorded in this book as

       2022-07-12 custom "overschrijding-goedgekeurd" Uitgaven:Festival 2500 EUR "Bestuursbesluit 2022-07"

   (line, amount, decision), or as `bestuursbesluit: "Bestuursbesluit 2022-07"`
   metadata on a transaction, which approves that transaction's spending on its
   expense lines. Approvals raise the line's ceiling for the whole budget year (the
   board usually decides after the fact); an overrun they cover is no error, one they
   cover in part says how much is approved and by which decision.

3. Reports every posting to an income or expense account that has no budget line,
   and every such posting outside the budget year, at the posting's transaction.

4. Gives Fava the budget: one `custom "budget" ACCOUNT "quarterly" AMOUNT` entry per
   budget line at the start of each quarter whose budget differs from the quarter
   before (income negative, as Beancount books it), so Fava's budget columns and
   charts work on this book. They show the adopted budget, without approvals.

The budget book's files are added to this book's list of included files (the
`include` option), so Fava reloads this book and Beancount's cache refreshes when the
budget changes; the budget book itself is loaded once per change (plugins.budget_model).

Configuration (a dict literal):

    plugin "plugins.budget_guard" "{'budget': 'begroting-2022.beancount'}"

    budget             path of the budget book, relative to this ledger (required)
    tolerance          euros an expense line may run over before it is reported (default 0)
    tolerance_percent  the same as a percentage of the line's budget (default 0);
                       the larger of the two tolerances applies
    per_quarter        true: compare each quarter alone; false (default): year to date

A bad configuration (unknown option, a tolerance that is not a finite number of at
least 0, a budget book that does not exist or lies outside the repository) is one error
at the `plugin` line; the book's entries are kept. The configuration is read by
plugins.budget_book, the one place that locates the budget book (the page and the
reports read it there too), and "over budget" is plugins.budget_model.judge, the one
verdict the page and the reports mark. A posting in another currency than the budget's
on a budget line is an error too (it would count nowhere).
"""

import collections
from decimal import Decimal
from os import path

from beancount.core import account as account_lib
from beancount.core import amount as amount_lib
from beancount.core import data
from beancount.parser.grammar import ValueType

from books.collector import collector_paused
from plugins.budget_book import GUARD, load_budget_book, parse_guard_config
from plugins.budget_model import (
    APPROVAL_META,
    CURRENCY,
    QUARTERS,
    ZERO,
    BookPostings,
    BudgetLine,
    Judgement,
    Verdict,
    format_amount,
    judge,
    natural_amount,
    quarter_end,
    quarter_of,
    quarter_start,
    book_postings_of,
)
from plugins.config import ConfigError
from plugins.errors import OverrunError, UnbudgetedError, first_and_more

__plugins__ = ("budget_guard",)
__all__ = ["BudgetGuardError", "OverrunError", "UnbudgetedError", "budget_guard", "fava_budgets"]

BudgetGuardError = collections.namedtuple("BudgetGuardError", "source message entry")
CurrencyError = collections.namedtuple("CurrencyError", "source message entry")

@collector_paused
def budget_guard(entries, options_map, config_str=None):
    """Check the actual book against its budget book; return the entries plus Fava's budget entries."""
    setting, errors = parse_guard_config(config_str, options_map)
    if setting is None:
        return entries, errors
    if path.abspath(setting.path) == path.abspath(options_map.get("filename") or ""):
        return entries, [ConfigError(setting.source, (
            f"{GUARD}: option 'budget' names this book itself ({setting.written!r}); it must name the budget book"),
            None)]
    if not path.isfile(setting.path):
        return entries, [ConfigError(setting.source, (
            f"{GUARD}: budget book not found: {setting.path} (option 'budget' is {setting.written!r})"), None)]

    book = load_budget_book(setting.path)
    _depend_on(options_map, book.files)
    if book.errors:
        errors.append(BudgetGuardError(book.errors[0].source, (
            f"the budget book {setting.written} has errors; run bean-check {setting.path}: "
            f"{first_and_more(book.errors)}"), None))
    lines, year = book.lines, book.year
    if not lines:
        return entries, errors

    gathered = book_postings_of(entries, options_map)
    income_root = gathered.roots[0]
    approvals, approval_errors = gathered.approvals, gathered.approval_errors
    errors.extend(BudgetGuardError(e.source, e.message, e.entry) for e in approval_errors)
    for approval in approvals:
        line = lines.get(approval.account)
        if APPROVAL_META not in approval.meta and (line is None or line.income):
            errors.append(BudgetGuardError(approval.meta, (
                f"approval ({approval.decision}) names {approval.account}, which is not an expense line "
                f"of the budget {setting.written}"), None))

    postings, posting_errors = _postings_by_line(gathered, lines, year, setting.written, income_root)
    errors.extend(posting_errors)
    judgements = judge(lines, _actuals_of(postings), approvals, setting.policy)
    errors.extend(_overrun_errors(judgements, postings, year, setting.source))
    return entries + fava_budgets(lines, year, setting.path), errors


def _depend_on(options_map, filenames):
    """Add the budget book's files to the book's included files (Fava's watcher, Beancount's cache)."""
    if filenames and "include" in options_map:
        options_map["include"] = sorted(set(options_map["include"]) | set(filenames))


# What the budget cannot judge about a transaction's postings on an account (one error each).
_OUTSIDE, _NO_LINE, _FOREIGN = "outside the year", "no budget line", "another currency"


def _postings_by_line(gathered: BookPostings, lines, year, budget_name, income_root):
    """Each expense line's EUR postings of the budget year in date order, and one error per
    transaction and account that the budget cannot judge: dated outside the budget year, on an
    account without a budget line, or in another currency than the budget's (in the book's order).

    From the book's gathered postings (budget_model.book_postings), shared with the fund and
    condition guards and the reports.
    """
    postings: dict[str, list[tuple]] = {}
    problems: dict[tuple[int, str], tuple] = {}  # (id(transaction), account) -> (transaction, account, kind, units)
    for account in gathered.budget_accounts:
        line = lines.get(account)
        bookings = gathered.bookings[account]
        negate = natural_amount(account, Decimal(1), income_root) < 0
        if line is not None and bookings and bookings[0][0].year == year == bookings[-1][0].year:
            if not line.income:  # the common case: all in the year, the gathered list as it is
                postings[account] = [(d, -n, e) for d, n, e in bookings] if negate else bookings
            continue
        collected = []
        for date, number, entry in bookings:
            if date.year != year:
                problems.setdefault((id(entry), account), (entry, account, _OUTSIDE, None))
            elif line is None:
                problems.setdefault((id(entry), account), (entry, account, _NO_LINE, None))
            elif not line.income:
                collected.append((date, -number if negate else number, entry))
        if collected:
            postings[account] = collected
    for entry, posting in gathered.foreign:
        account = posting.account
        kind = _OUTSIDE if entry.date.year != year else _NO_LINE if account not in lines else _FOREIGN
        problems.setdefault((id(entry), account), (entry, account, kind, posting.units))
    errors = [_unjudged_error(entry, account, kind, units, year, budget_name)
              for entry, account, kind, units in sorted(problems.values(), key=_book_order)]
    return postings, errors


def _book_order(problem: tuple) -> tuple:
    """Beancount's order of transactions (date, line), then the posting's place in its transaction."""
    entry, account = problem[0], problem[1]
    place = next((i for i, posting in enumerate(entry.postings) if posting.account == account), 0)
    return entry.date, (entry.meta or {}).get("lineno", 0), place


def _unjudged_error(entry, account, kind, units, year, budget_name):
    if kind is _OUTSIDE:
        return UnbudgetedError(entry.meta, (
            f"posting to {account} dated {entry.date} is outside the budget year {year} of {budget_name}"), entry)
    if kind is _NO_LINE:
        return UnbudgetedError(entry.meta, (
            f"{account} has no budget line in {budget_name}: post to a budget line, "
            f"or add the line to the budget (begrotingswijziging)"), entry)
    return CurrencyError(entry.meta, (
        f"posting of {units} to {account}: the budget of this line is in {CURRENCY}, so this "
        f"amount counts nowhere; book it in {CURRENCY} (the foreign amount as a price: @)"), entry)


def _actuals_of(postings: dict[str, list[tuple]]) -> dict[str, dict[int, Decimal]]:
    """Each expense line's spending per quarter, from the postings the pass above collected."""
    actuals = {}
    for account, dated in postings.items():
        quarters = actuals[account] = dict.fromkeys(QUARTERS, ZERO)
        for date, number, _ in dated:
            quarters[quarter_of(date)] += number
    return actuals


def _overrun_errors(judgements: dict[tuple[str, int], Judgement], postings, year, source):
    """An error for each OVER verdict (plugins.budget_model.judge): where an overrun arises or grows."""
    errors = []
    for (account, quarter), judgement in sorted(judgements.items()):
        overrun = judgement.overrun
        if judgement.verdict is not Verdict.OVER or overrun is None:
            continue
        before = ZERO
        if overrun.cumulative:
            earlier = judgements.get((account, quarter - 1))
            if earlier is not None and earlier.overrun is not None and earlier.verdict is not Verdict.APPROVED:
                before = earlier.overrun.unapproved
        threshold = overrun.budget + overrun.approved + max(judgement.allowed, before)
        start = quarter_start(year, 1 if overrun.cumulative else quarter)
        entry = _tipping_entry(postings.get(account, []), threshold, start, quarter_end(year, quarter))
        errors.append(OverrunError(entry.meta if entry else source, _overrun_message(judgement), entry))
    return errors


def _tipping_entry(postings, threshold, start, end):
    """The transaction after which the running total last went from at most threshold to above it."""
    running = ZERO
    tipping = last = None
    for date, number, entry in postings:
        if date < start:
            continue
        if date > end:
            break
        before, running = running, running + number
        last = entry
        if before <= threshold < running:
            tipping = entry
    return tipping or last


def _overrun_message(judgement: Judgement) -> str:
    overrun = judgement.overrun
    assert overrun is not None
    when = (f"year to date at the end of Q{overrun.quarter}" if overrun.cumulative else f"in Q{overrun.quarter}")
    percent = f"{overrun.percent}%" if overrun.percent is not None else "no budget"
    message = (f"{overrun.account} ({overrun.label}) is over budget {when}: budget {format_amount(overrun.budget)}, "
               f"actual {format_amount(overrun.actual)}, overrun {format_amount(overrun.overrun)} ({percent})")
    if overrun.approved:
        decisions = ", ".join(approval.decision for approval in overrun.approvals)
        message += (f"; approved {format_amount(overrun.approved)} ({decisions}), "
                    f"not approved {format_amount(overrun.unapproved)}")
    if judgement.allowed:
        message += f"; tolerance {format_amount(judgement.allowed)}"
    return message


def fava_budgets(lines: dict[str, BudgetLine], year: int, budget_path: str) -> list[data.Custom]:
    """Fava's `custom "budget"` entries for the budget lines: quarterly, income negative."""
    meta = data.new_metadata(budget_path, 0)
    budgets = []
    for line in lines.values():
        previous = None
        for quarter in QUARTERS:
            number = line.quarters[quarter]
            if number == previous:
                continue
            previous = number
            values = [
                ValueType(line.account, account_lib.TYPE),  # type: ignore[arg-type]  # dtype is a str
                ValueType("quarterly", str),
                ValueType(amount_lib.Amount(-number if line.income else number, CURRENCY), amount_lib.Amount),
            ]
            budgets.append(data.Custom(dict(meta), quarter_start(year, quarter), "budget", values))
    return budgets
