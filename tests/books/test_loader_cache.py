"""books.loader never serves a stale book: every kind of file a book reads, edited, gives a fresh result.

A copy of the shipped books and queries in a temporary folder; each test loads, edits
one kind of file the way a treasurer (or a careless tool) would, and loads again: from
the in-process memo and from the cache file alone (memo cleared), the figure follows
the edit. Edits that keep the size and put the modification time back (os.utime) are
caught too (ctime and inode are stamped). A corrupt cache file, or one of another
version, is ignored and rebuilt; a cache file is never seen half-written.
"""

import gc
import os
import pickle
import shutil
import signal
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
from seed_data import BIN, REPO

from books import loader


@pytest.fixture(autouse=True)
def short_racy_window(monkeypatch):
    """Files the test just copied may be cached after 0.05 s instead of 2 s (in this process)."""
    monkeypatch.setattr(loader, "RACY_SECONDS", 0.05)
    monkeypatch.delenv(loader.ENVIRONMENT, raising=False)
    loader.clear_memo()
    yield
    loader.clear_memo()


@pytest.fixture
def books(tmp_path) -> Path:
    shutil.copytree(REPO / "ledger", tmp_path / "ledger", ignore=shutil.ignore_patterns(".cache", ".*.lock"))
    shutil.copytree(REPO / "queries", tmp_path / "queries")
    time.sleep(0.1)
    return tmp_path


def actual(books: Path) -> str:
    return str(books / "ledger" / "boekhouding-2022.beancount")


def budget(books: Path) -> str:
    return str(books / "ledger" / "begroting-2022.beancount")


def booked(entries, account: str) -> Decimal:
    return sum(
        (p.units.number for e in entries for p in getattr(e, "postings", ()) if p.account == account), Decimal(0)
    )


def fava_budget(entries, account: str) -> list[Decimal]:
    """The quarterly budgets the guard gives Fava for an account (from the budget book)."""
    return [
        e.values[2].value.number
        for e in entries
        if e.__class__.__name__ == "Custom" and e.type == "budget" and e.values[0].value == account
    ]


def queries(entries) -> dict[str, str]:
    return {e.name: e.query_string for e in entries if e.__class__.__name__ == "Query"}


def load_twice(filename: str):
    """Load from the memo, then from the cache file alone; both results must agree."""
    from_memo = loader.load_book(filename)
    loader.clear_memo()
    from_file = loader.load_book(filename)
    return from_memo, from_file


def edit(filename: Path | str, old: str, new: str, keep_mtime: bool = False) -> None:
    """Replace text in place (same inode); with keep_mtime, put the old modification time back."""
    filename = Path(filename)
    before = os.stat(filename)
    text = filename.read_text(encoding="utf-8")
    assert old in text
    with open(filename, "r+", encoding="utf-8") as file:  # in place: the inode stays
        file.write(text.replace(old, new, 1))
        file.truncate()
    if keep_mtime:
        os.utime(filename, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(filename).st_mtime_ns == before.st_mtime_ns


TRANSACTION = """
2022-02-01 * "Kernteam februari"
  Uitgaven:Kernteam            100 EUR
  Activa:Bank:Betaalrekening
"""


def test_second_load_comes_from_the_cache_file_and_equals_a_fresh_load(books):
    first = loader.load_book(actual(books))
    assert Path(loader.cache_path(actual(books))).is_file()
    loader.clear_memo()
    cached = loader.load_book(actual(books))
    assert cached is not first and cached[0] == first[0]
    assert [e.message for e in cached[1]] == [e.message for e in first[1]]
    assert loader.load_book(actual(books)) is cached  # the memo


@pytest.mark.parametrize("keep_mtime", [False, True], ids=["edit", "same-size-edit-mtime-restored"])
def test_edit_of_an_included_file_gives_a_fresh_result(books, keep_mtime):
    bank = books / "ledger" / "boekhouding-2022" / "bank.beancount"
    bank.write_text(bank.read_text(encoding="utf-8") + TRANSACTION, encoding="utf-8")
    time.sleep(0.1)
    assert booked(loader.load_book(actual(books))[0], "Uitgaven:Kernteam") == 100
    edit(bank, " 100 EUR\n", " 900 EUR\n", keep_mtime)  # same size
    for result in load_twice(actual(books)):
        assert booked(result[0], "Uitgaven:Kernteam") == 900


def test_edit_of_the_main_file_gives_a_fresh_result(books):
    assert booked(loader.load_book(actual(books))[0], "Uitgaven:Kernteam") == 0
    main = Path(actual(books))
    main.write_text(main.read_text(encoding="utf-8") + TRANSACTION, encoding="utf-8")
    for result in load_twice(actual(books)):
        assert booked(result[0], "Uitgaven:Kernteam") == 100


@pytest.mark.parametrize("keep_mtime", [False, True], ids=["edit", "same-size-edit-mtime-restored"])
def test_edit_of_the_budget_book_changes_the_actual_books_budgets(books, keep_mtime):
    """The guard reads the budget book while the actual book loads: an edit there reloads the actual book."""
    assert fava_budget(loader.load_book(actual(books))[0], "Uitgaven:Kernteam")[0] == 17250
    posten = books / "ledger" / "begroting-2022" / "posten.beancount"
    text = posten.read_text(encoding="utf-8")
    assert text.count(" 17250 EUR") >= 1
    edit(
        posten,
        "Uitgaven:Kernteam                                  17250 EUR",
        "Uitgaven:Kernteam                                  17350 EUR",
        keep_mtime,
    )
    edit(posten, "-17250 EUR", "-17350 EUR", keep_mtime)
    for result in load_twice(actual(books)):
        assert fava_budget(result[0], "Uitgaven:Kernteam")[0] == 17350


def test_edit_of_a_query_file_and_a_new_query_file_give_fresh_query_entries(books):
    assert "begrotingstabel" in queries(loader.load_book(actual(books))[0])
    edit(books / "queries" / "totalen.bql", "SELECT", "SELECT ")
    (books / "queries" / "nieuw.bql").write_text("SELECT account\n", encoding="utf-8")
    for result in load_twice(actual(books)):
        found = queries(result[0])
        assert found["totalen"].startswith("SELECT \n") and found["nieuw"] == "SELECT account"


def test_budget_table_rows_follow_a_query_edit_and_a_budget_edit(books):
    """The derived cache (report.queries through cached_result) is keyed by book version and query text."""
    from report.budget_table import budget_table
    from report.ledger import load_ledger

    def kernteam_q1():
        entries, options = load_ledger(budget(books))
        rows = budget_table(entries, options, books / "queries")
        return next(row.amounts[0] for row in rows if row.account == "Uitgaven:Kernteam")

    assert kernteam_q1() == 17250
    assert Path(loader.cache_path(budget(books), ".derived.pickle")).is_file()
    loader.clear_memo()
    assert kernteam_q1() == 17250  # from the derived cache file
    posten = books / "ledger" / "begroting-2022" / "posten.beancount"
    edit(
        posten,
        "Uitgaven:Kernteam                                  17250 EUR",
        "Uitgaven:Kernteam                                  17350 EUR",
        keep_mtime=True,
    )
    edit(posten, "-17250 EUR", "-17350 EUR", keep_mtime=True)
    edit(books / "ledger" / "begroting-2022.beancount", "Begroting", "Begroting")  # a touch
    with pytest.raises(Exception, match="errors"):
        kernteam_q1()  # the adopted totals no longer add up: budget_rules says so, nothing stale
    edit(posten, "-17350 EUR", "-17250 EUR")
    edit(posten, "17350 EUR", "17250 EUR")
    assert kernteam_q1() == 17250


def test_missing_include_is_not_cached_and_its_creation_is_seen(books):
    main = Path(actual(books))
    main.write_text(main.read_text(encoding="utf-8") + '\ninclude "later.beancount"\n', encoding="utf-8")
    time.sleep(0.1)
    _, errors, _ = loader.load_book(actual(books))
    assert any("later.beancount" in e.message for e in errors)
    (books / "ledger" / "later.beancount").write_text(TRANSACTION, encoding="utf-8")
    for result in load_twice(actual(books)):
        assert booked(result[0], "Uitgaven:Kernteam") == 100
        assert not any("later.beancount" in e.message for e in result[1])


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "other-version"])
def test_a_damaged_or_foreign_cache_file_is_ignored_and_rebuilt(books, damage):
    expected = loader.load_book(actual(books))
    cache = Path(loader.cache_path(actual(books)))
    raw = cache.read_bytes()
    if damage == "truncated":
        cache.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        cache.write_bytes(b"\x80\x05garbage" + os.urandom(500))
    elif damage == "empty":
        cache.write_bytes(b"")
    else:
        with open(cache, "rb") as file:
            header, deps, result = pickle.load(file), pickle.load(file), pickle.load(file)
        header = (header[0], "another beancount, python or project version", *header[2:])
        bogus = ([], [], result[2])  # what a stale cache would serve: no entries
        with open(cache, "wb") as file:
            for obj in (header, deps, bogus):
                pickle.dump(obj, file)
    loader.clear_memo()
    entries = loader.load_book(actual(books))[0]
    assert entries == expected[0]
    # and it was rebuilt: a whole, valid cache file again
    loader.clear_memo()
    assert loader._read_cache(actual(books)) is not None


def test_plugin_code_version_is_part_of_the_cache_key(books, monkeypatch):
    loader.load_book(actual(books))
    loader.clear_memo()
    monkeypatch.setattr(loader, "_CODE_VERSION", "plugins/ changed")
    assert loader._read_cache(actual(books)) is None


def test_edit_of_a_plugin_module_gives_a_fresh_result(tmp_path):
    """A plugin named by the book, edited between two runs: the second run is not served the first's result."""
    (tmp_path / "plugs").mkdir()
    plugin = tmp_path / "plugs" / "markeer.py"
    plugin.write_text(
        "__plugins__ = ('markeer',)\n"
        "def markeer(entries, options_map):\n"
        "    return [e._replace(narration='een') if hasattr(e, 'narration') else e for e in entries], []\n",
        encoding="utf-8",
    )
    book = tmp_path / "boek.beancount"
    book.write_text(
        'plugin "markeer"\n2022-01-01 open Activa:Kas\n2022-01-01 open Uitgaven:Koffie\n'
        '2022-01-02 * "koffie"\n  Activa:Kas  -2 EUR\n  Uitgaven:Koffie  2 EUR\n',
        encoding="utf-8",
    )
    time.sleep(loader.RACY_SECONDS + 2.1)  # the subprocesses use the real racy window
    code = "from books.loader import load_book; import sys; print(load_book(sys.argv[1])[0][-1].narration)"
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'plugs'}{os.pathsep}{REPO}"}

    def narration() -> str:
        return subprocess.run(
            [str(BIN / "python"), "-c", code, str(book)], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert narration() == "een"
    assert Path(loader.cache_path(str(book))).is_file()
    assert narration() == "een"  # from the cache
    plugin.write_text(plugin.read_text(encoding="utf-8").replace("'een'", "'twee'"), encoding="utf-8")
    assert narration() == "twee"


def test_cache_off_writes_nothing_and_rebuild_rewrites(books, monkeypatch):
    monkeypatch.setenv(loader.ENVIRONMENT, "off")
    loader.load_book(actual(books))
    assert not Path(loader.cache_path(actual(books))).exists()
    monkeypatch.setenv(loader.ENVIRONMENT, "rebuild")
    loader.load_book(actual(books))
    first = os.stat(loader.cache_path(actual(books)))
    loader.load_book(actual(books))
    assert os.stat(loader.cache_path(actual(books))).st_mtime_ns != first.st_mtime_ns  # written anew


def test_garbage_collector_is_restored_after_a_failing_load(books, monkeypatch):
    def broken(filename):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loader, "_load_afresh", broken)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        loader.load_book(actual(books))
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(RuntimeError):
            loader.load_book(actual(books))
        assert not gc.isenabled()  # restored as it was
    finally:
        gc.enable()


READER = """
import os, pickle, sys, time
cache = sys.argv[1]
seen = 0
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        with open(cache, "rb") as file:
            pickle.load(file); pickle.load(file); pickle.load(file)
        seen += 1
    except FileNotFoundError:
        pass
print(seen)
"""

WRITER = "import sys; from books.loader import load_book\nwhile True: load_book(sys.argv[1])\n"


def test_readers_never_see_a_half_written_cache_file_and_killed_writers_leave_none(books):
    """Writers rewrite the cache in a loop and are killed (SIGKILL) mid-way; a reader always reads it whole."""
    env = {**os.environ, loader.ENVIRONMENT: "rebuild", "PYTHONPATH": str(REPO)}
    time.sleep(2.1)  # the writers' real racy window: their loads are cached
    loader.load_book(actual(books))
    cache = loader.cache_path(actual(books))
    first = os.stat(cache).st_mtime_ns
    reader = subprocess.Popen([str(BIN / "python"), "-c", READER, cache, "12"], stdout=subprocess.PIPE, text=True)
    for delay in (2.5, 3.3, 4.1):
        writer = subprocess.Popen([str(BIN / "python"), "-c", WRITER, actual(books)], env=env)
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0  # an exception (a half-written pickle) would have ended it non-zero
    assert int(out) > 0
    assert os.stat(cache).st_mtime_ns != first  # the writers did rewrite it
    loader.clear_memo()
    expected = loader.load_book(actual(books))  # whatever the writers left is whole or absent
    assert expected[0]


def test_query_results_and_parsed_queries_follow_a_query_edit(books):
    """report.queries keeps rows per book version and query text, and the parsed query per text."""
    from report.ledger import load_ledger
    from report.queries import _parse, run_query

    folder = books / "queries"
    (folder / "proef.bql").write_text("SELECT 1 AS x\n", encoding="utf-8")
    entries, options = load_ledger(budget(books))
    assert run_query(entries, options, "proef", folder)[0]["x"] == 1
    assert (folder / ".cache" / "proef.bql.parsed.pickle").is_file()
    edit(folder / "proef.bql", "1 AS", "2 AS", keep_mtime=True)
    assert run_query(entries, options, "proef", folder)[0]["x"] == 2
    (folder / ".cache" / "proef.bql.parsed.pickle").write_bytes(b"garbage")  # a damaged parse cache
    _parse.cache_clear()
    loader.clear_memo()
    entries, options = load_ledger(budget(books))
    edit(folder / "proef.bql", "2 AS", "3 AS")
    assert run_query(entries, options, "proef", folder)[0]["x"] == 3
