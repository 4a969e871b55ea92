"""The two readings of a budget book agree: the query files in queries/ (make report, bean-query,
Fava's Query page) and the budget model (the Begroting page, report.variance, bean-check's guard).

Property-based: hypothesis generates budget books (income and expense lines, groups, every
quarter, committed and uncommitted income entries, several entries per line and quarter) and
the tables built both ways must be equal row for row.
"""

from decimal import Decimal

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.budget_model import budget_lines
from report.budget_table import budget_table, commitment_rows, model_commitment_rows, model_table

HEADER = """\
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
2022-01-01 open Activa:GeplandeLiquiditeit
"""

amounts = st.integers(min_value=0, max_value=40000).map(lambda cents: Decimal(cents) / 4)
entry = st.tuples(st.integers(1, 4), amounts, st.booleans())  # quarter, amount, committed
line = st.tuples(st.booleans(), st.sampled_from(["", "groep a", "groep b"]), st.lists(entry, min_size=1, max_size=4))


def book_text(lines: list) -> str:
    out = [HEADER]
    for number, (income, group, _) in enumerate(lines, start=1):
        account = f"{'Inkomsten' if income else 'Uitgaven'}:Regel{number}"
        out.append(f'2022-01-01 open {account}\n  label: "regel {number}"\n  regel: {number}\n'
                   + (f'  groep: "{group}"\n' if group and income else ""))
    for number, (income, _, entries) in enumerate(lines, start=1):
        account = f"{'Inkomsten' if income else 'Uitgaven'}:Regel{number}"
        for quarter, amount, committed in entries:
            tags = f"#Q{quarter}" + ((" #toegezegd" if committed else " #niet-toegezegd") if income else "")
            sign = -1 if income else 1
            out.append(f'2022-{3 * quarter - 2:02d}-01 * "post" {tags}\n  {account}  {sign * amount} EUR\n'
                       f"  Activa:GeplandeLiquiditeit\n")
    return "\n".join(out)


def has_both_sections(lines: list) -> bool:
    return any(income for income, _, _ in lines) and not all(income for income, _, _ in lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=2, max_size=6).filter(has_both_sections))
def test_the_queries_and_the_budget_model_read_the_same_budget(lines):
    entries, errors, options = loader.load_string(book_text(lines))
    assert errors == []
    model, _ = budget_lines(entries, options)
    assert model_table(model, options) == budget_table(entries, options)
    assert model_commitment_rows(model) == commitment_rows(entries, options)


def test_the_shipped_budget_book_reads_the_same_both_ways():
    from seed_data import BUDGET_BOOK

    entries, errors, options = loader.load_file(str(BUDGET_BOOK))
    assert errors == []
    model, _ = budget_lines(entries, options)
    assert model_table(model, options) == budget_table(entries, options)
    assert model_commitment_rows(model) == commitment_rows(entries, options)
