"""The other common Dutch exports, end to end through the real command line: ABN AMRO's
camt.053 zip and TXT/TAB, ASN/SNS/RegioBank, Knab, bunq, Rabobank business, ING savings
and Triodos. Every sample imports with the count, sum and closing balance it was written
with, importing it again adds nothing, a broken balance chain is refused at the line where
it breaks, and the zip is read member by member with its guards."""

import re
import zipfile
from decimal import Decimal as D

import pytest
from beancount import loader
from beancount.core import data

from bankhelpers import (
    FORMAT_ACCOUNTS,
    FORMAT_NUMBERS,
    SAMPLES,
    SYNTHETIC,
    bean_check,
    book_text,
    extract,
    make_book,
    run_cli,
)
from importers import abnamro_zip, ibans
from importers.book import load_book
from importers.bunq_csv import BunqCsvImporter
from importers.errors import ImportFileError
from importers.rabobank_business_csv import RabobankBusinessCsvImporter
from importers.rules import parse_rules

ABN_ZIP = SYNTHETIC / "abnamro" / "camt053-2022-03-04.zip"
ABN_TAB = SYNTHETIC / "abnamro" / "TXT220930101500.TAB"
ASN = SYNTHETIC / "asn" / "asn-2022-10.csv"
KNAB = SYNTHETIC / "knab" / "knab-2022-11.csv"
BUNQ = SYNTHETIC / "bunq" / "bunq-2022-12.csv"
RABO_BUSINESS = SYNTHETIC / "rabobank-zakelijk" / "rabo-zakelijk-2022-07.csv"
ING_SAVINGS = SYNTHETIC / "ing-spaar" / "ing-spaar-2022-06.csv"
TRIODOS = SYNTHETIC / "triodos" / "triodos-2022-08.csv"

# The balances the samples start from (their first line's balance before it).
OPENINGS = [
    ("2022-01-01", "Activa:Bank:Betaalrekening", "1000.00"),  # the camt.053 files in the zip
    ("2022-08-31", "Activa:Bank:Betaalrekening", "500.00"),  # 1500.00 on 1 September (TXT)
    ("2022-08-31", "Activa:Bank:Spaarrekening", "2500.00"),  # 2500.00 on 30 September (TXT)
    ("2022-01-01", "Activa:Bank:Asn", "750.00"),
    ("2022-01-01", "Activa:Bank:RaboZakelijk", "12480.00"),
    ("2022-01-01", "Activa:Bank:IngSpaar", "5000.00"),
    ("2022-01-01", "Activa:Bank:Triodos", "3200.00"),
]

FORMATS = [
    # file, {account: (transactions, their sum, the balance assertions written)}
    (
        ABN_ZIP,
        {
            "Activa:Bank:Betaalrekening": (11, "-454.40", ["986.60", "510.60", "545.60"]),
            "Activa:Bank:Spaarrekening": (1, "500.00", ["500.00"]),
        },
    ),
    (
        ABN_TAB,
        {
            "Activa:Bank:Betaalrekening": (6, "339.30", ["1839.30"]),
            "Activa:Bank:Spaarrekening": (2, "-496.88", ["2003.12"]),
        },
    ),
    (ASN, {"Activa:Bank:Asn": (5, "277.65", ["1027.65"])}),
    (KNAB, {"Activa:Bank:Knab": (5, "293.50", [])}),
    (BUNQ, {"Activa:Bank:Bunq": (5, "-3841.34", [])}),
    (RABO_BUSINESS, {"Activa:Bank:RaboZakelijk": (5, "12073.50", ["24553.50"])}),
    (ING_SAVINGS, {"Activa:Bank:IngSpaar": (3, "-1499.58", ["3500.42"])}),
    (TRIODOS, {"Activa:Bank:Triodos": (4, "33.75", ["3233.75"])}),
]


def format_book(tmp_path):
    return make_book(tmp_path, FORMAT_ACCOUNTS, OPENINGS, numbers=FORMAT_NUMBERS)


def imported(book):
    entries, errors, _ = loader.load_file(str(book))
    assert not errors, errors
    return (
        [e for e in entries if isinstance(e, data.Transaction) and "import-id" in e.meta],
        [e for e in entries if isinstance(e, data.Balance) and "import-id" in e.meta],
    )


@pytest.mark.parametrize("sample, expected", FORMATS, ids=[case[0].name for case in FORMATS])
def test_every_format_imports_its_sample_once(tmp_path, sample, expected):
    book = format_book(tmp_path)
    first = extract(book, sample)
    assert first.returncode == 0, first.stderr
    assert bean_check(book).returncode == 0, bean_check(book).stdout
    transactions, balances = imported(book)
    assert len(transactions) == sum(count for count, _, _ in expected.values())
    for account, (count, total, closings) in expected.items():
        mine = [t for t in transactions if t.postings[0].account == account]
        assert len(mine) == count
        assert sum(t.postings[0].units.number for t in mine) == D(total)
        assert [str(b.amount.number) for b in balances if b.account == account] == closings
    output = tmp_path / "te-controleren.beancount"
    before = output.read_text(encoding="utf-8")
    again = extract(book, sample)
    assert again.returncode == 0, again.stderr
    assert "0 new transaction(s)" in again.stderr
    assert output.read_text(encoding="utf-8") == before


BROKEN_CHAINS = [
    # file, line to change, (old, new) on that line, the message
    (
        ABN_TAB,
        4,
        ("\t2014,05\t1857,80\t", "\t2041,05\t1857,80\t"),
        "line 4: the balances do not chain: "
        "the line begins at 2041.05, but the line before it (line 3) ends at 2014.05",
    ),
    (
        ASN,
        3,
        (",798.00,", ",799.00,"),
        "line 3: the balances do not chain: the line begins at 799.00, but the line before it (line 2) ends at 798.00",
    ),
    (
        RABO_BUSINESS,
        3,
        ('"24.561,00"', '"24.516,00"'),
        "line 3: the balances do not add up: "
        "27480.00 (at line 2) + -2919.00 is not the balance after this line, 24516.00",
    ),
    (
        ING_SAVINGS,
        3,
        ('"3500,00"', '"3600,00"'),
        "line 3: the balances do not add up: "
        "6000.00 (at line 4) + -2500.00 is not the balance after this line, 3600.00",
    ),
    (
        TRIODOS,
        2,
        ('"3.270,00"', '"3.207,00"'),
        "line 2: the balances do not add up: "
        "4450.00 (at line 1) + -1180.00 is not the balance after this line, 3207.00",
    ),
]


@pytest.mark.parametrize("sample, lineno, change, message", BROKEN_CHAINS, ids=[c[0].name for c in BROKEN_CHAINS])
def test_a_broken_balance_chain_is_refused_at_its_line(tmp_path, sample, lineno, change, message):
    raw = sample.read_bytes()
    lines = raw.split(b"\n")
    encoding = "utf-8" if sample != TRIODOS else "iso-8859-15"
    old, new = (part.encode(encoding) for part in change)
    assert old in lines[lineno - 1]
    lines[lineno - 1] = lines[lineno - 1].replace(old, new, 1)
    broken = tmp_path / sample.name
    broken.write_bytes(b"\n".join(lines))
    book = format_book(tmp_path)
    before = (tmp_path / "te-controleren.beancount").read_bytes()
    result = extract(book, broken)
    assert result.returncode == 1
    assert result.stderr == f"error: {broken}:{message}\n"
    assert (tmp_path / "te-controleren.beancount").read_bytes() == before


def test_the_published_abn_amro_sample_is_refused_where_its_chain_breaks(tmp_path):
    """The anonymised ABN AMRO sample (MIT) has scrambled balances: the third line does not
    begin where the second ended."""
    sample = SAMPLES / "abnamro-tab" / "TXT_SAMPLE.TAB"
    assert "MIT License" in (SAMPLES / "abnamro-tab" / "LICENSE").read_text()
    accounts = {
        "Activa:Bank:Abn": ibans.dutch_iban("ABNA", "123456789"),
        "Activa:Bank:Abn2": ibans.dutch_iban("ABNA", "112233445"),
    }
    book = make_book(tmp_path, accounts)
    result = extract(book, sample)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {sample}:line 3: the balances do not chain: the line begins at 3000.00, "
        "but the line before it (line 2) ends at 3025.00\n"
    )


def test_a_bare_abn_amro_number_matches_only_the_iban_with_bank_code_abna(tmp_path):
    # The same ten digits at another bank are not this account.
    book = make_book(
        tmp_path,
        {
            "Activa:Bank:Betaalrekening": ibans.dutch_iban("INGB", "417164300"),
            "Activa:Bank:Spaarrekening": "NL63ABNA0417164319",
        },
    )
    result = extract(book, ABN_TAB)
    assert result.returncode == 1
    assert "line 1: account NL91ABNA0417164300 is not one of the association's accounts" in result.stderr


def test_an_account_without_iban_is_found_by_its_rekeningnummer(tmp_path):
    others = [opening for opening in OPENINGS if opening[1] != "Activa:Bank:IngSpaar"]
    book = make_book(tmp_path, FORMAT_ACCOUNTS, others)  # no rekeningnummer: in the book
    refused = extract(book, ING_SAVINGS)
    assert refused.returncode == 1
    assert "account K 444-12345 is not one of the association's accounts" in refused.stderr
    assert "or as rekeningnummer: for an account the bank names without IBAN" in refused.stderr
    book = make_book(tmp_path, FORMAT_ACCOUNTS, OPENINGS, numbers={"Activa:Bank:IngSpaar": "K444-12345"})
    own = load_book(str(book)).lookup("K 444-12345", "x.csv", "line 2")
    assert (own.account, own.iban) == ("Activa:Bank:IngSpaar", "K444-12345")
    assert extract(book, ING_SAVINGS).returncode == 0


def test_the_zip_adds_nothing_to_its_members_imported_unzipped(tmp_path):
    book = format_book(tmp_path)
    members = [SYNTHETIC / "abn-2022-03.camt053.xml", SYNTHETIC / "abn-2022-04-a.camt053.xml"]
    assert extract(book, *members).returncode == 0
    output = tmp_path / "te-controleren.beancount"
    before = output.read_text(encoding="utf-8")
    again = extract(book, ABN_ZIP)
    assert again.returncode == 0, again.stderr
    assert "0 new transaction(s)" in again.stderr and output.read_text(encoding="utf-8") == before


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return path


MARCH = (SYNTHETIC / "abn-2022-03.camt053.xml").read_bytes()


@pytest.mark.parametrize(
    "members, message",
    [
        (
            [("maart.xml", MARCH), ("notities.txt", b"geen afschrift\n")],
            r"\.zip:notities\.txt: the member is not a camt\.053 statement",
        ),
        (
            [("maart.xml", MARCH), ("binnen.zip", b"PK\x03\x04nested")],
            r"\.zip:binnen\.zip: the member is not a camt\.053 statement",
        ),
        ([("../maart.xml", MARCH)], r"\.zip:\.\./maart\.xml: a member name with a path"),
        ([("map/maart.xml", MARCH)], r"\.zip:map/maart\.xml: a member name with a path"),
        (
            [("maart.xml", MARCH.replace(b'<Amt Ccy="EUR">24.00</Amt>', b'<Amt Ccy="EUR">24,00</Amt>', 1))],
            r"\.zip:maart\.xml:Stmt\[1\]/Ntry\[1\]/NtryDtls/TxDtls\[1\]/Amt: malformed amount '24,00'",
        ),
        ([("maart.xml", MARCH[:2000])], r"\.zip:maart\.xml:line \d+: the XML is broken or truncated"),
    ],
    ids=["not-camt", "nested-zip", "parent-path", "folder", "bad-amount", "truncated"],
)
def test_a_bad_zip_member_is_refused_by_name(tmp_path, members, message):
    book = format_book(tmp_path)
    archive = make_zip(tmp_path / "abn.zip", members)
    result = extract(book, archive)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
    assert re.search(message, result.stderr), result.stderr
    assert not (tmp_path / "maart.xml").exists() and not (tmp_path.parent / "maart.xml").exists()


def test_a_zip_of_anything_else_is_not_a_bank_file(tmp_path):
    book = format_book(tmp_path)
    archive = make_zip(tmp_path / "foto's.zip", [("foto.jpg", b"\xff\xd8\xff\xe0 not a statement")])
    result = extract(book, archive)
    assert result.returncode == 1 and "no importer recognises this file" in result.stderr


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path, monkeypatch):
    monkeypatch.setattr(abnamro_zip, "MAX_MEMBER_BYTES", 100_000)
    head = MARCH[: MARCH.index(b"<BkToCstmrStmt>")]
    archive = make_zip(tmp_path / "bom.zip", [("maart.xml", head + b" " * 10_000_000)])
    assert archive.stat().st_size < 50_000
    book = load_book(str(format_book(tmp_path)))
    importer = abnamro_zip.AbnAmroCamtZipImporter(book, parse_rules("regels.txt", "", book.open_accounts))
    assert importer.identify(str(archive))
    with pytest.raises(ImportFileError, match=r"maart\.xml: the member is 100\d+ bytes, more than 100000"):
        importer.parse(str(archive))


def test_bunq_with_semicolons_has_decimal_commas(tmp_path):
    text = (
        '"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"\n'
        '"2022-12-02";"2022-12-02";"-1.234,50";"NL31BUNQ2291234567";"";"Huur";"Zaal december"\n'
        '"2022-12-01";"2022-12-01";"24,00";"NL31BUNQ2291234567";"NL75INGB0002222201";"A. de Vries";"Contributie"\n'
    )
    path = tmp_path / "bunq.csv"
    path.write_text(text, encoding="utf-8")
    book_file = tmp_path / "book.beancount"
    book_file.write_text(book_text(FORMAT_ACCOUNTS, include=None), encoding="utf-8")
    book = load_book(str(book_file))
    importer = BunqCsvImporter(book, parse_rules("regels.txt", "", book.open_accounts))
    (statement,) = importer.parse(str(path))
    assert [e.amount for e in statement.entries] == [D("24.00"), D("-1234.50")]  # booking order


def test_rabobank_business_reads_extra_columns_and_sequence_numbers(tmp_path):
    lines = RABO_BUSINESS.read_text(encoding="utf-8").splitlines()
    extra = ',"Extra 1","Extra 2"'
    rows = [lines[0] + extra] + [
        line.replace('"RABONL2U","",', f'"RABONL2U","{number}",', 1) + ',"",""'
        for number, line in zip((1201, 1202, 1203, 1204, 1205), lines[1:], strict=True)
    ]
    path = tmp_path / "rabo.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    book_file = tmp_path / "book.beancount"
    book_file.write_text(book_text(FORMAT_ACCOUNTS, include=None), encoding="utf-8")
    book = load_book(str(book_file))
    importer = RabobankBusinessCsvImporter(book, parse_rules("regels.txt", "", book.open_accounts))
    assert importer.identify(str(path))
    (statement,) = importer.parse(str(path))
    assert [e.bank_ref for e in statement.entries] == ["1201", "1202", "1203", "1204", "1205"]
    assert statement.closing == D("24553.50")


def test_the_new_formats_are_identified_by_the_cli(tmp_path):
    book = format_book(tmp_path)
    result = run_cli("identify", "-e", book, "--regels", tmp_path / "regels.txt", "-v", *(case[0] for case in FORMATS))
    assert result.returncode == 0, result.stderr
    for name in (
        "abnamro_zip.AbnAmroCamtZipImporter",
        "abnamro_tab.AbnAmroTabImporter",
        "volksbank_csv.VolksbankCsvImporter",
        "knab_csv.KnabCsvImporter",
        "bunq_csv.BunqCsvImporter",
        "rabobank_business_csv.RabobankBusinessCsvImporter",
        "ing_savings_csv.IngSavingsCsvImporter",
        "triodos_csv.TriodosCsvImporter",
    ):
        assert f"importers.{name}" in result.stdout


def test_synthetic_ibans_have_valid_check_digits():
    for iban in FORMAT_ACCOUNTS.values():
        assert ibans.has_valid_check_digits(iban), iban
    for sample in (ASN, KNAB, BUNQ, RABO_BUSINESS, TRIODOS, ING_SAVINGS):
        text = sample.read_bytes().decode("latin-1")
        for iban in re.findall(r"\bNL\d{2}[A-Z]{4}\d{10}\b", text):
            assert ibans.has_valid_check_digits(iban), (sample.name, iban)


def test_members_that_inflate_too_much_together_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(abnamro_zip, "MAX_TOTAL_BYTES", len(MARCH) + 100)
    archive = make_zip(tmp_path / "twee.zip", [("maart.xml", MARCH), ("maart-2.xml", MARCH)])
    book = load_book(str(format_book(tmp_path)))
    importer = abnamro_zip.AbnAmroCamtZipImporter(book, parse_rules("regels.txt", "", book.open_accounts))
    with pytest.raises(ImportFileError, match=rf"the members inflate to {2 * len(MARCH)} bytes, more than"):
        importer.parse(str(archive))
