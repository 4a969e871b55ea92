"""plugins.budget_rules: every rule of the budget book, a good case and a bad case, the exact message.

Each test writes an inline budget book to a file, loads it the way bean-check does, and
asserts every error of the load: (file, line, message).
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from beancount import loader
from beancount.core import data


BOOK = """\
option "name_assets" "Activa"
option "name_equity" "Vermogen"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
plugin "plugins.budget_rules" "{config}"

2022-01-01 open Activa:GeplandeLiquiditeit
2022-01-01 open Activa:Bank
2022-01-01 open Inkomsten:Contributies
2022-01-01 open Inkomsten:Fonds
2022-01-01 open Uitgaven:Kernteam
2022-01-01 open Uitgaven:Festival

2022-01-01 custom "begroting-vastgesteld" "Q1" 7000 EUR 13000 EUR -6000 EUR
2022-01-01 custom "begroting-vastgesteld" "Q2" 0 EUR 3000 EUR -3000 EUR

2022-01-01 * "contributies" #Q1 #toegezegd
  Inkomsten:Contributies  -6000 EUR
  Activa:GeplandeLiquiditeit

2022-01-01 * "fonds" #Q1 #niet-toegezegd
  Inkomsten:Fonds  -1000 EUR
  Activa:GeplandeLiquiditeit

2022-01-01 * "Kernteam" #Q1
  Uitgaven:Kernteam  3000 EUR
  Activa:GeplandeLiquiditeit

2022-01-01 * "Festival" #Q1
  Uitgaven:Festival  10000 EUR
  Activa:GeplandeLiquiditeit

2022-04-01 * "Kernteam" #Q2
  Uitgaven:Kernteam  3000 EUR
  Activa:GeplandeLiquiditeit
"""

BIN = Path(sys.executable).parent
DEFAULT_CONFIG = "{'counter_account': 'Activa:GeplandeLiquiditeit'}"


def load(tmp_path, text=BOOK, config=DEFAULT_CONFIG):
    book = tmp_path / "begroting.beancount"
    book.write_text(text.replace("{config}", config))
    entries, errors, _ = loader.load_file(str(book))
    return entries, [(e.source["filename"], e.source["lineno"], e.message) for e in errors], str(book)


def plugin_line(book):
    """The line of the book's `plugin "plugins.budget_rules"` directive: where a config error is located."""
    return line_of(open(book, encoding="utf-8").read(), 'plugin "plugins.budget_rules"')


def line_of(text, needle, nth=1):
    """The 1-based line number of the nth line of text that contains needle."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def edit(old, new, text=BOOK):
    assert old in text
    return text.replace(old, new, 1)


def test_good_book_has_no_errors(tmp_path):
    entries, errors, _ = load(tmp_path)
    assert errors == []
    assert sum(isinstance(e, data.Transaction) for e in entries) == 5


def test_default_counter_account_needs_no_configuration(tmp_path):
    _, errors, _ = load(tmp_path, edit(' "{config}"', ""))
    assert errors == []


# ---------------------------------------------------------------- rule 1: one quarter tag, the date's


def test_missing_quarter_tag(tmp_path):
    text = edit('"Kernteam" #Q1', '"Kernteam"')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"Kernteam"'),
                       "budget entry has no quarter tag: expected #Q1 (its date 2022-01-01 is in Q1)")]


def test_two_quarter_tags(tmp_path):
    text = edit('"Kernteam" #Q1', '"Kernteam" #Q1 #Q2')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"Kernteam"'),
                       "budget entry has 2 quarter tags (#Q1 #Q2): expected exactly one, #Q1")]


def test_quarter_tag_of_the_wrong_quarter(tmp_path):
    text = edit('2022-04-01 * "Kernteam" #Q2', '2022-04-01 * "Kernteam" #Q3')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '2022-04-01 * "Kernteam"'),
                       "budget entry is tagged #Q3 but dated 2022-04-01, which is in Q2")]


# ---------------------------------------------------------------- rule 2: commitment of income


def test_income_without_commitment_tag(tmp_path):
    text = edit('"fonds" #Q1 #niet-toegezegd', '"fonds" #Q1')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"fonds"'),
                       "income budget entry has no commitment tag: expected #toegezegd or #niet-toegezegd")]


def test_income_with_both_commitment_tags(tmp_path):
    text = edit('"fonds" #Q1 #niet-toegezegd', '"fonds" #Q1 #niet-toegezegd #toegezegd')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"fonds"'),
                       "income budget entry has both #toegezegd and #niet-toegezegd: expected exactly one")]


def test_expense_needs_no_commitment_tag(tmp_path):
    _, errors, _ = load(tmp_path)
    assert errors == []  # "Kernteam" and "Festival" carry none


# ---------------------------------------------------------------- rule 3: budget lines and the counter account


def test_posting_to_another_account(tmp_path):
    text = edit("  Uitgaven:Festival  10000 EUR\n  Activa:GeplandeLiquiditeit",
                "  Uitgaven:Festival  10000 EUR\n  Activa:Bank")
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"Festival"'),
                       "budget entry posts to Activa:Bank, which is neither a budget line "
                       "(Inkomsten:... or Uitgaven:...) nor the counter account Activa:GeplandeLiquiditeit")]


def test_entry_without_budget_line_is_not_a_budget_entry(tmp_path):
    text = BOOK + textwrap.dedent("""
        2022-01-01 open Vermogen:Openingsbalans
        2022-01-01 * "Beginsaldo"
          Activa:GeplandeLiquiditeit  5000 EUR
          Vermogen:Openingsbalans
    """)
    _, errors, _ = load(tmp_path, text)
    assert errors == []


# ---------------------------------------------------------------- rule 4: EUR


def test_amount_not_in_eur(tmp_path):
    text = BOOK + textwrap.dedent("""
        2022-01-01 * "Festival extra" #Q1
          Uitgaven:Festival  100 USD
          Activa:GeplandeLiquiditeit
    """)
    _, errors, book = load(tmp_path, text)
    line = line_of(text, '"Festival extra"')
    assert errors == [
        (book, line, "budget entry posts 100 USD to Uitgaven:Festival: the budget is in EUR"),
        (book, line, "budget entry posts -100 USD to Activa:GeplandeLiquiditeit: the budget is in EUR"),
    ]


# ---------------------------------------------------------------- rule 5: the adopted budget


def test_entries_that_no_longer_add_up_to_the_adopted_budget(tmp_path):
    text = edit("Uitgaven:Festival  10000 EUR", "Uitgaven:Festival  10500 EUR")
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"begroting-vastgesteld" "Q1"'),
                       "Q1 expenses: the budget entries add up to 13500 EUR, but the adopted budget of "
                       "2022-01-01 says 13000 EUR (difference 500 EUR)")]


def test_income_that_no_longer_adds_up_names_quarter_adopted_figure_and_sum(tmp_path):
    text = edit("Inkomsten:Fonds  -1000 EUR", "Inkomsten:Fonds  -750 EUR")
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"begroting-vastgesteld" "Q1"'),
                       "Q1 income: the budget entries add up to 6750 EUR, but the adopted budget of "
                       "2022-01-01 says 7000 EUR (difference -250 EUR)")]


AMENDMENT = """
; Begrotingswijziging ALV 2022-03-15: het festival krijgt 2500 EUR meer.
2022-03-15 custom "begroting-vastgesteld" "Q1" 7000 EUR 15500 EUR -8500 EUR
2022-01-01 * "Festival: begrotingswijziging ALV 2022-03-15" #Q1
  begrotingswijziging: "ALV 2022-03-15"
  Uitgaven:Festival  2500 EUR
  Activa:GeplandeLiquiditeit
"""


def test_budget_amendment_supersedes_the_adopted_budget(tmp_path):
    _, errors, _ = load(tmp_path, BOOK + AMENDMENT)
    assert errors == []


def test_amendment_entries_without_amended_totals_are_an_error(tmp_path):
    text = BOOK + AMENDMENT.replace('2022-03-15 custom "begroting-vastgesteld" "Q1" 7000 EUR 15500 EUR -8500 EUR\n', "")
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"begroting-vastgesteld" "Q1"'),
                       "Q1 expenses: the budget entries add up to 15500 EUR, but the adopted budget of "
                       "2022-01-01 says 13000 EUR (difference 2500 EUR)")]


def test_amended_totals_without_amendment_entries_are_an_error_at_the_amendment(tmp_path):
    text = BOOK + AMENDMENT.split("2022-01-01 *")[0]
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '2022-03-15 custom "begroting-vastgesteld"'),
                       "Q1 expenses: the budget entries add up to 13000 EUR, but the adopted budget of "
                       "2022-03-15 says 15500 EUR (difference -2500 EUR)")]


def test_adopted_result_must_be_income_minus_expenses(tmp_path):
    text = edit('"Q2" 0 EUR 3000 EUR -3000 EUR', '"Q2" 0 EUR 3000 EUR 3000 EUR')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"begroting-vastgesteld" "Q2"'),
                       "adopted budget for Q2 does not add up: RESULTAAT 3000 EUR, but inkomsten 0 EUR "
                       "- uitgaven 3000 EUR = -3000 EUR")]


def test_two_adopted_budgets_for_a_quarter_on_one_date(tmp_path):
    text = edit('2022-01-01 custom "begroting-vastgesteld" "Q2" 0 EUR 3000 EUR -3000 EUR',
                '2022-01-01 custom "begroting-vastgesteld" "Q2" 0 EUR 3000 EUR -3000 EUR\n'
                '2022-01-01 custom "begroting-vastgesteld" "Q2" 0 EUR 3000 EUR -3000 EUR')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"begroting-vastgesteld" "Q2"', nth=2),
                       "two adopted budgets for Q2 dated 2022-01-01: a budget amendment (begrotingswijziging) "
                       "needs a later date than the budget it changes")]


def test_quarter_with_entries_but_no_adopted_budget(tmp_path):
    text = edit('2022-01-01 custom "begroting-vastgesteld" "Q2" 0 EUR 3000 EUR -3000 EUR\n', "")
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '2022-04-01 * "Kernteam"'),
                       'Q2 has budget entries but no adopted budget: record what the ALV adopted as custom '
                       '"begroting-vastgesteld" "Q2" <TOTAAL inkomsten> EUR <TOTAAL uitgaven> EUR <RESULTAAT> EUR')]


def test_malformed_adopted_budget(tmp_path):
    text = edit('"Q2" 0 EUR 3000 EUR -3000 EUR', '"Q2" 0 EUR 3000 EUR')
    _, errors, book = load(tmp_path, text)
    assert errors == [
        (book, line_of(text, '"begroting-vastgesteld" "Q2"'),
         'adopted budget needs a quarter and three amounts, found 3 values; expected: 2022-01-01 custom '
         '"begroting-vastgesteld" "Q1" <TOTAAL inkomsten> EUR <TOTAAL uitgaven> EUR <RESULTAAT> EUR'),
    ]


def test_adopted_budget_in_another_currency(tmp_path):
    text = edit('"Q2" 0 EUR 3000 EUR -3000 EUR', '"Q2" 0 EUR 3000 USD -3000 EUR')
    _, errors, book = load(tmp_path, text)
    assert errors == [(book, line_of(text, '"begroting-vastgesteld" "Q2"'),
                         "adopted budget's amounts must be in EUR, not 3000 USD; expected: 2022-01-01 custom "
                         '"begroting-vastgesteld" "Q1" <TOTAAL inkomsten> EUR <TOTAAL uitgaven> EUR <RESULTAAT> EUR')]


# ---------------------------------------------------------------- bad configuration


def test_unknown_option_is_one_error_and_keeps_every_entry(tmp_path):
    good, _, _ = load(tmp_path)
    entries, errors, book = load(tmp_path, config="{'tegenrekening': 'Activa:GeplandeLiquiditeit'}")
    message = "plugins.budget_rules: unknown option 'tegenrekening'; known options: counter_account"
    assert errors == [(book, plugin_line(book), message)]
    assert len(entries) == len(good)


def test_counter_account_not_opened_is_one_error(tmp_path):
    good, _, _ = load(tmp_path)
    entries, errors, book = load(tmp_path, config="{'counter_account': 'Activa:Kas'}")
    assert errors == [
        (book, plugin_line(book), "plugins.budget_rules: counter account 'Activa:Kas' is not opened in this book")
    ]
    assert len(entries) == len(good)


def test_configuration_that_is_not_a_dict(tmp_path):
    entries, errors, book = load(tmp_path, config="Activa:GeplandeLiquiditeit")
    assert errors == [
        (
            book,
            plugin_line(book),
            "plugins.budget_rules: configuration is not a Python literal: 'Activa:GeplandeLiquiditeit' (SyntaxError)",
        )
    ]
    assert sum(isinstance(e, data.Transaction) for e in entries) == 5


# ---------------------------------------------------------------- bean-check


def test_bean_check_exits_non_zero_on_a_broken_budget_entry(tmp_path):
    book = tmp_path / "begroting.beancount"
    book.write_text(edit('"Kernteam" #Q1', '"Kernteam"').replace("{config}", DEFAULT_CONFIG))
    result = subprocess.run([str(BIN / "bean-check"), str(book)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "budget entry has no quarter tag: expected #Q1" in result.stdout + result.stderr
    book.write_text(BOOK.replace("{config}", DEFAULT_CONFIG))
    result = subprocess.run([str(BIN / "bean-check"), str(book)], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
