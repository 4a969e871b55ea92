"""End to end through the real command line: extract into a book, re-import, overlap,
identical payments, rules, bad input, identify and archive."""

import re
import shutil
import subprocess

import pytest
from beancount import loader
from beancount.core import data

from decimal import Decimal as D

from bankhelpers import (BAD, REPO, SYNTHETIC, SYNTHETIC_ACCOUNTS, bean_check, extract, make_book,
                         run_cli)

# Opening balances that the synthetic files continue from.
OPENINGS = [
    ("2022-01-01", "Activa:Bank:Betaalrekening", "1000.00"),
    ("2022-01-01", "Activa:Bank:Ing", "1000.00"),
]
MARCH = SYNTHETIC / "abn-2022-03.camt053.xml"
APRIL_A = SYNTHETIC / "abn-2022-04-a.camt053.xml"
APRIL_B = SYNTHETIC / "abn-2022-04-b.camt053.xml"


def imported(book):
    """The transactions and balances in the book that carry an import id."""
    entries, errors, _ = loader.load_file(str(book))
    assert not errors, errors
    transactions = [e for e in entries if isinstance(e, data.Transaction) and "import-id" in e.meta]
    balances = [e for e in entries if isinstance(e, data.Balance) and "import-id" in e.meta]
    return transactions, balances


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def test_extract_appends_and_the_book_passes_bean_check(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    ok(extract(book, MARCH, APRIL_A, APRIL_B))
    assert bean_check(book).returncode == 0, bean_check(book).stdout
    transactions, balances = imported(book)
    # March: 3 batch details + batch without details + 250 out + 250 in + reversal + USD payment
    # (the pending entry is not booked); April: 2 + 1 on 1 April, 1 on 4 April, 1 on 5 April.
    assert len(transactions) == 8 + 5
    assert len({t.meta["import-id"] for t in transactions}) == 13
    # +250 and -250 on one day are two payments, not one.
    assert sorted(t.postings[0].units.number for t in transactions if t.date.isoformat() == "2022-03-10") == [-250, 250]
    closing = {(b.account, b.date.isoformat()): b.amount.number for b in balances}
    assert closing[("Activa:Bank:Betaalrekening", "2022-03-21")] == D("986.60")
    assert closing[("Activa:Bank:Betaalrekening", "2022-04-06")] == D("425.60")
    assert closing[("Activa:Bank:Spaarrekening", "2022-04-02")] == 500
    text = (tmp_path / "te-controleren.beancount").read_text(encoding="utf-8")
    assert 'tegenrekening: "NL78ABNA0555555501"' in text and 'betalingskenmerk: "1234567890123456"' in text
    assert 'oorspronkelijk-bedrag: "50.00 USD"' in text and "storno: TRUE" in text


def test_importing_the_same_files_twice_adds_nothing(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    files = [MARCH, APRIL_A, SYNTHETIC / "ing-2022-05a.sta", SYNTHETIC / "ing-2022-05b.sta",
             SYNTHETIC / "ing-2022-06.nl.csv"]
    ok(extract(book, *files))
    output = tmp_path / "te-controleren.beancount"
    before = output.read_text(encoding="utf-8")
    second = ok(extract(book, *files))
    assert output.read_text(encoding="utf-8") == before
    assert "0 new transaction(s)" in second.stderr
    assert bean_check(book).returncode == 0


@pytest.mark.parametrize("first, second, expected", [
    (APRIL_A, APRIL_B, 5),
    (SYNTHETIC / "ing-2022-05a.sta", SYNTHETIC / "ing-2022-05b.sta", 6),
    (SYNTHETIC / "rabobank-2022-01.nl.csv", SYNTHETIC / "rabobank-2022-01-02.nl-cp1252.csv", 6),
])
@pytest.mark.parametrize("together", [True, False])
def test_overlapping_files_add_each_transaction_once(tmp_path, first, second, expected, together):
    openings = OPENINGS + [("2022-03-31", "Activa:Bank:Betaalrekening", "-13.40")]  # 986.60 at 1 April
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, openings)
    if together:
        ok(extract(book, first, second))
    else:
        ok(extract(book, first))
        ok(extract(book, second))
    transactions, _ = imported(book)
    assert len(transactions) == expected
    assert len({t.meta["import-id"] for t in transactions}) == expected
    assert bean_check(book).returncode == 0


def test_identical_payments_on_one_day_are_all_kept(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    ok(extract(book, SYNTHETIC / "ing-2022-05a.sta", SYNTHETIC / "ing-2022-05b.sta", SYNTHETIC / "ing-2022-06.nl.csv"))
    transactions, _ = imported(book)
    # MT940 without references: three identical EUR 24 lines of A. de Vries on 3 May.
    mt940 = [t for t in transactions if t.date.isoformat() == "2022-05-03" and t.payee == "A. de Vries"]
    assert len(mt940) == 3
    assert sorted(t.meta["import-id"][-2:] for t in mt940) == ["/0", "/1", "/2"]
    # ING CSV: three identical EUR 24 lines of C. Jansen on 2 June (their balances differ).
    csv = [t for t in transactions if t.date.isoformat() == "2022-06-02"]
    assert len(csv) == 3 and all(t.postings[0].units.number == 24 for t in csv)


def test_rules_categorise_and_the_rest_is_flagged(tmp_path):
    rules = ("iban  NL15RABO0333333301 -> Inkomsten:Sponsoring\n"
             "tekst contributie*2022   -> Inkomsten:Contributies\n"
             "naam  drukkerij          -> Uitgaven:Drukwerk\n")
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS, rules)
    result = ok(extract(book, MARCH))
    transactions, _ = imported(book)
    by_account = {}
    for t in transactions:
        by_account.setdefault(t.postings[1].account, []).append(t)
    assert {t.flag for t in by_account["Inkomsten:Sponsoring"]} == {"*"}
    assert len(by_account["Inkomsten:Contributies"]) == 4        # three contributions and the reversal
    assert len(by_account["Uitgaven:Drukwerk"]) == 1
    flagged = by_account["Passiva:NogTeRubriceren"]
    assert {t.flag for t in flagged} == {"!"} and len(flagged) == 2   # bank costs, USD hosting
    assert "2 of them flagged '!'" in result.stderr


def lines_of(path):
    return path.read_bytes() if path.exists() else None


BAD_CASES = [
    (BAD / "unknown.txt", r"unknown\.txt: no importer recognises this file"),
    (BAD / "not-utf8.sta", r"not-utf8\.sta:line 18: byte 0xEB at column 3 is not valid utf-8"),
    (BAD / "bad-amount.camt053.xml", r"bad-amount\.camt053\.xml:Stmt\[1\]/Ntry\[2\]/Amt: malformed amount '15,50'"),
    (BAD / "bad-amount.sta", r"bad-amount\.sta:line 6: malformed :61: record"),
    (BAD / "bad-amount.ing.csv", r"bad-amount\.ing\.csv:line 3: malformed amount '1\.250,0'"),
    (BAD / "truncated.camt053.xml", r"truncated\.camt053\.xml:line \d+: the XML is broken or truncated"),
    (
        BAD / "truncated.sta",
        r"truncated\.sta:line \d+: the statement has no closing balance \(:62F:\): the file is truncated",
    ),
    (
        BAD / "not-adding-up.camt053.xml",
        r"not-adding-up\.camt053\.xml:Stmt\[1\]: the entries do not add up: opening balance 1000\.00 \+ entries -13\.40"
        r" = 986\.60, but the closing balance is 996\.60",
    ),
    (BAD / "not-adding-up.rabobank.csv", r"not-adding-up\.rabobank\.csv:line 4: the balances do not add up"),
    (
        BAD / "unknown-iban.camt053.xml",
        r"unknown-iban\.camt053\.xml:Stmt\[1\]: account NL02ABNA0123456789 is not one of the association's accounts",
    ),
    (
        BAD / "foreign-currency.camt053.xml",
        r"foreign-currency\.camt053\.xml:Stmt\[1\]/Ntry\[4\]: amount 250\.00 USD is not in the account's currency EUR",
    ),
    (
        BAD / "foreign-currency.rabobank.csv",
        r"foreign-currency\.rabobank\.csv:line 3: amount -45\.90 USD is not in the account's currency EUR",
    ),
]


@pytest.mark.parametrize("bad, message", BAD_CASES, ids=[case[0].name for case in BAD_CASES])
def test_bad_input_is_one_line_a_failure_and_nothing_written(tmp_path, bad, message):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    output = tmp_path / "te-controleren.beancount"
    before = output.read_bytes()
    # A good file first, the bad one after it: nothing of either may be written.
    result = extract(book, SYNTHETIC / "ing-2022-06.nl.csv", bad)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.match(r"^error: .+", lines[0]) and re.search(message, lines[0]), lines[0]
    assert output.read_bytes() == before
    assert result.stdout == ""


def test_a_statement_that_does_not_continue_the_book_is_refused(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS)               # no opening balance
    output = tmp_path / "te-controleren.beancount"
    before = output.read_bytes()
    result = extract(book, MARCH)
    assert result.returncode == 1
    assert re.match(r"^error: .*abn-2022-03\.camt053\.xml:Stmt\[1\]: the closing balance does not continue the book: "
                    r"Balance failed for 'Activa:Bank:Betaalrekening'.*Beginsaldo", result.stderr)
    assert len(result.stderr.splitlines()) == 1
    assert output.read_bytes() == before


def test_the_shipped_book(tmp_path):
    """The real ledger (a copy): its example IBAN, its suspense account, its plugins."""
    ledger = tmp_path / "ledger"
    shutil.copytree(REPO / "ledger", ledger)
    shutil.copytree(REPO / "queries", tmp_path / "queries")
    book = ledger / "boekhouding-2022.beancount"
    output = ledger / "boekhouding-2022" / "te-controleren.beancount"
    args = ["extract", "-e", book, "-o", output, MARCH]
    refused = run_cli(*args)
    assert refused.returncode == 1 and "Beginsaldo" in refused.stderr
    with open(ledger / "boekhouding-2022" / "bank.beancount", "a", encoding="utf-8") as file:
        file.write('\n2022-01-01 open Vermogen:Openingsbalans EUR\n'
                   '2022-01-01 * "Beginsaldo"\n  Activa:Bank:Betaalrekening  1000.00 EUR\n  Vermogen:Openingsbalans\n')
    ok(run_cli(*args))
    check = bean_check(book)
    # The budget plugins may report the book against the budget; nothing else may fail.
    assert "Balance failed" not in check.stdout + check.stderr
    assert not re.search(r"te-controleren\.beancount:\d+:", check.stdout + check.stderr), check.stdout
    assert len(re.findall(r"(?m)^  Passiva:NogTeRubriceren$", output.read_text(encoding="utf-8"))) == 8


def test_identify_and_archive(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for name in ("abn-2022-03.camt053.xml", "ing-2022-05a.sta", "ing-2022-06.nl.csv", "rabobank-2022-03.en.csv"):
        shutil.copy(SYNTHETIC / name, downloads / name)
    (downloads / ".DS_Store").write_bytes(b"\0\1")
    result = ok(run_cli("identify", "-e", book, "--regels", tmp_path / "regels.txt", "-v", downloads))
    for name in ("camt053.Camt053Importer", "mt940.Mt940Importer", "ing_csv.IngCsvImporter",
                 "rabobank_csv.RabobankCsvImporter"):
        assert f"importers.{name}" in result.stdout
    assert "Activa:Bank:Betaalrekening" in result.stdout and "Activa:Bank:Rabo" in result.stdout
    (downloads / "notities.txt").write_text("geen bankbestand\n")
    refused = run_cli("identify", "-e", book, "--regels", tmp_path / "regels.txt", downloads)
    assert refused.returncode == 1 and "notities.txt: no importer recognises this file" in refused.stderr
    (downloads / "notities.txt").unlink()
    archive = tmp_path / "documenten"
    ok(run_cli("archive", "-e", book, "--regels", tmp_path / "regels.txt", "-o", archive, downloads))
    moved = sorted(p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file())
    assert moved == [
        "Activa/Bank/Betaalrekening/2022-03-31.abn-2022-03.camt053.xml",
        "Activa/Bank/Ing/2022-05-03.ing-2022-05a.sta",
        "Activa/Bank/Ing/2022-06-03.ing-2022-06.nl.csv",
        "Activa/Bank/Rabo/2022-03-15.rabobank-2022-03.en.csv",
    ]


def test_rules_file_errors_name_the_line(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS, "# comment\nnaam X -> Inkomsten:Bestaat:Niet\n")
    result = extract(book, MARCH)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("regels.txt:line 2: account Inkomsten:Bestaat:Niet is not opened in the book")


def test_the_shipped_rules_file_is_valid():
    book = REPO / "ledger" / "boekhouding-2022.beancount"
    result = run_cli("identify", "-e", book, SYNTHETIC / "abn-2022-03.camt053.xml")
    assert result.returncode == 0, result.stderr


def test_make_import(tmp_path):
    dry = subprocess.run(["make", "-n", "import", f"DOWNLOADS={tmp_path}"], cwd=REPO, capture_output=True, text=True)
    assert (f"python -m importers extract -e ledger/boekhouding-2022.beancount "
            f"-o ledger/boekhouding-2022/te-controleren.beancount {tmp_path}") in dry.stdout
    empty = subprocess.run(["make", "import", f"DOWNLOADS={tmp_path}"], cwd=REPO, capture_output=True, text=True)
    assert empty.returncode != 0 and "no files to import" in empty.stderr


def test_a_budget_overrun_in_the_book_does_not_stop_the_import(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    shutil.copytree(REPO / "ledger", tmp_path / "ledger")  # the budget book must lie beside the book it guards
    shutil.copytree(REPO / "queries", tmp_path / "queries")
    budget = tmp_path / "ledger" / "begroting-2022.beancount"
    with book.open("a", encoding="utf-8") as file:
        file.write(f"""\nplugin "plugins.budget_guard" "{{'budget': '{budget}'}}"\n
2022-01-02 * "drukwerk zonder begrotingsregel"
  Uitgaven:Drukwerk  75.00 EUR
  Passiva:NogTeRubriceren\n""")
    check = bean_check(book)
    assert check.returncode != 0 and "Uitgaven:Drukwerk" in check.stdout + check.stderr
    ok(extract(book, MARCH))
    assert "import-id" in (tmp_path / "te-controleren.beancount").read_text(encoding="utf-8")
