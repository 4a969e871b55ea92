"""plugins.fund_guard: spending from an earmarked fund within what it holds, located errors."""

import textwrap

from beancount import loader

HEAD = """
option "name_assets" "Activa"
option "name_equity" "Vermogen"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
plugin "plugins.fund_guard"

2022-01-01 open Activa:Bank EUR
2022-01-01 open Vermogen:Bestemmingsfondsen:Rechtszaak EUR
  label: "Bestemmingsfonds rechtszaak"
2022-01-01 open Vermogen:Openingsbalans EUR
2022-01-01 open Inkomsten:Crowdfunding EUR
  fonds: "Vermogen:Bestemmingsfondsen:Rechtszaak"
2022-01-01 open Uitgaven:Rechtszaak EUR
  fonds: "Vermogen:Bestemmingsfondsen:Rechtszaak"
2022-01-01 open Uitgaven:Kernteam EUR
"""


def line_of(body: str, needle: str) -> int:
    """The line number of the first line containing needle in the book HEAD + body."""
    text = textwrap.dedent(HEAD) + textwrap.dedent(body)
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def load(body: str):
    _, errors, _ = loader.load_string(textwrap.dedent(HEAD) + textwrap.dedent(body))
    return [e for e in errors if type(e).__name__ == "FundError"]


def test_spending_within_income_received_is_no_error():
    assert load("""
        2022-02-01 * "crowdfunding"
          Inkomsten:Crowdfunding  -10000 EUR
          Activa:Bank
        2022-03-01 * "advocaat"
          Uitgaven:Rechtszaak  10000 EUR
          Activa:Bank
    """) == []


def test_spending_beyond_what_the_fund_holds_is_an_error_at_that_transaction():
    body = """
        2022-02-01 * "crowdfunding"
          Inkomsten:Crowdfunding  -10000 EUR
          Activa:Bank
        2022-03-01 * "advocaat"
          Uitgaven:Rechtszaak  8000 EUR
          Activa:Bank
        2022-04-01 * "advocaat tweede termijn"
          Uitgaven:Rechtszaak  4000 EUR
          Activa:Bank
        2022-05-01 * "kernteam is geen fondsuitgave"
          Uitgaven:Kernteam  50000 EUR
          Activa:Bank
    """
    errors = load(body)
    assert len(errors) == 1
    assert errors[0].source["lineno"] == line_of(body, "advocaat tweede termijn")
    assert errors[0].entry.narration == "advocaat tweede termijn"
    assert errors[0].message == (
        "Uitgaven:Rechtszaak spends 12000 EUR from Vermogen:Bestemmingsfondsen:Rechtszaak (Bestemmingsfonds "
        "rechtszaak), which holds 10000 EUR (opening balance + income received so far): short by 2000 EUR")


def test_income_arriving_later_does_not_cover_earlier_spending():
    errors = load("""
        2022-03-01 * "advocaat"
          Uitgaven:Rechtszaak  500 EUR
          Activa:Bank
        2022-03-02 * "crowdfunding"
          Inkomsten:Crowdfunding  -10000 EUR
          Activa:Bank
    """)
    assert [e.entry.narration for e in errors] == ["advocaat"]


def test_income_of_the_same_day_counts():
    assert load("""
        2022-03-01 * "advocaat"
          Uitgaven:Rechtszaak  500 EUR
          Activa:Bank
        2022-03-01 * "crowdfunding"
          Inkomsten:Crowdfunding  -500 EUR
          Activa:Bank
    """) == []


def test_the_opening_balance_of_the_fund_counts():
    assert load("""
        2022-01-01 * "Beginsaldo"
          Activa:Bank  3000 EUR
          Vermogen:Bestemmingsfondsen:Rechtszaak  -3000 EUR
        2022-03-01 * "advocaat"
          Uitgaven:Rechtszaak  3000 EUR
          Activa:Bank
    """) == []


def test_a_fund_that_goes_short_again_is_reported_again():
    errors = load("""
        2022-03-01 * "eerste"
          Uitgaven:Rechtszaak  100 EUR
          Activa:Bank
        2022-03-02 * "tweede, nog steeds tekort"
          Uitgaven:Rechtszaak  100 EUR
          Activa:Bank
        2022-04-01 * "crowdfunding"
          Inkomsten:Crowdfunding  -1000 EUR
          Activa:Bank
        2022-05-01 * "derde, opnieuw tekort"
          Uitgaven:Rechtszaak  1000 EUR
          Activa:Bank
    """)
    assert [e.entry.narration for e in errors] == ["eerste", "derde, opnieuw tekort"]


def test_a_fonds_naming_no_opened_fund_is_an_error_at_its_open_directive():
    body = """
        2022-01-01 open Uitgaven:Onderzoek EUR
          fonds: "Vermogen:Bestemmingsfondsen:Bestaatniet"
    """
    errors = load(body)
    assert len(errors) == 1
    assert errors[0].source["lineno"] == line_of(body, "open Uitgaven:Onderzoek")
    assert "Uitgaven:Onderzoek: fonds: 'Vermogen:Bestemmingsfondsen:Bestaatniet' is not an opened earmarked fund" \
        in errors[0].message
