"""Checks of the budget book: every budget entry well formed, and the entries add up to the adopted budget.

A budget entry is a transaction that posts to an income or expense account (a
budget line). Each error is located at the entry's file and line. The rules:

1. A budget entry carries exactly one quarter tag (#Q1..#Q4), the quarter of its date.
2. A budget entry that budgets income carries exactly one of #toegezegd / #niet-toegezegd.
3. A budget entry posts only to budget lines and to the counter account.
4. Every amount of a budget entry is in EUR.
5. The adopted budget: each quarter's budget entries add up to the figures the ALV
   adopted, recorded as

       2022-01-01 custom "begroting-vastgesteld" "Q1" 1000 EUR 800 EUR 200 EUR

   (quarter, TOTAAL inkomsten, TOTAAL uitgaven, RESULTAAT). A budget amendment
   (begrotingswijziging) is a later-dated entry for the same quarter: it supersedes the
   earlier one, which stays in the book as history. The latest entry of each quarter
   is checked against the sums of the budget entries (income and expenses, positive);
   every entry's RESULTAAT must equal its inkomsten minus uitgaven. A quarter with
   budget entries but no adopted budget is an error too.

Configuration (optional, a dict literal):

    plugin "plugins.budget_rules" "{'counter_account': 'Activa:GeplandeLiquiditeit'}"

    counter_account  the account every budget entry is balanced against
                     (default 'Activa:GeplandeLiquiditeit'); it must be opened in the book.

A bad configuration is one error naming the problem; the book's entries are kept.
"""

import collections
from decimal import Decimal

from beancount.core import amount as amount_lib
from beancount.core import data

from plugins.budget_model import (
    ADOPTED_TYPE,
    COMMITTED_TAG,
    CURRENCY,
    QUARTERS,
    UNCOMMITTED_TAG,
    ZERO,
    budget_entries,
    budget_lines,
    format_amount,
    is_budget_account,
    is_income,
    quarter_of,
    quarter_tags,
)
from plugins.config import ConfigError, parse_config, plugin_source

__plugins__ = ("budget_rules",)

BudgetRuleError = collections.namedtuple("BudgetRuleError", "source message entry")

DEFAULT_COUNTER_ACCOUNT = "Activa:GeplandeLiquiditeit"


def budget_rules(entries, options_map, config_str=None):
    """Check the budget entries and the adopted budget; return the entries unchanged and the errors."""
    config, errors = parse_config(
        config_str, __name__, options_map, {"counter_account": str}, {"counter_account": DEFAULT_COUNTER_ACCOUNT}
    )
    if errors:
        return entries, errors
    counter = config["counter_account"]
    if not any(isinstance(entry, data.Open) and entry.account == counter for entry in entries):
        source = plugin_source(options_map, __name__)
        return entries, [
            ConfigError(source, f"{__name__}: counter account {counter!r} is not opened in this book", None)
        ]

    income_root = options_map.get("name_income", "Inkomsten")
    expenses_root = options_map.get("name_expenses", "Uitgaven")
    first_entry: dict[int, data.Transaction] = {}
    for entry in budget_entries(entries, income_root, expenses_root):
        errors.extend(_check_entry(entry, counter, income_root, expenses_root))
        first_entry.setdefault(quarter_of(entry.date), entry)
    lines = budget_lines(entries, options_map)[0].values()
    income = {q: sum((line.quarters[q] for line in lines if line.income), ZERO) for q in QUARTERS}
    expenses = {q: sum((line.quarters[q] for line in lines if not line.income), ZERO) for q in QUARTERS}

    adopted, adopted_errors = _adopted_budgets(entries)
    errors.extend(adopted_errors)
    for quarter in QUARTERS:
        entry = adopted.get(quarter)
        if entry is None:
            if quarter not in adopted and quarter in first_entry:
                errors.append(
                    BudgetRuleError(first_entry[quarter].meta, _missing_adoption(quarter), first_entry[quarter])
                )
            continue
        figures = _figures(entry)
        for name, adopted_figure, found in (
            ("income", figures[0], income[quarter]),
            ("expenses", figures[1], expenses[quarter]),
        ):
            if adopted_figure != found:
                errors.append(BudgetRuleError(entry.meta, (
                    f"Q{quarter} {name}: the budget entries add up to {format_amount(found)}, "
                    f"but the adopted budget of {entry.date} says {format_amount(adopted_figure)} "
                    f"(difference {format_amount(found - adopted_figure)})"), entry))
    return entries, errors


def _check_entry(entry, counter, income_root, expenses_root):
    """Rules 1-4 for one budget entry."""
    errors = []

    def error(message):
        errors.append(BudgetRuleError(entry.meta, message, entry))

    quarter = quarter_of(entry.date)
    tagged = quarter_tags(entry.tags)
    if not tagged:
        error(f"budget entry has no quarter tag: expected #Q{quarter} (its date {entry.date} is in Q{quarter})")
    elif len(tagged) > 1:
        names = " ".join(f"#Q{q}" for q in tagged)
        error(f"budget entry has {len(tagged)} quarter tags ({names}): expected exactly one, #Q{quarter}")
    elif tagged[0] != quarter:
        error(f"budget entry is tagged #Q{tagged[0]} but dated {entry.date}, which is in Q{quarter}")

    if any(is_income(posting.account, income_root) for posting in entry.postings):
        tags = entry.tags or frozenset()
        commitment = [tag for tag in (COMMITTED_TAG, UNCOMMITTED_TAG) if tag in tags]
        if not commitment:
            error(f"income budget entry has no commitment tag: expected #{COMMITTED_TAG} or #{UNCOMMITTED_TAG}")
        elif len(commitment) > 1:
            error(f"income budget entry has both #{COMMITTED_TAG} and #{UNCOMMITTED_TAG}: expected exactly one")

    for posting in entry.postings:
        if posting.account != counter and not is_budget_account(posting.account, income_root, expenses_root):
            error(f"budget entry posts to {posting.account}, which is neither a budget line "
                  f"({income_root}:... or {expenses_root}:...) nor the counter account {counter}")
        if posting.units is not None and posting.units.currency != CURRENCY:
            error(f"budget entry posts {posting.units} to {posting.account}: the budget is in {CURRENCY}")
    return errors


def _adopted_budgets(entries):
    """The latest adopted budget per quarter, and errors for malformed or ambiguous ones.

    Returns ({quarter: entry or None}, errors): None for a quarter whose latest entry is
    malformed (reported here, so the quarter is not also reported as never adopted).
    """
    latest: dict[int, data.Custom | None] = {}
    dates: dict[int, object] = {}
    errors = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != ADOPTED_TYPE:
            continue
        quarter, usable, message = _parse_adopted(entry)
        if message:
            errors.append(BudgetRuleError(entry.meta, message, entry))
        if quarter is None:
            continue
        if dates.get(quarter) == entry.date:
            errors.append(BudgetRuleError(entry.meta, (
                f"two adopted budgets for Q{quarter} dated {entry.date}: a budget amendment "
                f"(begrotingswijziging) needs a later date than the budget it changes"), entry))
        dates[quarter] = entry.date
        latest[quarter] = entry if usable else None
    return latest, errors


def _parse_adopted(entry):
    """(quarter or None, usable for the sums, error message or '') for an adopted budget entry."""
    usage = (f'expected: {entry.date} custom "{ADOPTED_TYPE}" "Q1" <TOTAAL inkomsten> EUR '
             f'<TOTAAL uitgaven> EUR <RESULTAAT> EUR')
    values = [value.value for value in entry.values]
    quarters = quarter_tags([values[0]]) if values and isinstance(values[0], str) else []
    quarter = quarters[0] if len(quarters) == 1 else None
    if len(values) != 4:
        return quarter, False, f"adopted budget needs a quarter and three amounts, found {len(values)} values; {usage}"
    if quarter is None:
        return None, False, f"adopted budget's quarter must be \"Q1\"..\"Q4\", not {values[0]!r}; {usage}"
    for value in values[1:]:
        if not isinstance(value, amount_lib.Amount) or value.number is None or value.currency != CURRENCY:
            return quarter, False, f"adopted budget's amounts must be in {CURRENCY}, not {value!r}; {usage}"
    income, expenses, result = _figures(entry)
    if income - expenses != result:
        return quarter, True, (f"adopted budget for Q{quarter} does not add up: RESULTAAT {format_amount(result)}, "
                               f"but inkomsten {format_amount(income)} - uitgaven {format_amount(expenses)} "
                               f"= {format_amount(income - expenses)}")
    return quarter, True, ""


def _figures(entry) -> tuple[Decimal, Decimal, Decimal]:
    return tuple(value.value.number for value in entry.values[1:4])


def _missing_adoption(quarter):
    return (f"Q{quarter} has budget entries but no adopted budget: record what the ALV adopted as "
            f'custom "{ADOPTED_TYPE}" "Q{quarter}" <TOTAAL inkomsten> EUR <TOTAAL uitgaven> EUR <RESULTAAT> EUR')
