"""Rules learned from the book (`python -m importers regels`): proposals from the treasurer's own
categorisations, their evidence, what is never proposed, and the next month's import."""

import re
import textwrap

from bankhelpers import (
    OPTIONS,
    REPO,
    SYNTHETIC,
    SYNTHETIC_ACCOUNTS,
    extract,
    make_book,
    run_cli,
)
from beancount import loader
from beancount.core import data

from books.write import book_lock
from importers.learn import RuleKind, SkipReason, learn
from importers.rules import parse_rules

OPENINGS = [
    ("2022-01-01", "Activa:Bank:Betaalrekening", "1000.00"),
    ("2022-01-01", "Activa:Bank:Ing", "1000.00"),
]
MARCH = SYNTHETIC / "abn-2022-03.camt053.xml"
MAY = SYNTHETIC / "ing-2022-05a.sta"
SUSPENSE = "Passiva:NogTeRubriceren"

# How the treasurer categorised March by hand (Example Hosting is left to do).
REVIEW = {
    "A. de Vries": "Inkomsten:Contributies",
    "B. Bakker": "Inkomsten:Contributies",
    "C. Jansen": "Inkomsten:Contributies",
    "Drukkerij Voorbeeld B.V.": "Uitgaven:Drukwerk",
    "Stichting Tulpenfonds": "Inkomsten:Sponsoring",
    "Kosten betaalverzoeken": "Uitgaven:Bankkosten",
}


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def review(filename, decisions):
    """Do what the treasurer does in te-controleren.beancount: put the budget line in place of
    the suspense account and change '!' into '*', for each entry whose first line names a key."""
    blocks = filename.read_text(encoding="utf-8").split("\n\n")
    for i, block in enumerate(blocks):
        first = block.lstrip("\n").split("\n", 1)[0]
        for who, account in decisions.items():
            if re.match(r"\d{4}-\d\d-\d\d ! ", first) and who in first:
                blocks[i] = block.replace(" ! ", " * ", 1).replace(SUSPENSE, account)
    filename.write_text("\n\n".join(blocks), encoding="utf-8")


def reviewed_march(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    ok(extract(book, MARCH))
    review(tmp_path / "te-controleren.beancount", REVIEW)
    return book


def learn_cli(book, *args):
    return run_cli("regels", "-e", book, "--regels", book.parent / "regels.txt", *args)


def on_suspense(book, account):
    """The imported transactions of `account` that the import left on the suspense account."""
    entries, errors, _ = loader.load_file(str(book))
    assert not errors, errors
    return [e for e in entries if isinstance(e, data.Transaction) and "import-id" in e.meta
            and {p.account for p in e.postings} == {account, SUSPENSE}]


def book_open_accounts(book):
    entries, _, _ = loader.load_file(str(book))
    return {e.account for e in entries if isinstance(e, data.Open)}


def test_proposals_parse_and_the_next_month_leaves_fewer_lines_to_categorise(tmp_path):
    by_hand = reviewed_march(tmp_path / "by-hand")
    learned = reviewed_march(tmp_path / "learned")

    proposed = ok(learn_cli(learned)).stdout
    rules = parse_rules("proposals", proposed, book_open_accounts(learned))
    assert {(r.kind, r.pattern, r.account) for r in rules.rules} == {
        ("iban", "NL75INGB0002222201", "Inkomsten:Contributies"),
        ("iban", "NL48INGB0002222202", "Inkomsten:Contributies"),
        ("iban", "NL21INGB0002222203", "Inkomsten:Contributies"),
        ("iban", "NL78ABNA0555555501", "Uitgaven:Drukwerk"),
        ("iban", "NL15RABO0333333301", "Inkomsten:Sponsoring"),
    }
    assert (learned.parent / "regels.txt").read_text(encoding="utf-8") == "", "printed only, never written"

    ok(learn_cli(learned, "--schrijf"))
    written = parse_rules("regels.txt", (learned.parent / "regels.txt").read_text(encoding="utf-8"),
                          book_open_accounts(learned))
    assert len(written.rules) == 5

    ok(extract(by_hand, MAY))
    ok(extract(learned, MAY))
    left_by_hand, left_learned = on_suspense(by_hand, "Activa:Bank:Ing"), on_suspense(learned, "Activa:Bank:Ing")
    assert len(left_learned) < len(left_by_hand)
    assert left_learned == [] and {t.payee for t in left_by_hand} == {"A. de Vries", "Drukkerij Voorbeeld B.V."}


def test_each_proposal_names_how_often_and_the_entries_it_came_from(tmp_path):
    book = reviewed_march(tmp_path)
    text = ok(learn_cli(book)).stdout
    block = text[text.index("# C. Jansen"):]
    header, places, rule = block.splitlines()[:3]
    assert "2× op Inkomsten:Contributies" in header
    assert rule.split() == ["iban", "NL21INGB0002222203", "->", "Inkomsten:Contributies"]
    filename, numbers = places.removeprefix("#").strip().rsplit(":", 1)
    lines = (REPO / filename).read_text(encoding="utf-8").splitlines()  # relative to the CLI's folder, or absolute
    for number in numbers.split(","):
        assert "C. Jansen" in lines[int(number) - 1]


def test_the_rules_file_is_only_written_when_asked_and_never_twice(tmp_path):
    book = reviewed_march(tmp_path)
    rules_file = tmp_path / "regels.txt"
    rules_file.write_text("# mijn regels\n", encoding="utf-8")
    ok(learn_cli(book))
    assert rules_file.read_text(encoding="utf-8") == "# mijn regels\n"
    ok(learn_cli(book, "--schrijf"))
    once = rules_file.read_text(encoding="utf-8")
    assert once.startswith("# mijn regels\n") and once.count(" -> ") == 5
    again = ok(learn_cli(book, "--schrijf"))
    assert rules_file.read_text(encoding="utf-8") == once
    assert "0 rule(s) appended" in again.stderr


def test_a_broken_rules_file_is_one_error_line_and_nothing_is_written(tmp_path):
    book = reviewed_march(tmp_path)
    (tmp_path / "regels.txt").write_text("iban NL00 -> Nergens\n", encoding="utf-8")
    result = learn_cli(book, "--schrijf")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "regels.txt:line 1:" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "regels.txt").read_text(encoding="utf-8") == "iban NL00 -> Nergens\n"


def test_writing_waits_for_the_books_lock_and_then_refuses(tmp_path):
    book = reviewed_march(tmp_path)
    with book_lock(str(book)):      # an import is running
        result = learn_cli(book, "--schrijf", "--wacht", "0.3")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "another process is writing this book" in result.stderr
    assert (tmp_path / "regels.txt").read_text(encoding="utf-8") == ""


# -- the model, on inline books ------------------------------------------------------

BOOK = OPTIONS + textwrap.dedent("""
    2022-01-01 open Activa:Bank EUR
    2022-01-01 open Passiva:NogTeRubriceren EUR
    2022-01-01 open Inkomsten:Contributies EUR
    2022-01-01 open Inkomsten:Sponsoring EUR
    2022-01-01 open Uitgaven:Drukwerk EUR
    2022-01-01 open Uitgaven:Bankkosten EUR
""")


def bank_line(date, who, account, iban=None, flag="*", amount="10.00"):
    meta = f'  tegenpartij: "{who}"\n' + (f'  tegenrekening: "{iban}"\n' if iban else "")
    return f'{date} {flag} "{who}" "x"\n{meta}  Activa:Bank  {amount} EUR\n  {account}\n'


def learned_from(*lines, rules="", minimum=1):
    entries, errors, options = loader.load_string(BOOK + "\n".join(lines))
    assert not errors, errors
    opened = {e.account for e in entries if isinstance(e, data.Open)}
    return learn(entries, options, parse_rules("regels.txt", rules, opened), minimum)


def test_a_counterparty_on_two_budget_lines_is_not_proposed():
    result = learned_from(
        bank_line("2022-02-01", "Jansen", "Inkomsten:Contributies", "NL21INGB0002222203"),
        bank_line("2022-03-01", "Jansen", "Inkomsten:Sponsoring", "NL21INGB0002222203"))
    assert result.proposals == []
    assert [s.reason for s in result.skipped] == [SkipReason.SEVERAL_LINES]
    assert "Inkomsten:Contributies (1×), Inkomsten:Sponsoring (1×)" in result.skipped[0].detail


def test_unreviewed_and_suspense_lines_teach_nothing():
    result = learned_from(
        bank_line("2022-02-01", "Jansen", "Inkomsten:Contributies", "NL21INGB0002222203", flag="!"),
        bank_line("2022-03-01", "Bakker", "Passiva:NogTeRubriceren", "NL48INGB0002222202"))
    assert result.proposals == [] and result.skipped == []


def test_an_existing_rule_that_books_otherwise_blocks_the_proposal():
    result = learned_from(
        bank_line("2022-02-01", "Jansen", "Inkomsten:Contributies", "NL21INGB0002222203"),
        rules="naam jansen -> Inkomsten:Sponsoring\n")
    assert result.proposals == []
    assert [s.reason for s in result.skipped] == [SkipReason.EXISTING_RULE_DIFFERS]
    assert "regel 1" in result.skipped[0].detail


def test_a_counterparty_the_rules_already_book_right_is_not_proposed_again():
    result = learned_from(
        bank_line("2022-02-01", "Jansen", "Inkomsten:Contributies", "NL21INGB0002222203"),
        rules="iban NL21 INGB 0002 2222 03 -> Inkomsten:Contributies\n")
    assert result.proposals == [] and result.skipped == [] and result.covered == 1


def test_without_an_iban_the_name_becomes_the_rule_unless_it_would_catch_another_counterparty():
    result = learned_from(
        bank_line("2022-02-01", "Drukkerij De Boer", "Uitgaven:Drukwerk"),
        bank_line("2022-02-02", "Drukkerij De Boer", "Uitgaven:Drukwerk"),
        bank_line("2022-02-03", "Boer", "Inkomsten:Contributies"),
        bank_line("2022-02-04", "Boerenbond", "Inkomsten:Contributies", "NL48INGB0002222202"))
    assert [(p.kind, p.pattern, p.account, p.count) for p in result.proposals] == [
        (RuleKind.IBAN, "NL48INGB0002222202", "Inkomsten:Contributies", 1),
        (RuleKind.NAME, "Drukkerij De Boer", "Uitgaven:Drukwerk", 2),
    ]
    assert [(s.pattern, s.reason) for s in result.skipped] == [("Boer", SkipReason.NAME_TOO_WIDE)]


def test_minimum_leaves_out_counterparties_seen_less_often():
    result = learned_from(
        bank_line("2022-02-01", "Jansen", "Inkomsten:Contributies", "NL21INGB0002222203"),
        bank_line("2022-02-02", "Bakker", "Inkomsten:Contributies", "NL48INGB0002222202"),
        bank_line("2022-03-02", "Bakker", "Inkomsten:Contributies", "NL48INGB0002222202"),
        minimum=2)
    assert [p.pattern for p in result.proposals] == ["NL48INGB0002222202"]
    assert [s.reason for s in result.skipped] == [SkipReason.TOO_FEW]
