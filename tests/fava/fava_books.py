"""Helpers and fixtures of the Fava page tests: copies of both books with hand-made actual entries, and
`make board` serving them on a free 127.0.0.1 port (started here, stopped at teardown).

A plain module, not a conftest: the tests import its helpers by name (`from fava_books import copy_books`);
its fixtures reach them through tests/fava/conftest.py."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
BUDGET_SLUG = "werkvereniging-begroting-2022"
ACTUAL_SLUG = "werkvereniging-boekhouding-2022"

# The hand-made actuals: Q1 closed (the last entry is in Q2), Q2 running, Q3 and Q4 not begun.
# Kernteam runs 750 over its Q1 budget of 17.250 and the board approved that; Automatisering
# runs 65 over its 335 without approval; individuele leden brought in 268 less than budgeted.
ACTUALS = """
2022-01-20 * "Leden" "Contributie individuele leden januari"
  Inkomsten:Contributies:IndividueleLeden   -6500.00 EUR
  Activa:Bank:Betaalrekening

2022-03-25 * "Kernteam" "Kernteam eerste kwartaal"
  Uitgaven:Kernteam                        18000.00 EUR
  Activa:Bank:Betaalrekening

2022-03-28 * "Hosting" "Automatisering eerste kwartaal"
  Uitgaven:Automatisering                    400.00 EUR
  Activa:Bank:Betaalrekening

2022-03-30 custom "overschrijding-goedgekeurd" Uitgaven:Kernteam 750 EUR "Bestuursbesluit 2022-03"

2022-04-05 * "Bank" "Kosten betaalrekening"
  Uitgaven:Bankkosten                         12.00 EUR
  Activa:Bank:Betaalrekening
"""

# Two June bank lines nobody has classified yet (flag !, on Passiva:NogTeRubriceren), one of them the June
# salary: net 3.214,45 out of the bank.
UNREVIEWED_JUNE = """
2022-06-10 ! "Onbekend" "Bijschrijving zonder omschrijving"
  Activa:Bank:Betaalrekening                2535.55 EUR
  Passiva:NogTeRubriceren

2022-06-25 ! "Kernteam" "Salaris juni"
  Passiva:NogTeRubriceren                   5750.00 EUR
  Activa:Bank:Betaalrekening
"""


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# The board's laptop screen: the page tests look at the page at this size.
WIDTH, HEIGHT = 1366, 768


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright: without it the browser tests fail, never skip."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Debian's chromium is missing ({CHROMIUM}): `make test` installs it "
                    "(or run `apt-get install chromium`); the browser tests cannot run without it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh page at the board's screen size; the test fails on any JavaScript error on it."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def copy_books(target: Path, actuals: str = ACTUALS) -> tuple[Path, Path]:
    """Copy ledger/ and queries/ into target; append actuals to the actual book's bank file."""
    shutil.copytree(REPO / "ledger", target / "ledger")
    shutil.copytree(REPO / "queries", target / "queries")
    with open(target / "ledger" / "boekhouding-2022" / "bank.beancount", "a", encoding="utf-8") as file:
        file.write(actuals)
    return target / "ledger" / "begroting-2022.beancount", target / "ledger" / "boekhouding-2022.beancount"


@pytest.fixture(scope="session")
def books(tmp_path_factory) -> tuple[Path, Path]:
    """(budget book, actual book with the hand-made actuals), in a temporary folder."""
    return copy_books(tmp_path_factory.mktemp("books"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_board(books: tuple[Path, ...], timeout: float = 90, target: str = "board") -> tuple[subprocess.Popen, str]:
    """`make board` (or `make fava`: target="fava") on the books; returns (process, base URL) once Fava answers."""
    port = free_port()
    proc = subprocess.Popen(
        ["make", "-s", target, f"PORT={port}", "BOOKS=" + " ".join(map(str, books))],
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"make {target} exited with {proc.returncode}:\n{output}")
        try:
            urllib.request.urlopen(url + "/", timeout=5)
            return proc, url
        except urllib.error.HTTPError:
            return proc, url
        except OSError:
            time.sleep(0.3)
    stop(proc)
    pytest.fail(f"make {target} did not answer on {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the process group that start_board started (make and its fava)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def board_url(books):
    """Base URL of `make board` serving the copied books (read-only)."""
    proc, url = start_board(books)
    try:
        yield url
    finally:
        stop(proc)
