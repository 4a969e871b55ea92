"""Every published statement in tests/data/bank/samples/ (copied from shared/bank-samples
with its licence): imported where the file is consistent, with the count and amounts the
file states, and rejected with the right error where the file itself does not add up.

The MT940 samples name their accounts by old domestic numbers; the test books give the
association the IBANs those numbers became (bank code + the number in ten digits)."""

import re
from decimal import Decimal as D

import pytest
from beancount import loader
from beancount.core import data

from bankhelpers import SAMPLES, bean_check, extract, make_book

CAMT = SAMPLES / "camt053"
MT940 = SAMPLES / "mt940"


def test_licences_are_beside_the_samples():
    assert "MIT License" in (CAMT / "LICENSE-sns-example").read_text()
    assert "Frank Oxener" in (MT940 / "LICENSE").read_text()


def booked(book):
    entries, errors, _ = loader.load_file(str(book))
    assert not errors, errors
    return ([e for e in entries if isinstance(e, data.Transaction) and "import-id" in e.meta],
            [e for e in entries if isinstance(e, data.Balance)])


IMPORTED = [
    # file, accounts, opening balances, transactions per account, closing balances per account
    (CAMT / "sns-example-a.xml",
     {"Activa:Bank:Zzp": "NL14SNSB0012345678", "Activa:Bank:Spaar": "NL78SNSB0022446688"},
     [("2026-01-23", "Activa:Bank:Zzp", "203.69"), ("2026-01-23", "Activa:Bank:Spaar", "1859.13")],
     {"Activa:Bank:Zzp": 7, "Activa:Bank:Spaar": 4},
     {"Activa:Bank:Zzp": ["661.69"], "Activa:Bank:Spaar": ["1660.87"]}),
    (MT940 / "rabobank-iban.sta",
     {"Activa:Bank:Rabo": "NL71RABO0123456789"},
     [("2012-12-31", "Activa:Bank:Rabo", "1000.00")],
     {"Activa:Bank:Rabo": 4},
     {"Activa:Bank:Rabo": ["965.00", "930.00"]}),
    (MT940 / "sns.sta",
     {"Activa:Bank:Sns": "NL12SNSB0123456789"},
     [("2012-06-07", "Activa:Bank:Sns", "1234.56")],
     {"Activa:Bank:Sns": 2},
     {"Activa:Bank:Sns": ["1209.56", "1209.56"]}),
]


@pytest.mark.parametrize("sample, accounts, openings, counts, closings", IMPORTED, ids=[c[0].name for c in IMPORTED])
def test_consistent_samples_are_imported(tmp_path, sample, accounts, openings, counts, closings):
    book = make_book(tmp_path, accounts, openings)
    result = extract(book, sample)
    assert result.returncode == 0, result.stderr
    assert bean_check(book).returncode == 0
    transactions, balances = booked(book)
    raw = sample.read_text(encoding="utf-8")
    if sample.suffix == ".xml":
        assert len(transactions) == raw.count("<Ntry>") == sum(counts.values())
    else:
        assert len(transactions) == len(re.findall(r"(?m)^:61:", raw)) == sum(counts.values())
    for account, count in counts.items():
        mine = [t for t in transactions if t.postings[0].account == account]
        assert len(mine) == count
        opening = sum(D(amount) for _, acc, amount in openings if acc == account)
        # The entries take the account from the file's opening to its closing balance.
        assert opening + sum(t.postings[0].units.number for t in mine) == D(closings[account][-1])
        assert [str(b.amount.number) for b in balances if b.account == account] == closings[account]
    for transaction in transactions:
        assert transaction.flag == "!" and transaction.postings[1].account == "Passiva:NogTeRubriceren"


REJECTED = [
    (MT940 / "abnamro.sta", {"Activa:Bank:Abn": "NL20ABNA0517852257"},
     "line 4: the entries do not add up: opening balance 3236.28 + entries -321.44 = 2914.84, "
     "but the closing balance is 876.84 (8 entries)"),
    (MT940 / "ing.sta", {"Activa:Bank:Ing": "NL20INGB0001234567"},
     "line 4: the entries do not add up: opening balance 0.00 + entries -45.59 = -45.59, "
     "but the closing balance is 3.47 (7 entries)"),
    (MT940 / "knab.sta", {"Activa:Bank:Knab": "NL68KNAB0123456789"},
     "line 10: the entries do not add up: opening balance 3058.98 + entries -6760.00 = -3701.02, "
     "but the closing balance is 798.98 (2 entries)"),
    (MT940 / "rabobank.sta", {"Activa:Bank:Rabo1": "NL19RABO0129199348", "Activa:Bank:Rabo2": "NL23RABO0152689184"},
     "line 2: the entries do not add up: opening balance 473.17 + entries -1213.28 = -740.11, "
     "but the closing balance is 395.82 (1 entries)"),
    (MT940 / "triodos.sta", {"Activa:Bank:Triodos": "NL49TRIO0390123456"},
     "line 1: the entries do not add up: opening balance 4975.09 + entries -715.70 = 4259.39, "
     "but the closing balance is 4370.79 (2 entries)"),
]


@pytest.mark.parametrize("sample, accounts, message", REJECTED, ids=[c[0].name for c in REJECTED])
def test_inconsistent_samples_are_rejected(tmp_path, sample, accounts, message):
    book = make_book(tmp_path, accounts)
    before = (tmp_path / "te-controleren.beancount").read_bytes()
    result = extract(book, sample)
    assert result.returncode == 1
    assert result.stderr == f"error: {sample}:{message}\n"
    assert (tmp_path / "te-controleren.beancount").read_bytes() == before


def test_a_sample_for_an_account_not_in_the_book_is_refused(tmp_path):
    book = make_book(tmp_path, {"Activa:Bank:Zzp": "NL14SNSB0012345678"})
    result = extract(book, CAMT / "sns-example-a.xml")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {CAMT / 'sns-example-a.xml'}:Stmt[2]: account NL78SNSB0022446688 "
                                    "is not one of the association's accounts")


def test_an_old_number_matching_two_of_our_ibans_is_refused(tmp_path):
    book = make_book(tmp_path, {"Activa:Bank:Knab": "NL68KNAB0123456789", "Activa:Bank:Sns": "NL12SNSB0123456789"})
    result = extract(book, MT940 / "sns.sta")
    assert result.returncode == 1
    assert "account number 0123456789 matches more than one of our IBANs" in result.stderr
