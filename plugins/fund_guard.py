"""Spending from an earmarked fund (bestemmingsfonds) stays within what the fund holds.

Rule: an expense line declared with `fonds: "Vermogen:Bestemmingsfondsen:<Naam>"` on
its `open` directive is paid from that fund. At every transaction on such a line, the
fund's spending so far must not exceed what it holds: its opening balance (the fund
account's balance on 1 January) plus the income received so far on the income lines
that feed it (`fonds:` on an income line; income of the same day counts). The error
is reported at the transaction where the fund goes short, e.g.

    Uitgaven:RechtzaakTegenDeStaat spends 12000 EUR from Vermogen:Bestemmingsfondsen:Rechtszaak
    (Bestemmingsfonds rechtszaak), which holds 10000 EUR (opening 0 EUR + income): short by 2000 EUR

A `fonds:` naming an account that is not an opened fund is reported at its `open`
directive. The figures come from plugins.funds, as on the Begroting page.

    plugin "plugins.fund_guard"
"""


from books.collector import collector_paused
from plugins.budget_model import format_amount
from plugins.errors import FundError
from plugins.funds import fund_shortfalls, read_funds

__plugins__ = ("fund_guard",)



@collector_paused
def fund_guard(entries, options_map, config_str=None):
    """Report fund declarations that are wrong and spending beyond what a fund holds."""
    funds, declaration_errors = read_funds(entries, options_map)
    errors = [FundError(e.source, e.message, e.entry) for e in declaration_errors]
    for shortfall in fund_shortfalls(funds, entries, options_map):
        errors.append(FundError(shortfall.entry.meta, (
            f"{shortfall.account} spends {format_amount(shortfall.spent)} from {shortfall.fund.account} "
            f"({shortfall.fund.label}), which holds {format_amount(shortfall.holds)} "
            f"(opening balance + income received so far): short by {format_amount(shortfall.short)}"),
            shortfall.entry))
    return entries, errors
