"""The Import page (fava_importeren) in a real browser: headless Debian Chromium, driven by Playwright, against
`make fava` on a copy of the books. A statement is uploaded, its entries shown, imported into
te-controleren.beancount; a second import adds nothing; an inconsistent statement is refused with the line
`make import` prints."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from fava_books import ACTUAL_SLUG, ARTIFACTS, REPO, start_board, stop
from import_books import (
    MARCH,
    NOT_ADDING_UP,
    import_books,
    import_folder,
    te_controleren,
)
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, actual book) of `make fava` (writable) on a fresh copy of the books."""
    budget, actual = import_books(tmp_path_factory.mktemp("import-page"))
    proc, url = start_board((budget, actual), target="fava")
    try:
        yield url, actual
    finally:
        stop(proc)


def import_ids(filename: Path) -> list[str]:
    return re.findall(r'import-id: "([^"]+)"', filename.read_text(encoding="utf-8"))


def bean_check(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "bean-check"), str(book)],
                          check=False, capture_output=True, text=True, timeout=120)


def open_page(tab, url):
    tab.goto(f"{url}/{ACTUAL_SLUG}/extension/Importeren/")
    expect(tab.locator("#importeren")).to_be_visible()


def upload(tab, filename: Path):
    tab.set_input_files("#upload input[type=file]", str(filename))
    tab.locator("#upload button").click()
    expect(tab.locator("#melding, #fout").first).to_be_visible()


def test_a_statement_uploaded_shown_and_imported_once(page, served):
    url, actual = served
    output = te_controleren(actual)
    before = output.read_text(encoding="utf-8")
    expected = import_ids(Path(str(MARCH) + ".beancount"))     # the importer's regression file

    open_page(page, url)
    upload(page, MARCH)
    expect(page.locator("#melding")).to_contain_text("staat in de importmap")
    assert (import_folder(actual) / MARCH.name).read_bytes() == MARCH.read_bytes()
    rows = page.locator("#nieuw tbody tr")
    expect(rows).to_have_count(len(expected))
    assert [rows.nth(i).get_attribute("data-import-id") for i in range(len(expected))] == expected
    assert output.read_text(encoding="utf-8") == before, "a preview writes nothing"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "importeren-voorbeeld.png"), full_page=True)

    page.locator("#importeer button").click()
    expect(page.locator("#melding")).to_contain_text("8 boeking(en) ingelezen")
    assert import_ids(output) == expected
    assert bean_check(actual).returncode == 0, bean_check(actual).stdout
    expect(page.locator("#niets-nieuws")).to_be_visible()
    expect(page.locator("#importeer")).to_have_count(0)
    after = output.read_text(encoding="utf-8")

    # Again: the same file uploaded again is the same file, and nothing is imported twice.
    upload(page, MARCH)
    expect(page.locator("#melding")).to_contain_text(f"{MARCH.name} staat in de importmap")
    expect(page.locator("#niets-nieuws")).to_be_visible()
    assert sorted(p.name for p in import_folder(actual).iterdir()) == [MARCH.name]
    response = page.request.post(f"{url}/{ACTUAL_SLUG}/extension/Importeren/importeer",
                                 form={"bestand": MARCH.name})
    assert response.ok and "Niets nieuws" in response.text()
    assert output.read_text(encoding="utf-8") == after
    # Picked from the list (Fava's own navigation loads the page): nothing new either.
    open_page(page, url)
    page.locator(f'#bestanden a[data-bestand="{MARCH.name}"]').click()
    expect(page.locator("#niets-nieuws")).to_be_visible()

    entries, _, _ = loader.load_file(str(actual))
    imported = [e for e in entries if isinstance(e, data.Transaction) and "import-id" in e.meta]
    assert len(imported) == len({e.meta["import-id"] for e in imported}) == 8


def test_an_inconsistent_statement_is_refused_with_the_line_make_import_prints(page, served):
    url, actual = served
    output = te_controleren(actual)
    before = output.read_text(encoding="utf-8")
    open_page(page, url)
    upload(page, NOT_ADDING_UP)
    refusal = page.locator("#foutregel")
    expect(refusal).to_be_visible()
    expect(page.locator("#importeer")).to_have_count(0)

    cli = subprocess.run([sys.executable, "-m", "importers", "extract", "-e", str(actual), "-o", str(output),
                          str(import_folder(actual) / NOT_ADDING_UP.name)],
                         cwd=REPO, check=False, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 1
    assert refusal.inner_text().strip() == cli.stderr.strip()
    assert "the entries do not add up" in cli.stderr

    response = page.request.post(f"{url}/{ACTUAL_SLUG}/extension/Importeren/importeer",
                                 form={"bestand": NOT_ADDING_UP.name})
    assert response.ok and "Niets ingelezen. " + cli.stderr.strip() in response.text().replace("&#39;", "'")
    assert output.read_text(encoding="utf-8") == before
