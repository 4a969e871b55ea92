"""plugins.budget_guard: the actual book held to the budget book, rule by rule, with exact messages.

Each test writes an inline budget book and an inline actual book to files, loads the
actual book the way bean-check does, and asserts every error: (file, line, message).
"""

import datetime
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from beancount import loader
from beancount.core import data
from fava.core.budgets import calculate_budget, parse_budgets


BUDGET = """\
option "name_assets" "Activa"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
plugin "plugins.budget_rules"

2022-01-01 open Activa:GeplandeLiquiditeit
2022-01-01 open Inkomsten:Contributies
2022-01-01 open Uitgaven:Festival
  label: "Festival (en bijeenkomsten)"
2022-01-01 open Uitgaven:Kernteam
  label: "Kernteam"

2022-01-01 custom "begroting-vastgesteld" "Q1" 6000 EUR 13000 EUR -7000 EUR
2022-01-01 custom "begroting-vastgesteld" "Q2" 0 EUR 3000 EUR -3000 EUR

2022-01-01 * "contributies" #Q1 #toegezegd
  Inkomsten:Contributies  -6000 EUR
  Activa:GeplandeLiquiditeit

2022-01-01 * "Festival" #Q1
  Uitgaven:Festival  10000 EUR
  Activa:GeplandeLiquiditeit

2022-01-01 * "Kernteam" #Q1
  Uitgaven:Kernteam  3000 EUR
  Activa:GeplandeLiquiditeit

2022-04-01 * "Kernteam" #Q2
  Uitgaven:Kernteam  3000 EUR
  Activa:GeplandeLiquiditeit
"""

ACTUAL = """\
option "name_assets" "Activa"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
plugin "plugins.budget_guard" "{config}"

2022-01-01 open Activa:Bank EUR
  iban: "NL91ABNA0417164300"
2022-01-01 open Inkomsten:Contributies EUR
2022-01-01 open Uitgaven:Festival EUR
2022-01-01 open Uitgaven:Kernteam EUR
2022-01-01 open Uitgaven:Reiskosten EUR

2022-01-20 * "Contributies januari"
  Inkomsten:Contributies  -2400 EUR
  Activa:Bank

2022-02-28 * "Kernteam januari en februari"
  Uitgaven:Kernteam  2000 EUR
  Activa:Bank
"""

CONFIG = "{'budget': 'begroting.beancount'}"
BIN = Path(sys.executable).parent
ACTUAL_BOOK = Path(__file__).resolve().parents[2] / "ledger" / "boekhouding-2022.beancount"

FESTIVAL = """
2022-03-01 * "Zaalhuur festival"
  Uitgaven:Festival  6000 EUR
  Activa:Bank

2022-05-11 * "Catering festival"
  Uitgaven:Festival  6000 EUR
  Activa:Bank
"""

FESTIVAL_OVERRUN = ("Uitgaven:Festival (Festival (en bijeenkomsten)) is over budget year to date at the end of Q2: "
                    "budget 10000 EUR, actual 12000 EUR, overrun 2000 EUR (20.0%)")


def load(tmp_path, extra="", config=CONFIG, budget=BUDGET):
    (tmp_path / "begroting.beancount").write_text(budget)
    book = tmp_path / "boekhouding.beancount"
    text = ACTUAL.replace("{config}", config) + extra
    book.write_text(text)
    entries, errors, options = loader.load_file(str(book))
    located = [(e.source["filename"], e.source["lineno"], e.message) for e in errors]
    return entries, located, str(book), text, options


def line_of(text, needle, nth=1):
    """The 1-based line number of the nth line of text that contains needle."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def budgets(entries):
    return [e for e in entries if isinstance(e, data.Custom) and e.type == "budget"]


# ---------------------------------------------------------------- within budget; Fava's budget entries


def test_spending_within_budget_is_no_error(tmp_path):
    entries, errors, _, _, _ = load(tmp_path, "\n2022-05-01 * \"Festival aanbetaling\"\n"
                                              "  Uitgaven:Festival  9999.99 EUR\n  Activa:Bank\n")
    assert errors == []


def test_fava_budget_entries_per_quarter_with_income_negative(tmp_path):
    entries, errors, _, _, _ = load(tmp_path)
    assert errors == []
    found = sorted((e.values[0].value, e.date, e.values[1].value, str(e.values[2].value)) for e in budgets(entries))
    assert [(date, account, interval, amount) for account, date, interval, amount in found] == [
        (datetime.date(2022, 1, 1), "Inkomsten:Contributies", "quarterly", "-6000 EUR"),
        (datetime.date(2022, 4, 1), "Inkomsten:Contributies", "quarterly", "0 EUR"),
        (datetime.date(2022, 1, 1), "Uitgaven:Festival", "quarterly", "10000 EUR"),
        (datetime.date(2022, 4, 1), "Uitgaven:Festival", "quarterly", "0 EUR"),
        (datetime.date(2022, 1, 1), "Uitgaven:Kernteam", "quarterly", "3000 EUR"),
        (datetime.date(2022, 7, 1), "Uitgaven:Kernteam", "quarterly", "0 EUR"),
    ]


def test_fava_reads_the_budget_entries(tmp_path):
    entries, _, _, _, _ = load(tmp_path)
    parsed, errors = parse_budgets(budgets(entries))
    assert errors == []

    def quarter(account, start, end):
        total = calculate_budget(parsed, account, datetime.date(*start), datetime.date(*end))["EUR"]
        return total.quantize(D("0.01"))  # Fava spreads a budget over days

    assert quarter("Uitgaven:Festival", (2022, 1, 1), (2022, 4, 1)) == D(10000)
    assert quarter("Uitgaven:Festival", (2022, 4, 1), (2022, 7, 1)) == D(0)
    assert quarter("Uitgaven:Kernteam", (2022, 4, 1), (2022, 7, 1)) == D(3000)
    assert quarter("Inkomsten:Contributies", (2022, 1, 1), (2022, 4, 1)) == D(-6000)


def test_budget_book_files_are_dependencies_of_the_actual_book(tmp_path):
    _, _, book, _, options = load(tmp_path)
    assert options["include"] == [str(tmp_path / "begroting.beancount"), book]


# ---------------------------------------------------------------- overruns


def test_overrun_without_approval_is_one_error_at_the_transaction_that_tipped_it(tmp_path):
    entries, errors, book, text, _ = load(tmp_path, FESTIVAL)
    # Over budget at the end of Q2, Q3 and Q4 alike: reported once, where it arose.
    assert errors == [(book, line_of(text, '"Catering festival"'), FESTIVAL_OVERRUN)]


def test_overrun_that_grows_is_reported_again_where_it_grew(tmp_path):
    extra = FESTIVAL + '\n2022-09-02 * "Festival nabetaling"\n  Uitgaven:Festival  500 EUR\n  Activa:Bank\n'
    _, errors, book, text, _ = load(tmp_path, extra)
    assert errors == [
        (book, line_of(text, '"Catering festival"'), FESTIVAL_OVERRUN),
        (book, line_of(text, '"Festival nabetaling"'),
         "Uitgaven:Festival (Festival (en bijeenkomsten)) is over budget year to date at the end of Q3: "
         "budget 10000 EUR, actual 12500 EUR, overrun 2500 EUR (25.0%)"),
    ]


def test_underspend_carries_into_the_next_quarter_by_default(tmp_path):
    # Kernteam: 3000 budgeted in Q1 and in Q2; 2000 spent in Q1 (see ACTUAL), 3900 in Q2: 5900 <= 6000.
    extra = '\n2022-05-31 * "Kernteam mei"\n  Uitgaven:Kernteam  3900 EUR\n  Activa:Bank\n'
    _, errors, _, _, _ = load(tmp_path, extra)
    assert errors == []


def test_per_quarter_option_compares_each_quarter_alone(tmp_path):
    extra = '\n2022-05-31 * "Kernteam mei"\n  Uitgaven:Kernteam  3900 EUR\n  Activa:Bank\n'
    _, errors, book, text, _ = load(tmp_path, extra, "{'budget': 'begroting.beancount', 'per_quarter': True}")
    assert errors == [(book, line_of(text, '"Kernteam mei"'),
                       "Uitgaven:Kernteam (Kernteam) is over budget in Q2: budget 3000 EUR, actual 3900 EUR, "
                       "overrun 900 EUR (30.0%)")]


def test_overrun_approved_by_a_board_decision_is_no_error(tmp_path):
    approval = '\n2022-07-12 custom "overschrijding-goedgekeurd" Uitgaven:Festival 2500 EUR "Bestuursbesluit 2022-07"\n'
    entries, errors, _, _, _ = load(tmp_path, FESTIVAL + approval)
    assert errors == []


def test_overrun_approved_by_metadata_on_the_transaction_is_no_error(tmp_path):
    extra = FESTIVAL.replace(
        '"Catering festival"\n', '"Catering festival"\n  bestuursbesluit: "Bestuursbesluit 2022-05"\n'
    )
    _, errors, _, _, _ = load(tmp_path, extra)
    assert errors == []


def test_overrun_approved_in_part_says_how_much_and_by_which_decision(tmp_path):
    approval = '\n2022-07-12 custom "overschrijding-goedgekeurd" Uitgaven:Festival 1500 EUR "Bestuursbesluit 2022-07"\n'
    _, errors, book, text, _ = load(tmp_path, FESTIVAL + approval)
    assert errors == [(book, line_of(text, '"Catering festival"'), FESTIVAL_OVERRUN
                       + "; approved 1500 EUR (Bestuursbesluit 2022-07), not approved 500 EUR")]


def test_tolerance_in_euros(tmp_path):
    config = "{'budget': 'begroting.beancount', 'tolerance': 2000}"
    _, errors, _, _, _ = load(tmp_path, FESTIVAL, config)
    assert errors == []
    config = "{'budget': 'begroting.beancount', 'tolerance': 1999.5}"
    _, errors, book, text, _ = load(tmp_path, FESTIVAL, config)
    assert errors == [(book, line_of(text, '"Catering festival"'), FESTIVAL_OVERRUN + "; tolerance 1999.50 EUR")]


def test_tolerance_in_percent_of_the_budget(tmp_path):
    config = "{'budget': 'begroting.beancount', 'tolerance_percent': 20}"
    _, errors, _, _, _ = load(tmp_path, FESTIVAL, config)
    assert errors == []
    config = "{'budget': 'begroting.beancount', 'tolerance_percent': 10}"
    _, errors, book, text, _ = load(tmp_path, FESTIVAL, config)
    assert errors == [(book, line_of(text, '"Catering festival"'), FESTIVAL_OVERRUN + "; tolerance 1000 EUR")]


def test_refund_below_the_ceiling_moves_the_tipping_transaction(tmp_path):
    extra = FESTIVAL + ('\n2022-05-20 * "Terugbetaling catering"\n  Uitgaven:Festival  -3000 EUR\n  Activa:Bank\n'
                        '\n2022-06-10 * "Geluid festival"\n  Uitgaven:Festival  2500 EUR\n  Activa:Bank\n')
    _, errors, book, text, _ = load(tmp_path, extra)
    assert errors == [(book, line_of(text, '"Geluid festival"'),
                       "Uitgaven:Festival (Festival (en bijeenkomsten)) is over budget year to date at the end of Q2: "
                       "budget 10000 EUR, actual 11500 EUR, overrun 1500 EUR (15.0%)")]


# ---------------------------------------------------------------- accounts without a budget line


def test_posting_to_an_account_without_budget_line(tmp_path):
    extra = '\n2022-05-12 * "Taxi"\n  Uitgaven:Reiskosten  60 EUR\n  Activa:Bank\n'
    _, errors, book, text, _ = load(tmp_path, extra)
    assert errors == [(book, line_of(text, '"Taxi"'),
                       "Uitgaven:Reiskosten has no budget line in begroting.beancount: post to a budget line, "
                       "or add the line to the budget (begrotingswijziging)")]


def test_posting_outside_the_budget_year(tmp_path):
    extra = '\n2023-01-05 * "Kernteam december"\n  Uitgaven:Kernteam  100 EUR\n  Activa:Bank\n'
    _, errors, book, text, _ = load(tmp_path, extra)
    assert errors == [(book, line_of(text, '"Kernteam december"'),
                       "posting to Uitgaven:Kernteam dated 2023-01-05 is outside the budget year 2022 "
                       "of begroting.beancount")]


def test_approval_of_an_account_without_expense_line(tmp_path):
    extra = '\n2022-07-12 custom "overschrijding-goedgekeurd" Uitgaven:Reiskosten 100 EUR "Bestuursbesluit 2022-08"\n'
    _, errors, book, text, _ = load(tmp_path, extra)
    assert errors == [(book, line_of(text, '"overschrijding-goedgekeurd"'),
                       "approval (Bestuursbesluit 2022-08) names Uitgaven:Reiskosten, which is not an expense "
                       "line of the budget begroting.beancount")]


def test_malformed_approval(tmp_path):
    extra = '\n2022-07-12 custom "overschrijding-goedgekeurd" Uitgaven:Festival -100 EUR "Bestuursbesluit 2022-08"\n'
    _, errors, book, text, _ = load(tmp_path, extra)
    assert errors == [(book, line_of(text, '"overschrijding-goedgekeurd"'),
                       "approval amount must be positive, not -100 EUR")]


# ---------------------------------------------------------------- bad configuration: one error, every entry kept


def count_without_budgets(entries):
    return len(entries) - len(budgets(entries))


def assert_one_config_error(tmp_path, config, message):
    """One error, located at the book's `plugin "plugins.budget_guard"` line, every entry kept."""
    good, _, _, _, _ = load(tmp_path)
    entries, errors, book, text, _ = load(tmp_path, config=config)
    assert errors == [(book, line_of(text, 'plugin "plugins.budget_guard"'), message)]
    assert len(entries) == count_without_budgets(good)


def test_budget_book_that_does_not_exist(tmp_path):
    assert_one_config_error(tmp_path, "{'budget': 'begroting-2021.beancount'}",
                            f"plugins.budget_guard: budget book not found: {tmp_path / 'begroting-2021.beancount'} "
                            "(option 'budget' is 'begroting-2021.beancount')")


def test_unknown_option(tmp_path):
    assert_one_config_error(tmp_path, "{'budget': 'begroting.beancount', 'marge': 5}",
                            "plugins.budget_guard: unknown option 'marge'; known options: budget, per_quarter, "
                            "tolerance, tolerance_percent")


def test_tolerance_that_is_not_a_number(tmp_path):
    assert_one_config_error(tmp_path, "{'budget': 'begroting.beancount', 'tolerance': 'vijf'}",
                            "plugins.budget_guard: option 'tolerance' must be a number, not 'vijf'")


def test_negative_tolerance(tmp_path):
    assert_one_config_error(tmp_path, "{'budget': 'begroting.beancount', 'tolerance_percent': -5}",
                            "plugins.budget_guard: option 'tolerance_percent' must be a finite number of at least 0, "
                            "not -5")


def test_tolerance_that_is_infinite_or_negative(tmp_path):
    for key, value, shown in (
        ("tolerance", "1e400", "inf"),
        ("tolerance", "-1", "-1"),
        ("tolerance_percent", "-1e400", "-inf"),
    ):
        assert_one_config_error(
            tmp_path,
            f"{{'budget': 'begroting.beancount', '{key}': {value}}}",
            f"plugins.budget_guard: option '{key}' must be a finite number of at least 0, not {shown}",
        )


def test_tolerance_nan_cannot_be_written(tmp_path):
    # literal_eval knows no nan: float('nan') is refused as not a literal, so no overrun goes unseen.
    assert_one_config_error(
        tmp_path,
        "{'budget': 'begroting.beancount', 'tolerance': float('nan')}",
        "plugins.budget_guard: configuration is not a Python literal: "
        "\"{'budget': 'begroting.beancount', 'tolerance': float('nan')}\" (ValueError)",
    )


def test_budget_path_leaving_the_repository_is_refused(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")  # the repository: tmp_path
    escape = "../" * len(tmp_path.parts) + "etc/passwd"
    assert_one_config_error(
        tmp_path,
        f"{{'budget': '{escape}'}}",
        f"plugins.budget_guard: option 'budget': path '{escape}' leads outside the "
        f"repository {tmp_path} (to /etc/passwd)",
    )
    _, _, _, _, options = load(tmp_path, config=f"{{'budget': '{escape}'}}")
    assert "/etc/passwd" not in options["include"]  # never one of the sources Fava serves


def test_budget_path_through_a_symlink_out_of_the_repository_is_refused(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("")
    outside = tmp_path / "elders"
    outside.mkdir()
    (outside / "begroting.beancount").write_text(BUDGET)
    (repo / "link.beancount").symlink_to(outside / "begroting.beancount")
    book = repo / "boekhouding.beancount"
    text = ACTUAL.replace("{config}", "{'budget': 'link.beancount'}")
    book.write_text(text)
    _, errors, _ = loader.load_file(str(book))
    assert [(e.source["filename"], e.source["lineno"], e.message) for e in errors] == [
        (
            str(book),
            line_of(text, "plugin"),
            f"plugins.budget_guard: option 'budget': path 'link.beancount' leads "
            f"outside the repository {repo} (to {outside / 'begroting.beancount'})",
        )
    ]


def test_spending_in_another_currency_on_a_budget_line_is_an_error(tmp_path):
    # An expense account opened without a currency takes the dollars; the guard must not ignore them.
    extra = (
        "\n2022-01-01 open Uitgaven:Reizen\n2022-01-01 open Activa:Dollars\n"
        '2022-03-01 * "Reis in dollars"\n  Uitgaven:Reizen  50000 USD\n  Activa:Dollars\n'
    )
    budget = (
        BUDGET.replace(
            "2022-01-01 open Uitgaven:Kernteam", "2022-01-01 open Uitgaven:Reizen\n2022-01-01 open Uitgaven:Kernteam"
        )
        + '\n2022-01-01 * "Reizen" #Q1\n  Uitgaven:Reizen  0 EUR\n  Activa:GeplandeLiquiditeit\n'
    )
    _, errors, book, text, _ = load(tmp_path, extra, budget=budget)
    assert errors == [
        (
            book,
            line_of(text, "Reis in dollars"),
            "posting of 50000 USD to Uitgaven:Reizen: the budget of this line is in EUR, so this amount "
            "counts nowhere; book it in EUR (the foreign amount as a price: @)",
        )
    ]


def test_approval_with_a_blank_decision_approves_nothing(tmp_path):
    extra = FESTIVAL.replace('"Catering festival"', '"Catering festival"\n  bestuursbesluit: " "')
    _, errors, book, text, _ = load(tmp_path, extra)
    assert (
        book,
        line_of(text, "Catering festival"),
        "bestuursbesluit: is blank (' '): an approval must name the board decision, e.g. "
        'bestuursbesluit: "Bestuursbesluit 2022-07"',
    ) in errors
    assert any(FESTIVAL_OVERRUN in message for _, _, message in errors)  # still over budget


def test_approval_entry_with_a_blank_decision_is_an_error(tmp_path):
    extra = FESTIVAL + '\n2022-07-12 custom "overschrijding-goedgekeurd" Uitgaven:Festival 2000 EUR " "\n'
    _, errors, book, text, _ = load(tmp_path, extra)
    assert (
        book,
        line_of(text, "overschrijding-goedgekeurd"),
        'approval must name the board decision; expected: 2022-07-12 custom "overschrijding-goedgekeurd" '
        'ACCOUNT AMOUNT EUR "DECISION"',
    ) in errors
    assert any(FESTIVAL_OVERRUN in message for _, _, message in errors)


def test_per_quarter_that_is_not_true_or_false(tmp_path):
    assert_one_config_error(
        tmp_path,
        "{'budget': 'begroting.beancount', 'per_quarter': 'ja'}",
        "plugins.budget_guard: option 'per_quarter' must be true or false, not 'ja'",
    )


def test_missing_budget_option(tmp_path):
    assert_one_config_error(tmp_path, "{'tolerance': 5}", "plugins.budget_guard: missing option 'budget'")


def test_budget_option_naming_the_actual_book_itself(tmp_path):
    assert_one_config_error(
        tmp_path,
        "{'budget': 'boekhouding.beancount'}",
        "plugins.budget_guard: option 'budget' names this book itself ('boekhouding.beancount'); "
        "it must name the budget book",
    )


def test_budget_book_with_errors_is_one_error_there(tmp_path):
    broken = BUDGET.replace('"Festival" #Q1', '"Festival"')
    entries, errors, book, _, _ = load(tmp_path, budget=broken)
    budget_book = str(tmp_path / "begroting.beancount")
    assert errors == [
        (
            budget_book,
            line_of(broken, '"Festival"'),
            f"the budget book begroting.beancount has errors; run bean-check {budget_book}: "
            "budget entry has no quarter tag: expected #Q1 (its date 2022-01-01 is in Q1)",
        )
    ]
    assert len(budgets(entries)) == 6


# ---------------------------------------------------------------- bean-check


def test_bean_check_exits_non_zero_on_an_overrun_and_zero_once_approved(tmp_path):
    _, _, book, _, _ = load(tmp_path, FESTIVAL)
    result = subprocess.run([str(BIN / "bean-check"), book], capture_output=True, text=True)
    assert result.returncode != 0
    assert FESTIVAL_OVERRUN in result.stdout + result.stderr
    load(
        tmp_path, FESTIVAL + '\n2022-07-12 custom "overschrijding-goedgekeurd" Uitgaven:Festival 2000 EUR "B 2022-07"\n'
    )
    result = subprocess.run([str(BIN / "bean-check"), book], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# ---------------------------------------------------------------- the shipped books


def test_shipped_actual_book_gives_fava_the_adopted_budget():
    from fava.core import FavaLedger

    ledger = FavaLedger(str(ACTUAL_BOOK))
    assert ledger.errors == []

    def quarter(account, number):
        start = datetime.date(2022, 3 * number - 2, 1)
        end = datetime.date(2022 + number // 4, (3 * number) % 12 + 1, 1)
        total = ledger.budgets.calculate_children(account, start, end)["EUR"]
        return total.quantize(D("1"))  # Fava spreads a budget over days

    # The adopted TOTAAL rows: income negative as Beancount books it.
    assert [quarter("Inkomsten", q) for q in (1, 2, 3, 4)] == [D(-102906), D(-1000), D(-11000), D(-1000)]
    assert [quarter("Uitgaven", q) for q in (1, 2, 3, 4)] == [D(49340), D(37840), D(40707), D(28840)]
    assert quarter("Uitgaven:Festival", 1) == D(10000) and quarter("Uitgaven:Festival", 2) == D(0)
