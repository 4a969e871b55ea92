"""plugins.budget_model.book_postings: one pass over a book's postings, shared while the same
transactions are asked about, and never handed out for other ones.

The guards and the reports read the gathering one after the other; a figure from it must be
the figure of the transactions asked about, whatever was gathered before.
"""

from decimal import Decimal as D

from beancount import loader

from plugins.budget_model import book_postings, booked_by_quarter, foreign_postings, read_approvals

BOOK = """\
option "name_assets" "Activa"
option "name_equity" "Vermogen"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"

2022-01-01 open Activa:Bank
2022-01-01 open Inkomsten:Contributies
2022-01-01 open Uitgaven:Festival
2022-01-01 open Vermogen:Bestemmingsfondsen:Rechtszaak

2022-02-01 * "contributie"
  Inkomsten:Contributies  -100 EUR
  Activa:Bank

2022-03-01 * "zaal" #festival
  bestuursbesluit: "Bestuursbesluit 2022-03"
  Uitgaven:Festival  250 EUR
  Activa:Bank

2022-04-01 * "zaal in het buitenland"
  Uitgaven:Festival  40 USD
  Activa:Bank  -40 USD

2022-05-01 * "fonds"
  Vermogen:Bestemmingsfondsen:Rechtszaak  -75 EUR
  Activa:Bank
"""


def load(text: str = BOOK):
    entries, errors, options = loader.load_string(text)
    assert errors == []
    return entries, options


def test_the_postings_are_gathered_per_income_expense_and_equity_account_in_euro():
    entries, _ = load()
    gathered = book_postings(entries)
    assert {account: [number for _, number, _ in bookings] for account, bookings in gathered.bookings.items()} == {
        "Inkomsten:Contributies": [D(-100)],
        "Uitgaven:Festival": [D(250)],
        "Vermogen:Bestemmingsfondsen:Rechtszaak": [D(-75)],
    }
    assert gathered.budget_accounts == {"Inkomsten:Contributies", "Uitgaven:Festival"}
    assert [str(posting.units) for _, posting in gathered.foreign] == ["40 USD"]
    assert [approval.decision for approval in gathered.approvals] == ["Bestuursbesluit 2022-03"]


def test_asking_about_the_same_transactions_again_returns_the_same_gathering():
    entries, _ = load()
    first = book_postings(entries)
    with_more = entries + [entries[0]]  # another list, the same transactions (an Open added)
    assert book_postings(with_more) is first


def test_an_equal_book_loaded_again_is_gathered_afresh_for_its_own_transactions():
    entries, _ = load()
    first = book_postings(entries)
    again, _ = load()
    second = book_postings(again)
    assert second is not first
    booked = second.bookings["Uitgaven:Festival"][0][2]
    assert any(booked is entry for entry in again)


def test_a_changed_transaction_is_never_served_from_the_gathering_before():
    entries, _ = load()
    assert booked_by_quarter(entries, 2022)[0]["Uitgaven:Festival"][1].amount == D(250)
    changed, _ = load(BOOK.replace("Uitgaven:Festival  250 EUR", "Uitgaven:Festival  300 EUR"))
    assert booked_by_quarter(changed, 2022)[0]["Uitgaven:Festival"][1].amount == D(300)
    assert booked_by_quarter(entries, 2022)[0]["Uitgaven:Festival"][1].amount == D(250)


def test_other_account_roots_are_another_gathering():
    entries, _ = load()
    dutch = book_postings(entries)
    other = book_postings(entries, "Income", "Expenses", "Equity")
    assert other is not dutch and other.bookings == {}


def test_the_readers_built_on_it_return_lists_of_their_own():
    entries, _ = load()
    approvals, errors = read_approvals(entries)
    approvals.clear()
    foreign_postings(entries).clear()
    assert len(read_approvals(entries)[0]) == 1 and len(foreign_postings(entries)) == 1
    assert errors == []
