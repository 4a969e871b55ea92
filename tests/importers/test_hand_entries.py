"""Where the import meets the book: import ids that hold when the bank repeats a
reference, entries typed by hand that a statement also holds, the likely culprits when
a statement does not continue the book, paths relative to the book, statements of a
year the books hold no budget for, and statement lines in a closed period."""

import datetime
import re
import shutil
from decimal import Decimal

from bankhelpers import REPO, SYNTHETIC, SYNTHETIC_ACCOUNTS, bean_check, extract, make_book, run_cli
from bench import camt as camt_files
from test_cli import imported

MARCH = SYNTHETIC / "abn-2022-03.camt053.xml"
OPENINGS = [("2022-01-01", "Activa:Bank:Betaalrekening", "1000.00")]


def _with_shared_batch_reference(tmp_path, reference):
    """The March statement with every detail of its batch carrying the same AcctSvcrRef."""
    text = MARCH.read_text(encoding="utf-8")
    start = text.index("<Ntry>")
    end = text.index("</Ntry>", start)                     # the batch is the first entry
    batch, count = re.subn(r"<Refs><EndToEndId>(CONTR-2022-00\d)</EndToEndId></Refs>",
                           rf"<Refs><AcctSvcrRef>{reference}</AcctSvcrRef><EndToEndId>\1</EndToEndId></Refs>",
                           text[start:end])
    assert count == 3
    text = text[:start] + batch + text[end:]
    statement = tmp_path / "maart-batch.xml"
    statement.write_text(text, encoding="utf-8")
    return statement


def test_a_batch_whose_details_repeat_one_reference_imports_every_detail_once(tmp_path):
    for reference in ("BATCH-0001", "ABN2022030100001"):          # a reference of its own, or the entry's
        folder = tmp_path / reference
        folder.mkdir()
        book = make_book(folder, SYNTHETIC_ACCOUNTS, OPENINGS)
        statement = _with_shared_batch_reference(folder, reference)
        first = extract(book, statement)
        assert first.returncode == 0, first.stderr
        transactions, balances = imported(book)
        assert len(transactions) == 8 and len(balances) == 1
        batch = sorted(t.meta["import-id"] for t in transactions if t.date == datetime.date(2022, 3, 1))
        assert batch == [f"NL91ABNA0417164300:{reference}/{n}" for n in (1, 2, 3)]
        again = extract(book, statement)
        assert again.returncode == 0
        assert "0 new transaction(s)" in again.stderr and "9 already in the book" in again.stderr
        assert bean_check(book).returncode == 0


def _book_with_hand_entry(tmp_path, date):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    text = book.read_text(encoding="utf-8").replace(
        'include "te-controleren.beancount"',
        f'{date} * "Drukkerij Voorbeeld" "drukwerk, met de hand ingevoerd"\n'
        '  Activa:Bank:Betaalrekening  -250.00 EUR\n  Uitgaven:Drukwerk\n\ninclude "te-controleren.beancount"')
    book.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f'{date} * "Drukkerij Voorbeeld" "drukwerk, met de hand ingevoerd"') + 1
    return book, line


def test_a_statement_line_typed_by_hand_before_is_not_imported_again_and_named(tmp_path):
    book, line = _book_with_hand_entry(tmp_path, "2022-03-08")     # the bank booked it on 10 March
    result = extract(book, MARCH)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"abn-2022-03\.camt053\.xml:Stmt\[1\]/Ntry\[3\]: 2022-03-10 -250\.00 EUR matched "
                     rf"\S*book\.beancount:{line} \(typed by hand\)", result.stderr), result.stderr
    assert "1 matched an entry typed by hand" in result.stderr
    transactions, _ = imported(book)
    assert len(transactions) == 7                                  # 8 in the statement, one typed by hand
    assert not [t for t in transactions if t.postings[0].units.number == Decimal("-250.00")]
    assert bean_check(book).returncode == 0
    again = extract(book, MARCH)                                   # still matched, still not added
    assert again.returncode == 0 and "0 new transaction(s)" in again.stderr


def test_identical_payments_keep_all_but_the_one_typed_by_hand(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    text = book.read_text(encoding="utf-8").replace(
        'include "te-controleren.beancount"',
        '2022-03-01 * "A. de Vries" "contributie"\n  Activa:Bank:Betaalrekening  24.00 EUR\n'
        '  Inkomsten:Contributies\n\ninclude "te-controleren.beancount"')
    book.write_text(text, encoding="utf-8")
    result = extract(book, MARCH)
    assert result.returncode == 0, result.stderr
    transactions, _ = imported(book)
    # Three contributions of 24.00 on 1 March: one typed by hand, two imported.
    assert len([t for t in transactions if t.postings[0].units.number == 24]) == 2


def test_a_statement_that_does_not_continue_the_book_names_the_likely_culprits(tmp_path):
    book, line = _book_with_hand_entry(tmp_path, "2022-03-02")     # too far from 10 March to be the same
    result = extract(book, MARCH)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "the closing balance does not continue the book: Balance failed for 'Activa:Bank:Betaalrekening'" in message
    assert re.search(rf"Likely culprits.*book\.beancount:{line} \(2022-03-02, -250\.00 EUR, typed by hand\)", message)


def test_the_book_gets_paths_relative_to_it(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    downloads = tmp_path / "bankbestanden"
    downloads.mkdir()
    shutil.copy(MARCH, downloads / "maart.xml")
    assert extract(book, downloads / "maart.xml").returncode == 0
    text = (tmp_path / "te-controleren.beancount").read_text(encoding="utf-8")
    assert "; bankbestanden/maart.xml (camt.053)" in text
    assert str(tmp_path) not in text and "/tmp/" not in text


def test_a_statement_of_a_year_without_a_budget_is_refused_naming_the_year(tmp_path):
    ledger = tmp_path / "ledger"
    shutil.copytree(REPO / "ledger", ledger)
    shutil.copytree(REPO / "queries", tmp_path / "queries")
    with open(ledger / "boekhouding-2022" / "bank.beancount", "a", encoding="utf-8") as file:
        file.write('\n2022-01-01 open Vermogen:Openingsbalans EUR\n'
                   '2022-01-01 * "Beginsaldo"\n  Activa:Bank:Betaalrekening  1000.00 EUR\n  Vermogen:Openingsbalans\n')
    statement = camt_files.write_statement(tmp_path / "januari-2023.xml", 5, "NL91ABNA0417164300",
                                           start=datetime.date(2023, 1, 2), opening=Decimal("1000.00"))
    output = ledger / "boekhouding-2022" / "te-controleren.beancount"
    before = output.read_bytes()
    result = run_cli("extract", "-e", ledger / "boekhouding-2022.beancount", "-o", output, statement)
    assert result.returncode == 1
    assert re.match(r"error: .*januari-2023\.xml:Stmt\[1\]/Ntry\[1\]: the statement has entries dated 2023 "
                    r"\(2023-01-02\), but the books hold no budget for 2023 \(budget years of .*: 2022\)",
                    result.stderr), result.stderr
    assert output.read_bytes() == before


def test_a_hand_entry_the_closing_balance_shows_to_be_another_payment_leaves_every_line_in(tmp_path):
    book, _ = _book_with_hand_entry(tmp_path, "2022-03-08")
    # An opening balance 250.00 higher: the statement closes on 986.60 with the hand entry and all its lines.
    book.write_text(book.read_text(encoding="utf-8").replace("  Activa:Bank:Betaalrekening  1000.00 EUR",
                                                             "  Activa:Bank:Betaalrekening  1250.00 EUR"),
                    encoding="utf-8")
    result = extract(book, MARCH)
    assert result.returncode == 0, result.stderr
    assert "0 matched an entry typed by hand" in result.stderr
    transactions, _ = imported(book)
    assert len(transactions) == 8
    assert bean_check(book).returncode == 0


def test_a_statement_line_in_a_closed_period_is_refused_naming_the_closing(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    with open(book, "a", encoding="utf-8") as file:  # a closing record as make afsluiten writes it
        file.write('\n2022-03-15 custom "periode-afgesloten" "sha256:0000" "Kascommissie, verslag 2022-04-12"\n')
    output = tmp_path / "te-controleren.beancount"
    before = output.read_bytes()
    result = extract(book, MARCH)
    assert result.returncode == 1, result.stderr
    assert re.match(r"error: .*abn-2022-03\.camt053\.xml:\S+: the statement has an entry dated 2022-03-\d\d, in the "
                    r"period closed up to 2022-03-15 \(.*book\.beancount:\d+, approved by Kascommissie, verslag "
                    r"2022-04-12\); a closed period takes no new entries", result.stderr), result.stderr
    assert output.read_bytes() == before
