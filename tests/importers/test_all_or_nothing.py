"""All or nothing, with real processes: an import killed with SIGKILL at any moment of
its run (and of its write in particular), or one whose write fails (a full disk),
leaves the output file as it was or complete; two imports of overlapping statements
at the same time leave each entry once; a second import waits for the first."""

import datetime
import glob
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from bankhelpers import REPO, SYNTHETIC, SYNTHETIC_ACCOUNTS, bean_check, extract, make_book
from bench import camt as camt_files
from books.write import book_lock
from test_cli import imported

OPENING = ("2022-01-01", "Activa:Bank:Betaalrekening", "25000.00")
ENTRIES = 2000          # a statement whose import takes a few seconds here


def _layout(directory, statement):
    """A book, its output and a copy of the statement, always in the same relative layout."""
    directory.mkdir(parents=True, exist_ok=True)
    book = make_book(directory, SYNTHETIC_ACCOUNTS, [OPENING])
    shutil.copy(statement, directory / "afschrift.xml")
    return book, directory / "te-controleren.beancount", directory / "afschrift.xml"


def _command(book, statement):
    return [sys.executable, "-m", "importers", "extract", "-e", str(book), "--regels",
            str(book.parent / "regels.txt"), "-o", str(book.parent / "te-controleren.beancount"), str(statement)]


@pytest.fixture(scope="module")
def statement(tmp_path_factory):
    folder = tmp_path_factory.mktemp("camt")
    return camt_files.write_statement(folder / "groot.xml", ENTRIES, SYNTHETIC_ACCOUNTS["Activa:Bank:Betaalrekening"],
                                      start=datetime.date(2022, 1, 2), opening=Decimal(OPENING[2]))


@pytest.fixture(scope="module")
def complete(tmp_path_factory, statement):
    """The output of an import that ran to its end (bean-check clean)."""
    book, output, copy = _layout(tmp_path_factory.mktemp("reference"), statement)
    before = output.read_bytes()
    started = time.monotonic()
    result = subprocess.run(_command(book, copy), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    check = bean_check(book)
    assert check.returncode == 0, check.stdout + check.stderr
    transactions, balances = imported(book)
    assert len(transactions) == ENTRIES and len(balances) == 1
    return before, output.read_bytes(), time.monotonic() - started


def _temp_files(output):
    return glob.glob(os.path.join(glob.escape(str(output.parent)), f".{output.name}.*.tmp"))


def _kill_when(process, output, mode, rng, duration):
    """SIGKILL the import: after a random delay, or a random moment into its write."""
    if mode == "anytime":
        time.sleep(rng.uniform(0, duration))
    else:
        deadline = time.monotonic() + 600
        while not _temp_files(output) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(rng.uniform(0, 0.01))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


@pytest.mark.parametrize("attempt", range(8))
def test_sigkill_at_any_moment_leaves_the_old_file_or_the_complete_one(tmp_path, statement, complete, attempt):
    before, after, duration = complete
    rng = random.Random(attempt)
    book, output, copy = _layout(tmp_path, statement)
    process = subprocess.Popen(_command(book, copy), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(process, output, "anytime" if attempt % 2 else "writing", rng, duration)
    assert output.read_bytes() in (before, after)
    # The killed import left neither a lock nor a half file in the way: the next one completes it.
    again = subprocess.run(_command(book, copy), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert output.read_bytes() == after
    assert not _temp_files(output)


def _no_bigger_than(limit):
    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # a failing write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_file_size


def test_a_full_disk_leaves_the_file_unchanged_and_says_so(tmp_path, statement):
    """The operating system refuses the write part way (RLIMIT_FSIZE: EFBIG, as ENOSPC on a full disk)."""
    book, output, copy = _layout(tmp_path, statement)
    before = output.read_bytes()
    result = subprocess.run(_command(book, copy), cwd=REPO, capture_output=True, text=True, timeout=600,
                            preexec_fn=_no_bigger_than(len(before) + 50_000))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "te-controleren.beancount: cannot write" in lines[0]
    assert "the file is unchanged" in lines[0]
    assert output.read_bytes() == before
    assert not _temp_files(output)
    assert bean_check(book).returncode == 0


def test_concurrent_imports_of_overlapping_statements_leave_each_entry_once(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, [("2022-01-01", "Activa:Bank:Betaalrekening", "986.60"),
                                                   ("2022-01-01", "Activa:Bank:Ing", "1000.00")])
    orders = [
        [SYNTHETIC / "abn-2022-04-a.camt053.xml", SYNTHETIC / "abn-2022-04-b.camt053.xml",
         SYNTHETIC / "ing-2022-05a.sta"],
        [SYNTHETIC / "abn-2022-04-b.camt053.xml", SYNTHETIC / "ing-2022-05b.sta", SYNTHETIC / "ing-2022-05a.sta"],
        [SYNTHETIC / "ing-2022-05b.sta", SYNTHETIC / "abn-2022-04-a.camt053.xml"],
    ]
    processes = [subprocess.Popen(_command(book, files[0])[:-1] + [str(f) for f in files], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for files in orders]
    for process in processes:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
    transactions, _ = imported(book)
    ids = [t.meta["import-id"] for t in transactions]
    assert len(ids) == len(set(ids)) == 5 + 6
    assert bean_check(book).returncode == 0


def test_a_second_import_waits_for_the_lock_then_refuses_clearly(tmp_path):
    book = make_book(tmp_path, SYNTHETIC_ACCOUNTS, [("2022-01-01", "Activa:Bank:Betaalrekening", "1000.00")])
    output = tmp_path / "te-controleren.beancount"
    before = output.read_bytes()
    with book_lock(str(book)):
        started = time.monotonic()
        result = subprocess.run(_command(book, SYNTHETIC / "abn-2022-03.camt053.xml")[:-1]
                                + ["--wacht", "1", str(SYNTHETIC / "abn-2022-03.camt053.xml")],
                                cwd=REPO, capture_output=True, text=True, timeout=120)
        waited = time.monotonic() - started
    assert result.returncode == 1 and waited >= 1
    assert result.stderr.strip().endswith("another import or edit holds the book's lock (waited 1 s); "
                                          "nothing was written, try again later")
    assert len(result.stderr.splitlines()) == 1
    assert output.read_bytes() == before
    # Once the lock is free, the same import goes through.
    assert extract(book, SYNTHETIC / "abn-2022-03.camt053.xml").returncode == 0
