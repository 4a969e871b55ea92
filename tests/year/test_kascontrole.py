"""make kascontrole: the auditors' pack from the shipped queries, checked against bean-query itself."""

from __future__ import annotations

import csv
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from bookcopy import ROOT, copy_books, make

ENTRIES = """
2022-01-05 * "Contributie" "Jan Jansen"
  Inkomsten:Contributies:IndividueleLeden   -24.00 EUR
  Activa:Bank:Betaalrekening

2022-02-01 * "Kernteam januari"
  document: "facturen/kernteam-2022-01.pdf"
  Uitgaven:Kernteam                         5750.00 EUR
  Activa:Bank:Betaalrekening

2022-02-10 * "Extern advies" ^factuur-2022-017
  Uitgaven:ExternAdvies                      900.00 EUR
  Activa:Bank:Betaalrekening

2022-02-11 document Uitgaven:ExternAdvies "facturen/advies-2022-017.pdf" ^factuur-2022-017

2022-02-15 * "Zaalhuur festival"
  Uitgaven:Festival                          800.00 EUR
  Activa:Bank:Betaalrekening

2022-02-20 * "Kantoorartikelen"
  Uitgaven:OverigeKantoorkosten               80.00 EUR
  Activa:Bank:Betaalrekening

2022-03-01 balance Activa:Bank:Betaalrekening  -7506.00 EUR

2022-03-01 * "Bankkosten" "ABN AMRO"
  bestuursbesluit: "Bestuursbesluit 2022-03"
  Uitgaven:Bankkosten                        100.00 EUR
  Activa:Bank:Betaalrekening

2022-03-05 ! "Onbekende storting"
  Passiva:NogTeRubriceren                    -42.00 EUR
  Activa:Bank:Betaalrekening

2022-03-06 * "Nog te rubriceren afschrijving"
  Passiva:NogTeRubriceren                     15.00 EUR
  Activa:Bank:Betaalrekening
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("kascontrole")
    book = copy_books(tmp, ENTRIES)
    for name in ("facturen/kernteam-2022-01.pdf", "facturen/advies-2022-017.pdf"):
        document = book.parent / "boekhouding-2022" / name  # relative to the file that names it
        document.parent.mkdir(exist_ok=True)
        document.write_bytes(b"%PDF-1.4\n")
    check = subprocess.run([str(Path(sys.executable).parent / "bean-check"), str(book)], check=False,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    result = make(tmp, "kascontrole", f"KASCONTROLE={tmp / 'pack'}")
    assert result.returncode == 0, result.stderr
    assert "item(s) for the kascommissie" in result.stdout
    return book, tmp / "pack"


def rows(folder: Path, name: str) -> list[dict]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def bean_query(book: Path, name: str) -> list[dict]:
    """The shipped query file run by the real bean-query, as CSV rows."""
    text = (ROOT / "queries" / f"{name}.bql").read_text(encoding="utf-8")
    assert text.startswith("SELECT\n/*")
    result = subprocess.run([str(Path(sys.executable).parent / "bean-query"), "-f", "csv", str(book), text],
                            check=True, capture_output=True, text=True)
    return list(csv.DictReader(result.stdout.splitlines()))


def test_the_pack_has_text_and_a_csv_per_section(pack):
    _, folder = pack
    names = {p.name for p in folder.iterdir()}
    assert {"kascontrole.txt", "bankafstemming.csv", "te-beoordelen.csv", "zonder-document.csv",
            "overschrijdingen.csv", "bestemmingsfondsen.csv", "afgesloten-perioden.csv", "fouten.csv"} <= names
    text = (folder / "kascontrole.txt").read_text(encoding="utf-8")
    assert "Bankafstemming" in text and "Bron: queries/te-beoordelen.bql" in text


def test_every_bank_account_is_reconciled_to_its_last_statement(pack):
    book, folder = pack
    [row] = rows(folder, "bankafstemming")
    [statement] = bean_query(book, "bankafstemming")
    assert row["rekening"] == statement["rekening"] == "Activa:Bank:Betaalrekening"
    assert row["datum"] == statement["datum"]
    assert Decimal(row["afschriftsaldo"]) == Decimal(row["geboekt"]) == Decimal(statement["afschriftsaldo"].split()[0])
    assert row["oordeel"] == "in orde"
    assert row["boekingen na afschrift"] == "3"


def test_entries_to_review_are_the_ones_bean_query_finds(pack):
    book, folder = pack
    found = [(r["datum"], r["omschrijving"]) for r in rows(folder, "te-beoordelen")]
    assert found == [(r["datum"], r["omschrijving"]) for r in bean_query(book, "te-beoordelen")]
    assert found == [("2022-03-05", "Onbekende storting"), ("2022-03-06", "Nog te rubriceren afschrijving")]


def test_expenses_above_the_threshold_without_a_document_are_listed(pack):
    book, folder = pack
    listed = [(r["rekening"], r["bedrag"]) for r in rows(folder, "zonder-document")]
    assert listed == [("Uitgaven:Festival", "800.00")]  # advice is linked to a document, Kernteam has document:
    undocumented = {r["rekening"] for r in bean_query(book, "zonder-document")}
    assert {"Uitgaven:Festival", "Uitgaven:ExternAdvies", "Uitgaven:OverigeKantoorkosten"} <= undocumented


def test_a_lower_threshold_lists_smaller_expenses(pack, tmp_path):
    book, _ = pack
    result = subprocess.run([sys.executable, "-m", "audit", str(book), "--map", str(tmp_path), "--drempel", "50"],
                            check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert [r["rekening"] for r in rows(tmp_path, "zonder-document")] == [
        "Uitgaven:Festival", "Uitgaven:Bankkosten", "Uitgaven:OverigeKantoorkosten"]


def test_overruns_are_listed_with_their_approvals(pack):
    _, folder = pack
    overruns = [r for r in rows(folder, "overschrijdingen") if r["rekening"] == "Uitgaven:Bankkosten"]
    assert overruns and all(r["besluiten"] == "Bestuursbesluit 2022-03" and r["oordeel"] == "in orde"
                            for r in overruns)


def test_changes_to_a_closed_period_show_in_the_pack(pack, tmp_path):
    book, _ = pack
    closed = subprocess.run([sys.executable, "-m", "closing", str(book), "--datum", "2022-02-28", "--door",
                             "Kascommissie"], check=False, capture_output=True, text=True)
    assert closed.returncode == 0, closed.stderr
    bank = book.parent / "boekhouding-2022" / "bank.beancount"
    original = bank.read_text(encoding="utf-8")
    try:
        bank.write_text(original.replace("80.00 EUR", "81.00 EUR"), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "audit", str(book), "--map", str(tmp_path)],
                                check=False, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        [period] = rows(tmp_path, "afgesloten-perioden")
        assert (period["afgesloten t/m"], period["oordeel"]) == ("2022-02-28", "nakijken")
        assert any("has changed" in r["melding"] for r in rows(tmp_path, "fouten"))
    finally:
        bank.write_text(original, encoding="utf-8")


def test_a_bad_threshold_is_a_clear_error():
    result = subprocess.run([sys.executable, "-m", "audit", "ledger/boekhouding-2022.beancount", "--drempel", "veel"],
                            check=False, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr == "error: DREMPEL='veel': not a non-negative number of euros\n"


def test_the_pack_runs_on_the_shipped_book(tmp_path):
    result = subprocess.run([sys.executable, "-m", "audit", "ledger/boekhouding-2022.beancount", "--map",
                             str(tmp_path)], check=False, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert rows(tmp_path, "fouten") == []
