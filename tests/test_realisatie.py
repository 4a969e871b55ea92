"""The page's one-pass actuals and queries/realisatie.bql give the same figures.

The Begroting page and `python -m report.variance` take what is booked per account and
quarter from plugins.budget_model.booked_by_quarter (the pass bean-check's budget
plugin makes anyway); auditors get the same answer from the query file.
"""

import textwrap
from decimal import Decimal

from beancount import loader

from plugins.budget_model import booked_by_quarter
from report.queries import run_query

BOOK = textwrap.dedent("""
    option "name_assets" "Activa"
    option "name_income" "Inkomsten"
    option "name_expenses" "Uitgaven"

    2021-01-01 open Activa:Bank
    2021-01-01 open Inkomsten:Contributie EUR
    2021-01-01 open Uitgaven:Kernteam EUR
    2021-01-01 open Uitgaven:Bankkosten

    2021-12-30 * "vorig jaar"
      Uitgaven:Kernteam   100.00 EUR
      Activa:Bank

    2022-01-05 * "contributie"
      Inkomsten:Contributie  -24.00 EUR
      Activa:Bank

    2022-01-05 * "contributie"
      Inkomsten:Contributie  -24.00 EUR
      Activa:Bank

    2022-02-01 * "kernteam januari"
      Uitgaven:Kernteam  5750.00 EUR
      Activa:Bank

    2022-04-01 * "terugboeking"
      Uitgaven:Kernteam  -250.00 EUR
      Activa:Bank

    2022-04-02 * "bankkosten in dollars"
      Uitgaven:Bankkosten  3.00 USD
      Activa:Bank  -3.00 USD

    2022-10-01 * "geannuleerd"
      Uitgaven:Kernteam   10.00 EUR
      Uitgaven:Kernteam  -10.00 EUR
""")


def test_one_pass_and_realisatie_query_agree_per_account_and_quarter():
    entries, errors, options = loader.load_string(BOOK)
    assert errors == []
    from_query = {}
    for row in run_query(entries, options, "realisatie"):
        year, _, quarter = row["kwartaal"].partition("-Q")
        sign = -1 if row["rekening"].startswith("Inkomsten:") else 1
        from_query[(int(year), row["rekening"], int(quarter))] = (sign * row["bedrag"], row["boekingen"])
    booked, outside = booked_by_quarter(entries, 2022)
    from_pass = {(2022, account, quarter): tuple(cell)
                 for account, quarters in booked.items() for quarter, cell in quarters.items()}
    in_year = {key: value for key, value in from_query.items() if key[0] == 2022}
    assert from_pass == in_year
    assert outside == sum(count for key, (_, count) in from_query.items() if key[0] != 2022)
    assert from_pass[(2022, "Inkomsten:Contributie", 1)] == (Decimal("48.00"), 2)
    assert from_pass[(2022, "Uitgaven:Kernteam", 4)] == (Decimal("0.00"), 2)
