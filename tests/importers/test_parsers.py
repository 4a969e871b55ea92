"""Unit tests of the parsers and the shared pieces: :86: subfields, IBANs and old account
numbers, Dutch amounts, the rules file, camt.053 details, ordering of ING lines, dedup."""

import datetime
from decimal import Decimal as D

import pytest
from beancount.core import data
from beangulp.extract import DUPLICATE

from bankhelpers import BAD, SAMPLES, SYNTHETIC, SYNTHETIC_ACCOUNTS, book_text
from importers import csvbank, ibans
from importers.book import load_book
from importers.camt053 import Camt053Importer
from importers.dutch86 import parse_86
from importers.errors import ImportFileError
from importers.ing_csv import IngCsvImporter
from importers.mt940 import Mt940Importer
from importers.rabobank_csv import RabobankCsvImporter
from importers.rules import parse_rules


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "book.beancount"
    path.write_text(book_text(SYNTHETIC_ACCOUNTS, include=None), encoding="utf-8")
    return load_book(str(path))


def no_rules(book):
    return parse_rules("regels.txt", "", book.open_accounts)


# -- :86: ------------------------------------------------------------------------------

def test_structured_86_is_joined_without_a_separator_where_it_was_wrapped():
    details = parse_86(["/EREF/01-01-2013 12:00 0030000987654321/BENM//NAME/CONTRA ACCOUN",
                        "T HOLDER/REMI//ISDT/2013-07-11"])
    assert details.name == "CONTRA ACCOUNT HOLDER"
    assert details.end_to_end == "01-01-2013 12:00 0030000987654321"
    assert details.text == ""


def test_ing_86_with_ustd_and_iban():
    details = parse_86(["/TRTP/SEPA OVERBOEKING/IBAN/NL75INGB0002222201/BIC/INGBNL2A/NAME/",
                        "A. de Vries/REMI/USTD//Contributie 2022/EREF/NOTPROVIDED"])
    assert (details.iban, details.name, details.text, details.end_to_end, details.kind) == (
        "NL75INGB0002222201", "A. de Vries", "Contributie 2022", None, "SEPA OVERBOEKING")


def test_structured_reference_and_counterparty_in_cntp():
    details = parse_86(["/CNTP/NL15RABO0333333301/RABONL2U/STICHTING TULPENFONDS/AMSTERDAM/",
                        "/REMI/STRD/CUR/1100000000000042/"])
    assert details.iban == "NL15RABO0333333301"
    assert details.name == "STICHTING TULPENFONDS"
    assert details.structured_ref == "1100000000000042"


def test_gvc_layout_of_triodos():
    details = parse_86(["000>100987654321", ">20ALGEMENE TUSSENREKENING KOS>21TEN VAN 01-10-2010 TOT EN M",
                        ">22ET 31-12-2010>310390123456"])
    assert details.text == "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010"
    assert details.iban == "0390123456"


def test_free_text_of_knab_and_sns():
    knab = parse_86(["FACTUUR 201403110, 201403113", "REK: NL65INGB0123456789/NAAM: PICQER"])
    assert (knab.iban, knab.name, knab.text) == ("NL65INGB0123456789", "PICQER", "FACTUUR 201403110, 201403113")
    sns = parse_86(["0987654321 marechal s", " " * 65, "dit is een test", " " * 65])
    assert (sns.iban, sns.name, sns.text) == ("0987654321", "marechal s", "dit is een test")


# -- IBANs and old numbers ----------------------------------------------------------------

@pytest.mark.parametrize("text, digits", [
    ("517852257", "0517852257"), ("1291.99.348EUR", "0129199348"),
    ("TRIODOSBANK/0390123456", "0390123456"), ("NL91ABNA0417164300", "0417164300"), ("GB29NWBK60161331926819", None),
])
def test_domestic_digits(text, digits):
    assert ibans.domestic_digits(text) == digits


def test_a_statement_in_old_numbers_or_with_a_currency_suffix_finds_our_iban(book):
    assert book.lookup("0417164300", "f", "p").account == "Activa:Bank:Betaalrekening"
    assert book.lookup("NL19INGB0006000001EUR", "f", "p").account == "Activa:Bank:Ing"
    with pytest.raises(ImportFileError, match="not one of the association's accounts"):
        book.lookup("NL02ABNA0123456789", "f", "p")


# -- amounts ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("0,31", D("0.31")), ("+1.000,00", D("1000.00")), ("-1.234.567,89", D("-1234567.89")), ("1250,00", D("1250.00")),
])
def test_dutch_amounts(text, value):
    assert csvbank.amount(text, "f", "line 2") == value


@pytest.mark.parametrize("text", ["1.250,0", "12.50", "1,250.00", "12,5", "1.25,00", "", "€ 5,00", "5,00-"])
def test_malformed_dutch_amounts(text):
    with pytest.raises(ImportFileError, match="malformed amount"):
        csvbank.amount(text, "f", "line 2")


# -- rules ------------------------------------------------------------------------------

def test_rules_match_in_order_and_case_insensitively(book):
    rules = parse_rules("r", "\n".join([
        "# commentaar",
        "iban  nl15 rabo 0333 3333 01 -> Inkomsten:Sponsoring",
        'tekst "contributie*2022"      -> Inkomsten:Contributies',
        "naam  bakker                  -> Uitgaven:Drukwerk",
    ]), book.open_accounts)
    assert rules.account_for("NL15RABO0333333301", "X", "contributie 2022") == "Inkomsten:Sponsoring"
    assert rules.account_for(None, "B. Bakker", "CONTRIBUTIE over 2022") == "Inkomsten:Contributies"
    assert rules.account_for(None, "B. Bakker", "gift") == "Uitgaven:Drukwerk"
    assert rules.account_for(None, None, "gift") is None


@pytest.mark.parametrize("line, message", [
    ("naam X Inkomsten:Sponsoring", "a rule is: iban|naam|tekst PATTERN -> ACCOUNT"),
    ("bedrag 24 -> Inkomsten:Sponsoring", "unknown kind 'bedrag': use iban, naam or tekst"),
    ("iban 12345 -> Inkomsten:Sponsoring", "12345 does not look like an IBAN"),
    ("naam X -> Inkomsten:Onbekend", "account Inkomsten:Onbekend is not opened in the book"),
])
def test_bad_rules_name_their_line(book, line, message):
    with pytest.raises(ImportFileError) as error:
        parse_rules("regels.txt", "# kop\n\n" + line, book.open_accounts)
    assert str(error.value) == f"regels.txt:line 3: {message}"


def test_the_shipped_rules_file_parses_against_the_shipped_book():
    from importers.cli import DEFAULT_RULES
    from importers.rules import load_rules
    shipped = load_book("ledger/boekhouding-2022.beancount")
    load_rules(DEFAULT_RULES, shipped.open_accounts)
    assert [own.iban for own in shipped.own] == ["NL91ABNA0417164300"]


# -- camt.053 ---------------------------------------------------------------------------

def test_camt_batch_reversal_party_and_pending(book):
    statements = Camt053Importer(book, no_rules(book)).parse(str(SYNTHETIC / "abn-2022-03.camt053.xml"))
    (statement,) = statements
    assert (statement.opening, statement.closing) == (D("1000.00"), D("986.60"))
    entries = statement.entries
    assert [e.place for e in entries[:3]] == [f"Stmt[1]/Ntry[1]/NtryDtls/TxDtls[{n}]" for n in (1, 2, 3)]
    assert [e.amount for e in entries] == [D("24.00")] * 3 + [
        D("-15.50"),
        D("-250.00"),
        D("250.00"),
        D("-24.00"),
        D("-45.90"),
    ]
    # On a credit the debtor is the counterparty, although the creditor (us) is in the file too.
    assert entries[0].counterparty_name == "A. de Vries"
    # On the reversal (a debit) the creditor is our own account: the debtor is taken.
    reversal = entries[6]
    assert reversal.reversal and reversal.counterparty_iban == "NL21INGB0002222203"
    assert entries[3].text == "Kosten betaalverzoeken en incasso februari (4 posten)"
    assert entries[7].original == "50.00 USD"
    assert all(e.date != datetime.date(2022, 3, 31) for e in entries)   # the pending entry


def test_camt_details_that_do_not_add_up_are_an_error(book, tmp_path):
    text = (SYNTHETIC / "abn-2022-03.camt053.xml").read_text()
    broken = tmp_path / "batch.xml"
    broken.write_text(text.replace('<Amt Ccy="EUR">24.00</Amt>\n            <CdtDbtInd>CRDT</CdtDbtInd>',
                                   '<Amt Ccy="EUR">25.00</Amt>\n            <CdtDbtInd>CRDT</CdtDbtInd>', 1))
    with pytest.raises(
        ImportFileError, match=r"Stmt\[1\]/Ntry\[1\]: the 3 details of the batch add up to 73.00, the entry says 72.00"
    ):
        Camt053Importer(book, no_rules(book)).parse(str(broken))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "sNaN"])
def test_camt_amount_that_is_not_a_number_is_a_located_error(book, tmp_path, value):
    text = (SYNTHETIC / "abn-2022-03.camt053.xml").read_text()
    broken = tmp_path / "nan.xml"
    broken.write_text(text.replace('<Amt Ccy="EUR">72.00</Amt>', f'<Amt Ccy="EUR">{value}</Amt>', 1))
    with pytest.raises(ImportFileError, match=rf"Stmt\[1\]/Ntry\[1\]/Amt: malformed amount '{value}'"):
        Camt053Importer(book, no_rules(book)).parse(str(broken))


# -- MT940 ------------------------------------------------------------------------------

def test_mt940_reads_every_61_and_skips_the_statement_level_86(book):
    statements = Mt940Importer(book, no_rules(book)).parse(str(SAMPLES / "mt940" / "ing.sta"))
    (statement,) = statements
    assert len(statement.entries) == 7
    assert statement.entries[-1].text.endswith("Betaling transactiedatum: 22-07-2010")
    assert "D000004C000002" not in statement.entries[-1].text


def test_mt940_reversal_marks(book):
    (_, statement) = Mt940Importer(book, no_rules(book)).parse(str(SYNTHETIC / "ing-2022-05a.sta"))
    returned = statement.entries[-1]
    assert returned.reversal and returned.amount == D("37.50")


# -- CSV --------------------------------------------------------------------------------

def test_ing_lines_are_put_in_booking_order(book):
    (statement,) = IngCsvImporter(book, no_rules(book)).parse(str(SYNTHETIC / "ing-2022-06.nl.csv"))
    assert [e.place for e in statement.entries] == [f"line {n}" for n in range(7, 1, -1)]
    assert (statement.opening, statement.closing) == (D("1060.00"), D("406.00"))


def test_rabobank_encoding_follows_the_header(book):
    importer = RabobankCsvImporter(book, no_rules(book))
    assert importer._header(str(SYNTHETIC / "rabobank-2022-01-02.nl-cp1252.csv"))[2] == "cp1252"
    assert importer._header(str(SYNTHETIC / "rabobank-2022-01.nl.csv"))[2] == "utf-8"
    (statement,) = importer.parse(str(SYNTHETIC / "rabobank-2022-01-02.nl-cp1252.csv"))
    assert statement.entries[1].counterparty_name == "Zoë de Boer"


def test_each_file_is_identified_by_exactly_one_importer(book):
    importers = [
        cls(book, no_rules(book)) for cls in (Camt053Importer, Mt940Importer, IngCsvImporter, RabobankCsvImporter)
    ]
    files = [p for p in list(SAMPLES.rglob("*")) + list(SYNTHETIC.glob("*"))
             if p.is_file() and p.suffix in (".xml", ".sta", ".csv")]
    assert len(files) == 19
    for path in files:
        assert sum(importer.identify(str(path)) for importer in importers) == 1, path
    assert not any(importer.identify(str(BAD / "unknown.txt")) for importer in importers)
    assert not any(importer.identify(str(SAMPLES / "camt053" / "camt.053.001.08.xsd")) for importer in importers)


# -- dedup ------------------------------------------------------------------------------

def test_deduplicate_uses_the_import_id_only(book):
    importer = Camt053Importer(book, no_rules(book))
    entries = importer.extract(str(SYNTHETIC / "abn-2022-03.camt053.xml"), [])
    again = importer.extract(str(SYNTHETIC / "abn-2022-03.camt053.xml"), [])
    importer.deduplicate(again, entries)
    assert all(entry.meta.get(DUPLICATE) for entry in again)
    # Same date, amount, payee and text but another import id: not a duplicate.
    fresh = importer.extract(str(SYNTHETIC / "abn-2022-03.camt053.xml"), [])
    twin = fresh[0]._replace(meta={**fresh[0].meta, "import-id": "other"})
    importer.deduplicate([twin], entries)
    assert not twin.meta.get(DUPLICATE)
    # Within one list, a second entry with the same id is a duplicate of the first.
    pair = [fresh[1], fresh[1]._replace(meta=dict(fresh[1].meta))]
    importer.deduplicate(pair, [])
    assert [bool(e.meta.get(DUPLICATE)) for e in pair] == [False, True]
    assert isinstance(entries[-1], data.Balance)


@pytest.mark.parametrize("name, version", [
    ("abn-2022-03.camt053.xml", "08"), ("abn-2022-04-a.camt053.xml", "02"), ("abn-2022-04-b.camt053.xml", "02"),
])
def test_synthetic_camt_files_are_valid_against_the_iso_schema(name, version):
    """The fixtures follow the ISO 20022 schemas (copied beside the samples); lxml comes with beangulp."""
    from lxml import etree
    schema = etree.XMLSchema(etree.parse(str(SAMPLES / "camt053" / f"camt.053.001.{version}.xsd")))
    assert schema.validate(etree.parse(str(SYNTHETIC / name))), schema.error_log
