"""Closed periods: make afsluiten records a fingerprint; bean-check catches every change to the period."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bookcopy import bean_check, copy_books, make

CLOSE = [sys.executable, "-m", "closing"]


@pytest.fixture
def closed(tmp_path: Path) -> Path:
    """A copy of the books, closed up to 2022-03-31 by the real make afsluiten."""
    book = copy_books(tmp_path)
    assert bean_check(book).returncode == 0, bean_check(book).stderr
    result = make(tmp_path, "afsluiten", "DATUM=2022-03-31", "DOOR=Kascommissie, verslag 2022-04-12")
    assert result.returncode == 0, result.stderr
    assert "closed up to 2022-03-31" in result.stdout
    assert bean_check(book).returncode == 0, bean_check(book).stderr
    return book


def closings(book: Path) -> Path:
    return book.parent / "boekhouding-2022" / "afsluitingen.beancount"


def bank(book: Path) -> Path:
    return book.parent / "boekhouding-2022" / "bank.beancount"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def record_line(book: Path) -> int:
    lines = closings(book).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line[:1].isdigit() and 'custom "periode-afgesloten"' in line)


def assert_caught(book: Path) -> str:
    result = bean_check(book)
    assert result.returncode != 0
    where = f"{closings(book)}:{record_line(book)}:"
    [line] = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith(where)]
    assert "the closed period up to 2022-03-31 (closed with Kascommissie, verslag 2022-04-12) has changed" in line
    return line


def test_the_record_names_the_date_the_approval_and_a_fingerprint(closed: Path):
    text = closings(closed).read_text(encoding="utf-8")
    assert '2022-03-31 custom "periode-afgesloten" "sha256:' in text
    assert '"Kascommissie, verslag 2022-04-12"' in text
    assert "boekingen: " in text
    assert text.startswith("; Afgesloten perioden")  # the file's header is kept


def test_a_changed_amount_in_the_closed_period_is_caught_at_the_record(closed: Path):
    edit(bank(closed), "Uitgaven:Bankkosten                         10.00 EUR",
         "Uitgaven:Bankkosten                         11.00 EUR")
    assert_caught(closed)


def test_a_changed_narration_in_the_closed_period_is_caught(closed: Path):
    edit(bank(closed), '"Kernteam januari"', '"Kernteam januari (gecorrigeerd)"')
    assert_caught(closed)


def test_an_added_entry_in_the_closed_period_is_caught(closed: Path):
    edit(bank(closed), '2022-04-15 * "Bankkosten maart"', (
        '2022-03-20 * "Vergeten bankkosten"\n  Uitgaven:Bankkosten  5.00 EUR\n  Activa:Bank:Betaalrekening\n\n'
        '2022-04-15 * "Bankkosten maart"'))
    line = assert_caught(closed)
    assert "entries now" in line


def test_a_removed_entry_in_the_closed_period_is_caught(closed: Path):
    edit(bank(closed), '2022-03-01 * "Bankkosten februari"\n  Uitgaven:Bankkosten                         10.00 EUR\n'
         '  Activa:Bank:Betaalrekening\n', "")
    assert_caught(closed)


def test_a_correction_in_a_later_open_period_passes(closed: Path):
    edit(
        bank(closed),
        '2022-04-15 * "Bankkosten maart"',
        (
            '2022-04-02 * "Correctie bankkosten februari"\n'
            "  Uitgaven:Bankkosten  1.00 EUR\n  Activa:Bank:Betaalrekening\n\n"
            '2022-04-15 * "Bankkosten maart"'
        ),
    )
    edit(
        bank(closed),
        'Bankkosten maart"\n  Uitgaven:Bankkosten                         10.00 EUR',
        'Bankkosten maart"\n  Uitgaven:Bankkosten                         12.00 EUR',
    )
    result = bean_check(closed)
    assert result.returncode == 0, result.stderr


def test_moving_entries_to_another_file_changes_nothing(closed: Path):
    text = bank(closed).read_text(encoding="utf-8")
    header, _, moved = text.partition('2022-01-05 * "Contributie"')
    bank(closed).write_text(header, encoding="utf-8")
    te_controleren = closed.parent / "boekhouding-2022" / "te-controleren.beancount"
    te_controleren.write_text(
        te_controleren.read_text(encoding="utf-8") + '\n2022-01-05 * "Contributie"' + moved, encoding="utf-8"
    )
    result = bean_check(closed)
    assert result.returncode == 0, result.stderr


def test_closing_a_date_already_closed_is_refused_and_nothing_is_written(closed: Path):
    before = closings(closed).read_text(encoding="utf-8")
    result = subprocess.run(
        [*CLOSE, str(closed), "--datum", "2022-02-28", "--door", "Bestuur"], check=False, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"error: {closings(closed)}:{record_line(closed)}: the period up to 2022-03-31 is already closed"
    )
    assert closings(closed).read_text(encoding="utf-8") == before


def test_a_later_period_can_be_closed_after_an_earlier_one(closed: Path):
    result = subprocess.run(
        [*CLOSE, str(closed), "--datum", "2022-06-30", "--door", "Bestuur 2022-07"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert closings(closed).read_text(encoding="utf-8").count("\n2022-") == 2
    assert bean_check(closed).returncode == 0


def test_a_future_date_is_refused(tmp_path: Path):
    book = copy_books(tmp_path)
    before = closings(book).read_text(encoding="utf-8")
    result = subprocess.run(
        [*CLOSE, str(book), "--datum", "2999-12-31", "--door", "Bestuur"], check=False, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "2999-12-31 is in the future" in result.stderr
    assert closings(book).read_text(encoding="utf-8") == before


def test_a_book_that_does_not_pass_bean_check_is_not_closed(tmp_path: Path):
    book = copy_books(
        tmp_path, entries='\n2022-02-01 * "Kapot"\n  Uitgaven:BestaatNiet  5 EUR\n  Activa:Bank:Betaalrekening\n'
    )
    before = closings(book).read_text(encoding="utf-8")
    result = make(tmp_path, "afsluiten", "DATUM=2022-03-31", "DOOR=Kascommissie")
    assert result.returncode != 0
    assert f"error: {bank(book)}:" in result.stderr
    assert "the book does not pass bean-check" in result.stderr
    assert "Traceback" not in result.stderr
    assert closings(book).read_text(encoding="utf-8") == before


def test_a_closing_without_who_approved_it_is_refused(tmp_path: Path):
    copy_books(tmp_path)
    result = make(tmp_path, "afsluiten", "DATUM=2022-03-31")
    assert result.returncode != 0
    assert "say who approved the closing" in result.stderr


def test_the_fingerprint_is_the_same_in_every_process(tmp_path: Path):
    """Tags, links and metadata are sorted: Python's per-process string hashing must not change it."""
    book = copy_books(
        tmp_path,
        entries=(
            '\n2022-02-01 * "Kernteam" #alpha #beta #gamma #delta ^f-1 ^f-2 ^f-3\n  zeta: "z"\n  alpha: "a"\n'
            "  Uitgaven:Kernteam  10 EUR\n  Activa:Bank:Betaalrekening\n"
        ),
    )
    code = (
        "import datetime, sys; from books.loader import load_book; from plugins.closed_periods import fingerprint;"
        "e, _, o = load_book(sys.argv[1]); print(fingerprint(e, o, datetime.date(2022, 3, 31)).digest)"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code, str(book)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(digests) == 1
