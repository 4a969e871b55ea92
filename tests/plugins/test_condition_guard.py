"""plugins.condition_guard: a conditional line is spent only after its income came in, or approved."""

import textwrap

from beancount import loader

HEAD = """
option "name_assets" "Activa"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
plugin "plugins.condition_guard"

2022-01-01 open Activa:Bank EUR
2022-01-01 open Inkomsten:Onderzoek EUR
2022-01-01 open Uitgaven:VergelijkendOnderzoek EUR
  label: "Vergelijkend onderzoek"
  voorwaarde: "Inkomsten:Onderzoek"
"""


def load(body: str):
    _, errors, _ = loader.load_string(textwrap.dedent(HEAD) + textwrap.dedent(body))
    return [e for e in errors if type(e).__name__ == "ConditionError"]


def line_of(body: str, needle: str) -> int:
    text = textwrap.dedent(HEAD) + textwrap.dedent(body)
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_spending_after_the_income_came_in_is_no_error():
    assert load("""
        2022-04-01 * "subsidie onderzoek"
          Inkomsten:Onderzoek  -10000 EUR
          Activa:Bank
        2022-07-01 * "onderzoeker"
          Uitgaven:VergelijkendOnderzoek  4000 EUR
          Activa:Bank
    """) == []


def test_spending_before_the_income_came_in_is_an_error_at_that_transaction():
    body = """
        2022-05-02 * "onderzoeker voorschot"
          Uitgaven:VergelijkendOnderzoek  2500 EUR
          Activa:Bank
        2022-06-01 * "subsidie onderzoek"
          Inkomsten:Onderzoek  -10000 EUR
          Activa:Bank
        2022-07-01 * "onderzoeker"
          Uitgaven:VergelijkendOnderzoek  4000 EUR
          Activa:Bank
    """
    errors = load(body)
    assert len(errors) == 1
    assert errors[0].source["lineno"] == line_of(body, "onderzoeker voorschot")
    assert errors[0].message.startswith(
        "Uitgaven:VergelijkendOnderzoek (Vergelijkend onderzoek) spent 2500 EUR on 2022-05-02 before its "
        "condition Inkomsten:Onderzoek received any income; approved 0 EUR")


def test_spending_approved_by_the_board_on_the_transaction_is_no_error():
    assert load("""
        2022-05-02 * "onderzoeker voorschot"
          bestuursbesluit: "Bestuursbesluit 2022-04"
          Uitgaven:VergelijkendOnderzoek  2500 EUR
          Activa:Bank
    """) == []


def test_an_approval_record_covers_spending_up_to_its_amount():
    errors = load("""
        2022-04-20 custom "overschrijding-goedgekeurd" Uitgaven:VergelijkendOnderzoek 3000 EUR "Bestuursbesluit 2022-04"
        2022-05-02 * "voorschot"
          Uitgaven:VergelijkendOnderzoek  2500 EUR
          Activa:Bank
        2022-05-20 * "tweede voorschot"
          Uitgaven:VergelijkendOnderzoek  1000 EUR
          Activa:Bank
    """)
    assert [(e.entry.narration, "approved 500 EUR" in e.message) for e in errors] == [("tweede voorschot", True)]


def test_a_voorwaarde_that_names_no_income_line_is_an_error_at_its_open_directive():
    body = """
        2022-01-01 open Uitgaven:Magazine EUR
          voorwaarde: "Uitgaven:VergelijkendOnderzoek"
    """
    errors = load(body)
    assert [(e.source["lineno"], e.message) for e in errors] == [(
        line_of(body, "open Uitgaven:Magazine"),
        "Uitgaven:Magazine: voorwaarde: 'Uitgaven:VergelijkendOnderzoek' is not an opened income line")]
