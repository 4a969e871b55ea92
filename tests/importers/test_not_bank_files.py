"""What is not a bank file gets one line `error: FILE: ...`, exit status 1 and nothing
written or moved, in identify, extract, archive and make import: never a traceback,
never a hang (a FIFO is never opened)."""

import io
import os
import subprocess
import zipfile

import pytest

from bankhelpers import REPO, SYNTHETIC, SYNTHETIC_ACCOUNTS, make_book, run_cli

OPENINGS = [("2022-01-01", "Activa:Bank:Betaalrekening", "1000.00"), ("2022-01-01", "Activa:Bank:Ing", "1000.00")]


def _zip_of_notes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notities.txt", "geen bankafschrift\n")
    return buffer.getvalue()


# name -> (how to make it in a folder, what the message says)
def _bytes(content):
    return lambda target: target.write_bytes(content)


BAD_FILES = {
    "afschrift.pdf": (_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "a PDF document"),
    "afschrift.xls": (_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), "an old Excel/Office file"),
    "scan.png": (_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)), "a PNG image"),
    "foto.jpg": (_bytes(b"\xff\xd8\xff\xe0" + bytes(64)), "a JPEG image"),
    "notities.zip": (_bytes(_zip_of_notes()), "a zip archive"),
    "cr-only.csv": (_bytes(b'"Datum";"Naam / Omschrijving";"Rekening"\r"20220603";"X";"NL19INGB0006000001"\r'),
                    "no importer recognises this file"),
    "mixed.csv": (_bytes(b"Datum;Naam;Rekening;Bedrag\r\n1;2;3;4\r5;6;7;8\n"), "no importer recognises this file"),
    "binary.dat": (_bytes(bytes(range(256)) * 8), "no importer recognises this file"),
    "leeg.xml": (_bytes(b""), "no importer recognises this file"),
    "pijp": (lambda target: os.mkfifo(target), "a FIFO (named pipe), not a file: it is never opened"),
    "weg.xml": (lambda target: os.symlink(target.parent / "bestaat-niet.xml", target), "a dangling symbolic link"),
}


def _downloads(tmp_path, name):
    """A downloads folder holding a good statement and the bad file."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "maart.xml").write_bytes((SYNTHETIC / "abn-2022-03.camt053.xml").read_bytes())
    make, _ = BAD_FILES[name]
    make(folder / name)
    return folder


@pytest.mark.parametrize("command", ["identify", "extract", "archive"])
@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize("named", [True, False], ids=["file", "folder"])
def test_a_file_that_is_not_a_statement_is_one_line_and_nothing_happens(tmp_path, command, name, named):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    folder = _downloads(tmp_path, name)
    output = tmp_path / "te-controleren.beancount"
    before = output.read_bytes()
    listing = sorted(os.listdir(folder))
    sources = [folder / "maart.xml", folder / name] if named else [folder]
    args = {"identify": [], "extract": ["-o", output], "archive": ["-o", tmp_path / "documenten"]}[command]
    result = run_cli(command, "-e", book, "--regels", tmp_path / "regels.txt", *args, *sources)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {folder / name}: "), lines[0]
    assert BAD_FILES[name][1] in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert output.read_bytes() == before
    assert sorted(os.listdir(folder)) == listing
    assert not (tmp_path / "documenten").exists()


def test_a_folder_named_instead_of_a_file_is_walked_and_an_empty_one_refused(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    empty = tmp_path / "leeg"
    empty.mkdir()
    result = run_cli("extract", "-e", book, "--regels", tmp_path / "regels.txt", empty)
    assert result.returncode == 1 and result.stderr == f"error: {empty}: no files to import\n"


def test_a_csv_export_with_bare_cr_line_ends_imports_like_the_original(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, [("2022-01-01", "Activa:Bank:Ing", "1060.00")])
    original = (SYNTHETIC / "ing-2022-06.nl.csv").read_bytes()
    cr_only = tmp_path / "ing-cr.csv"
    cr_only.write_bytes(original.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    first = run_cli("extract", "-e", book, "--regels", tmp_path / "regels.txt", SYNTHETIC / "ing-2022-06.nl.csv")
    second = run_cli("extract", "-e", book, "--regels", tmp_path / "regels.txt", cr_only)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    body = [line for line in first.stdout.splitlines() if not line.startswith("; ")]
    assert body == [line for line in second.stdout.splitlines() if not line.startswith("; ")]


def test_archive_refuses_a_symbolic_link_and_never_overwrites(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, OPENINGS)
    folder = tmp_path / "downloads"
    folder.mkdir()
    elsewhere = tmp_path / "elders.xml"
    elsewhere.write_bytes((SYNTHETIC / "abn-2022-03.camt053.xml").read_bytes())
    (folder / "link.xml").symlink_to(elsewhere)
    documents = tmp_path / "documenten"
    result = run_cli("archive", "-e", book, "--regels", tmp_path / "regels.txt", "-o", documents, folder)
    assert result.returncode == 1 and "link.xml: a symbolic link" in result.stderr
    assert elsewhere.exists() and (folder / "link.xml").is_symlink() and not documents.exists()
    # A real file whose place in the archive is taken: refused, both files stay as they are.
    (folder / "link.xml").unlink()
    (folder / "maart.xml").write_bytes(elsewhere.read_bytes())
    taken = documents / "Activa" / "Bank" / "Betaalrekening" / "2022-03-31.maart.xml"
    taken.parent.mkdir(parents=True)
    taken.write_text("al gearchiveerd\n")
    result = run_cli("archive", "-e", book, "--regels", tmp_path / "regels.txt", "-o", documents, folder)
    assert result.returncode == 1 and "already exists; archive never overwrites a file" in result.stderr
    assert taken.read_text() == "al gearchiveerd\n" and (folder / "maart.xml").exists()
    taken.unlink()
    result = run_cli("archive", "-e", book, "--regels", tmp_path / "regels.txt", "-o", documents, folder)
    assert result.returncode == 0, result.stderr
    assert taken.read_bytes() == elsewhere.read_bytes() and not (folder / "maart.xml").exists()


def test_make_import_refuses_a_fifo_and_a_pdf_with_one_line(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    os.mkfifo(folder / "pijp")
    (folder / "z.pdf").write_bytes(b"%PDF-1.4\n")
    ledger = REPO / "ledger" / "boekhouding-2022" / "te-controleren.beancount"
    before = ledger.read_bytes()
    result = subprocess.run(["make", "-s", "import", f"DOWNLOADS={folder}"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {folder / 'pijp'}: a FIFO (named pipe), not a file: it is never opened"]
    assert "Traceback" not in result.stderr
    assert ledger.read_bytes() == before
