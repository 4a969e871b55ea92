"""The Fava page "Jaarrekening" on a real Fava (make board on copied books) shows the figures of make jaarrekening."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from html import unescape
from pathlib import Path

import pytest
from year_books import REPO, copy_books

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fava"))
from fava_books import start_board, stop

SLUG = "werkvereniging-boekhouding-2022"
CELL = re.compile(r'<tr class="(?P<kind>[^"]+)" data-rekening="(?P<account>[^"]+)">(?P<cells>.*?)</tr>', re.DOTALL)
AMOUNT = re.compile(r'<td class="bedrag" data-kolom="(?P<column>[^"]+)">(?P<text>[^<]*)</td>')


def figures(html: str) -> list[tuple[str, str, str, str]]:
    """(table, account, column, amount) of every figure in a jaarrekening's HTML, in order."""
    found = []
    for table in re.finditer(r'<table class="(?P<name>[^"]+)">(?P<body>.*?)</table>', html, re.DOTALL):
        for row in CELL.finditer(table.group("body")):
            for cell in AMOUNT.finditer(row.group("cells")):
                found.append(
                    (table.group("name"), row.group("account"), cell.group("column"), unescape(cell.group("text")))
                )
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    target = tmp_path_factory.mktemp("fava-jaarrekening")
    ledger = copy_books(target)
    output = target / "jaarrekening-2022.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "annual.jaarrekening",
            str(ledger / "boekhouding-2022.beancount"),
            "-o",
            str(output),
            "--geen-pdf",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    proc, url = start_board((ledger / "begroting-2022.beancount", ledger / "boekhouding-2022.beancount"))
    try:
        yield url, output.read_text(encoding="utf-8"), ledger
    finally:
        stop(proc)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_the_page_shows_the_same_figures_as_make_jaarrekening(served):
    url, printed, _ = served
    page = get(f"{url}/{SLUG}/extension/Jaarrekening/")
    on_page, in_file = figures(page), figures(printed)
    assert len(in_file) > 100
    assert on_page == in_file
    assert "Balans per 31 december 2022" in page and "Staat van baten en lasten 2022" in page
    assert ("baten-lasten", "resultaat", "realisatie", "3.668,25") in on_page  # the hand-made year's result


def test_the_page_is_listed_in_favas_sidebar(served):
    url, _, _ = served
    # Fava renders its sidebar from the ledger data embedded in every page: the extension with its title.
    assert re.search(
        r'"name":\s*"Jaarrekening",\s*"report_title":\s*"Jaarrekening"', get(f"{url}/{SLUG}/income_statement/")
    )


def test_on_books_that_fail_bean_check_the_page_names_the_error_and_shows_no_figures(tmp_path):
    ledger = copy_books(
        tmp_path,
        """
2022-03-28 * "Hosting" "Automatisering eerste kwartaal"
  Uitgaven:Automatisering                    400.00 EUR
  Activa:Bank:Betaalrekening
""",
    )
    proc, url = start_board((ledger / "begroting-2022.beancount", ledger / "boekhouding-2022.beancount"))
    try:
        page = get(f"{url}/{SLUG}/extension/Jaarrekening/")
    finally:
        stop(proc)
    error = re.search(r'<p class="fout">(.*?)</p>', page, re.DOTALL)
    assert error and re.match(
        rf"{re.escape(str(ledger / 'boekhouding-2022' / 'bank.beancount'))}:\d+: "
        r"Uitgaven:Automatisering .*over budget",
        unescape(error.group(1)),
    ), page[-3000:]
    assert figures(page) == []
