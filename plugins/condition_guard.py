"""A conditional budget line is spent only once its income came in, or with the board's approval.

Rule: an expense line declared with `voorwaarde: "<income line>"` on its `open`
directive (the seed's "als wij budget vinden") may be spent on from the date income
was first booked on that income line. Spending dated before it is an error at the
transaction, e.g.

    Uitgaven:VergelijkendOnderzoek (Vergelijkend onderzoek) spent 2500 EUR on 2022-05-02 before
    its condition Inkomsten:GerichteSponsoring:Onderzoek received any income; approved 0 EUR

unless the board approved it, in the forms plugins.budget_model.read_approvals reads:
`bestuursbesluit: "…"` on the transaction, or `custom "overschrijding-goedgekeurd"
<line> <amount> "…"` (up to that amount for the line). A `voorwaarde:` that does not
name an opened income line is reported at its `open` directive.

    plugin "plugins.condition_guard"
"""


from books.collector import collector_paused
from plugins.budget_model import format_amount, read_approvals
from plugins.errors import ConditionError
from plugins.funds import condition_breaches, read_conditions

__plugins__ = ("condition_guard",)



@collector_paused
def condition_guard(entries, options_map, config_str=None):
    """Report spending on a conditional line before its condition is met, unless approved."""
    conditions, declaration_errors = read_conditions(entries, options_map)
    errors = [ConditionError(e.source, e.message, e.entry) for e in declaration_errors]
    approvals, _ = read_approvals(
        entries, options_map.get("name_expenses", "Uitgaven")
    )  # budget_guard reports bad ones
    for breach in condition_breaches(conditions, entries, approvals, options_map):
        condition = breach.condition
        errors.append(
            ConditionError(
                breach.entry.meta,
                (
                    f"{condition.account} ({condition.label}) spent {format_amount(breach.amount)} "
                    f"on {breach.entry.date} "
                    f"before its condition {condition.income_account} received any income; "
                    f"approved {format_amount(breach.approved)}: record the board's decision "
                    f"(bestuursbesluit: on the transaction) or wait for the income"
                ),
                breach.entry,
            )
        )
    return entries, errors
