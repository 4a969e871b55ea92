"""Regression pairs in beangulp's own layout: each input file with the expected output
beside it (`FILE.beancount`: the `;; Account/Date/Name` header and the entries), written
and compared with `beangulp.testing`.

To write them again after a deliberate change, run

    BANK_REGENERATE=1 .venv/bin/python -m pytest tests/importers/test_regression.py

then read the diff of the .beancount files before committing them."""

import os
from pathlib import Path

import pytest
from beangulp import testing

from bankhelpers import FORMAT_ACCOUNTS, FORMAT_NUMBERS, SAMPLES, SYNTHETIC, SYNTHETIC_ACCOUNTS, book_text
from importers.abnamro_tab import AbnAmroTabImporter
from importers.abnamro_zip import AbnAmroCamtZipImporter
from importers.book import load_book
from importers.bunq_csv import BunqCsvImporter
from importers.camt053 import Camt053Importer
from importers.ing_csv import IngCsvImporter
from importers.ing_savings_csv import IngSavingsCsvImporter
from importers.knab_csv import KnabCsvImporter
from importers.mt940 import Mt940Importer
from importers.rabobank_business_csv import RabobankBusinessCsvImporter
from importers.rabobank_csv import RabobankCsvImporter
from importers.rules import parse_rules
from importers.triodos_csv import TriodosCsvImporter
from importers.volksbank_csv import VolksbankCsvImporter

SAMPLE_ACCOUNTS = {"Activa:Bank:Zzp": "NL14SNSB0012345678", "Activa:Bank:Spaar": "NL78SNSB0022446688",
                   "Activa:Bank:Rabo": "NL71RABO0123456789"}
RULES = ("iban  NL15RABO0333333301 -> Inkomsten:Sponsoring\n"
         "tekst contributie        -> Inkomsten:Contributies\n")

CASES = [
    (Camt053Importer, SAMPLES / "camt053" / "sns-example-a.xml", SAMPLE_ACCOUNTS),
    (Mt940Importer, SAMPLES / "mt940" / "rabobank-iban.sta", SAMPLE_ACCOUNTS),
    (Mt940Importer, SAMPLES / "mt940" / "sns.sta", {"Activa:Bank:Sns": "NL12SNSB0123456789"}),
    (Camt053Importer, SYNTHETIC / "abn-2022-03.camt053.xml", SYNTHETIC_ACCOUNTS),
    (Camt053Importer, SYNTHETIC / "abn-2022-04-a.camt053.xml", SYNTHETIC_ACCOUNTS),
    (Camt053Importer, SYNTHETIC / "abn-2022-04-b.camt053.xml", SYNTHETIC_ACCOUNTS),
    (Mt940Importer, SYNTHETIC / "ing-2022-05a.sta", SYNTHETIC_ACCOUNTS),
    (Mt940Importer, SYNTHETIC / "ing-2022-05b.sta", SYNTHETIC_ACCOUNTS),
    (IngCsvImporter, SYNTHETIC / "ing-2022-06.nl.csv", SYNTHETIC_ACCOUNTS),
    (IngCsvImporter, SYNTHETIC / "ing-2022-07.en.csv", SYNTHETIC_ACCOUNTS),
    (IngCsvImporter, SYNTHETIC / "ing-2022-08.komma.csv", SYNTHETIC_ACCOUNTS),
    (RabobankCsvImporter, SYNTHETIC / "rabobank-2022-01.nl.csv", SYNTHETIC_ACCOUNTS),
    (RabobankCsvImporter, SYNTHETIC / "rabobank-2022-01-02.nl-cp1252.csv", SYNTHETIC_ACCOUNTS),
    (RabobankCsvImporter, SYNTHETIC / "rabobank-2022-03.en.csv", SYNTHETIC_ACCOUNTS),
    (AbnAmroCamtZipImporter, SYNTHETIC / "abnamro" / "camt053-2022-03-04.zip", FORMAT_ACCOUNTS),
    (AbnAmroTabImporter, SYNTHETIC / "abnamro" / "TXT220930101500.TAB", FORMAT_ACCOUNTS),
    (VolksbankCsvImporter, SYNTHETIC / "asn" / "asn-2022-10.csv", FORMAT_ACCOUNTS),
    (KnabCsvImporter, SYNTHETIC / "knab" / "knab-2022-11.csv", FORMAT_ACCOUNTS),
    (BunqCsvImporter, SYNTHETIC / "bunq" / "bunq-2022-12.csv", FORMAT_ACCOUNTS),
    (RabobankBusinessCsvImporter, SYNTHETIC / "rabobank-zakelijk" / "rabo-zakelijk-2022-07.csv", FORMAT_ACCOUNTS),
    (IngSavingsCsvImporter, SYNTHETIC / "ing-spaar" / "ing-spaar-2022-06.csv", FORMAT_ACCOUNTS),
    (TriodosCsvImporter, SYNTHETIC / "triodos" / "triodos-2022-08.csv", FORMAT_ACCOUNTS),
]


def importer_for(cls, accounts, tmp_path: Path):
    book_file = tmp_path / "book.beancount"
    book_file.write_text(book_text(accounts, include=None, numbers=FORMAT_NUMBERS), encoding="utf-8")
    book = load_book(str(book_file))
    return cls(book, parse_rules("regels.txt", RULES, book.open_accounts))


@pytest.mark.parametrize("cls, document, accounts", CASES, ids=[case[1].name for case in CASES])
def test_regression(tmp_path, cls, document, accounts):
    importer = importer_for(cls, accounts, tmp_path)
    others = [c(importer.book, importer.rules) for c in {case[0] for case in CASES} if c is not cls]
    assert importer.identify(str(document))
    assert not any(other.identify(str(document)) for other in others), "identified by two importers"
    result = testing.run_importer(importer, str(document))
    expected = f"{document}.beancount"
    if os.environ.get("BANK_REGENERATE"):
        testing.write_expected_file(expected, *result, force=True)
    diff = testing.compare_expected(expected, *result)
    assert not diff, "".join(diff)
