"""The Import page's endpoints and safeguards (fava_importeren): board mode refuses every write (HTTP 401,
Fava's own import upload too), another site's form is refused (403), an uploaded name never leads outside the
import folder, a configured path never outside the project, and a line typed by hand is not imported again."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from io import BytesIO

import pytest
from beancount import loader
from fava_books import ACTUAL_SLUG, start_board, stop
from import_books import MARCH, import_books, import_folder, te_controleren

from fava_importeren.settings import SettingsError, read_settings
from fava_importeren.uploads import (
    UploadError,
    bank_files,
    picked_file,
    safe_name,
    save_upload,
)
from fava_importeren.view import proposed_rules_text, run


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def request(url: str, method: str, body: bytes = b"", content_type: str = "application/x-www-form-urlencoded",
            headers: dict | None = None) -> int:
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """`make board` (read-only) on a copy of the books whose import folder holds the March statement."""
    budget, actual = import_books(tmp_path_factory.mktemp("import-board"))
    import_folder(actual).mkdir()
    (import_folder(actual) / MARCH.name).write_bytes(MARCH.read_bytes())
    proc, url = start_board((budget, actual))
    try:
        yield url, actual
    finally:
        stop(proc)


def test_board_mode_refuses_every_write_with_401(board):
    url, actual = board
    base = f"{url}/{ACTUAL_SLUG}"
    before = te_controleren(actual).read_text(encoding="utf-8")
    body, content_type = multipart("bestand", "april.xml", MARCH.read_bytes())
    assert request(f"{base}/extension/Importeren/upload", "POST", body, content_type) == 401
    assert request(f"{base}/extension/Importeren/importeer", "POST", f"bestand={MARCH.name}".encode()) == 401
    body, content_type = multipart("file", "april.xml", MARCH.read_bytes())
    assert request(f"{base}/api/upload_import_file", "PUT", body, content_type) == 401   # Fava's own upload
    assert te_controleren(actual).read_text(encoding="utf-8") == before
    assert [p.name for p in import_folder(actual).iterdir()] == [MARCH.name]
    # The page itself is there, without its forms, and shows what the file would add.
    with urllib.request.urlopen(f"{base}/extension/Importeren/?bestand={MARCH.name}", timeout=60) as response:
        html = response.read().decode()
    assert 'id="alleen-lezen"' in html and 'id="upload"' not in html and 'id="importeer"' not in html
    assert 'id="nieuw"' in html


def test_a_form_posted_from_another_site_is_refused(tmp_path):
    budget, actual = import_books(tmp_path)
    proc, url = start_board((budget, actual), target="fava")
    try:
        endpoint = f"{url}/{ACTUAL_SLUG}/extension/Importeren/upload"
        body, content_type = multipart("bestand", "maart.xml", MARCH.read_bytes())
        assert request(endpoint, "POST", body, content_type, {"Origin": "http://evil.example"}) == 403
        assert request(endpoint, "POST", body, content_type, {"Sec-Fetch-Site": "cross-site"}) == 403
        assert not import_folder(actual).exists()
    finally:
        stop(proc)


@pytest.mark.parametrize("given, saved", [
    ("../../ledger/boekhouding-2022.beancount", "boekhouding-2022.beancount"),
    ("..\\..\\etc\\passwd", "passwd"),
    ("/etc/passwd", "passwd"),
    (".verborgen.csv", "verborgen.csv"),
    ("maart 2022 (1).xml", "maart_2022_1_.xml"),
    ("Afschrift-€-maart-café.STA", "Afschrift--maart-cafe.STA"),
    ("x" * 300 + ".csv", "x" * 100),
])
def test_an_uploaded_name_is_reduced_to_a_plain_name(given, saved):
    assert safe_name(given) == saved


@pytest.mark.parametrize("given", ["", "..", "/", "...", "€€€"])
def test_an_empty_or_dots_only_name_is_refused(given):
    with pytest.raises(UploadError):
        safe_name(given)


def test_an_upload_lands_in_the_import_folder_and_never_replaces_a_file(tmp_path):
    folder = tmp_path / "bankbestanden"
    assert save_upload(str(folder), "../maart.xml", BytesIO(b"one")) == "maart.xml"
    assert save_upload(str(folder), "maart.xml", BytesIO(b"one")) == "maart.xml"      # the same file again
    assert save_upload(str(folder), "maart.xml", BytesIO(b"two")) == "maart-1.xml"    # other content, other name
    assert (folder / "maart.xml").read_bytes() == b"one" and (folder / "maart-1.xml").read_bytes() == b"two"
    assert sorted(os.listdir(tmp_path)) == ["bankbestanden"]
    assert sorted(os.listdir(folder)) == ["maart-1.xml", "maart.xml"]          # no temporary file left
    with pytest.raises(UploadError):
        save_upload(str(folder), "leeg.csv", BytesIO(b""))


def test_only_plain_files_of_the_folder_can_be_picked(tmp_path):
    folder = tmp_path / "bankbestanden"
    folder.mkdir()
    (folder / "maart.xml").write_text("x")
    (folder / ".verborgen").write_text("x")
    (folder / "map").mkdir()
    (folder / "link.xml").symlink_to(tmp_path / "elders.xml")
    (tmp_path / "elders.xml").write_text("x")
    assert [f.name for f in bank_files(str(folder))] == ["maart.xml"]
    for name in ["../elders.xml", "link.xml", ".verborgen", "map", "/etc/passwd", None]:
        assert picked_file(str(folder), name) is None
    assert picked_file(str(folder), "maart.xml") == str(folder / "maart.xml")


def test_a_configured_path_outside_the_project_is_refused(tmp_path):
    _, actual = import_books(tmp_path)
    settings = read_settings(str(actual), None)
    assert settings.folder == str(tmp_path / "bankbestanden")
    assert settings.output == str(te_controleren(actual))
    for config in ["{'folder': '../../elders'}", "{'output': '/tmp/x.beancount'}", "{'rules': '/etc/passwd'}",
                   "{'map': 'x'}", "[1]", "{'folder': 3}", "kapot("]:
        with pytest.raises(SettingsError):
            read_settings(str(actual), config)
    (tmp_path / "bankbestanden").symlink_to(tmp_path.parent)    # a linked import folder leading outside
    with pytest.raises(SettingsError, match="leads outside the project"):
        read_settings(str(actual), None)


def test_a_line_typed_by_hand_is_matched_not_imported_again(tmp_path):
    by_hand = (
        '\n2022-03-02 * "A. de Vries" "Contributie"\n'
        "  Activa:Bank:Betaalrekening  24.00 EUR\n  Passiva:NogTeRubriceren\n"
    )
    _, actual = import_books(tmp_path, by_hand)
    settings = read_settings(str(actual), None)
    before = te_controleren(actual).read_text(encoding="utf-8")
    preview = run(settings, str(MARCH), write=False)
    assert preview.error is None
    assert len(preview.matched) == 1 and "bank.beancount" in preview.matched[0]
    assert preview.transactions == 7
    assert te_controleren(actual).read_text(encoding="utf-8") == before
    imported = run(settings, str(MARCH), write=True)
    assert imported.transactions == 7 and imported.written_to == str(te_controleren(actual))
    assert run(settings, str(MARCH), write=False).new == 0


def test_the_page_shows_the_rules_make_regels_proposes(tmp_path):
    reviewed = (
        '\n2022-02-01 * "A. de Vries" "Contributie 2022"\n  tegenrekening: "NL75INGB0002222201"\n'
        '  tegenpartij: "A. de Vries"\n  Activa:Bank:Betaalrekening  24.00 EUR\n'
        "  Inkomsten:Contributies:IndividueleLeden\n"
    )
    _, actual = import_books(tmp_path, reviewed)
    settings = read_settings(str(actual), None)
    entries, _, options = loader.load_file(str(actual))
    text = proposed_rules_text(entries, options, settings.rules, settings.book)
    assert "iban   NL75INGB0002222201         -> Inkomsten:Contributies:IndividueleLeden" in text.splitlines()
    cli = subprocess.run(
        [sys.executable, "-m", "importers", "regels", "-e", str(actual)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0 and cli.stdout == text
