"""Python's cyclic garbage collector is kept out of loading a book and given back after it.

The plugins pause the collector while they run inside Beancount's loader and freeze the
book's objects; the Fava extension gives the frozen objects back once a load is done, so
a long-running Fava can still collect what a reload drops.
"""

import gc
import subprocess

import pytest
from seed_data import ACTUAL_BOOK, BIN

from books.collector import collector_off, collector_paused, release_frozen


@pytest.fixture(autouse=True)
def _collector_as_found():
    enabled = gc.isenabled()
    yield
    release_frozen()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_a_paused_function_runs_without_the_collector_and_restores_it():
    seen = []
    paused = collector_paused(lambda: seen.append(gc.isenabled()) or "done")
    gc.enable()
    assert paused() == "done"
    assert seen == [False]
    assert gc.isenabled()


def test_a_paused_function_leaves_a_disabled_collector_disabled():
    gc.disable()
    collector_paused(lambda: None)()
    assert not gc.isenabled()


def test_a_paused_function_that_raises_still_restores_the_collector():
    def fails():
        raise ValueError("bad book")

    gc.enable()
    with pytest.raises(ValueError, match="bad book"):
        collector_paused(fails)()
    assert gc.isenabled()


def test_a_paused_function_freezes_what_exists_and_release_gives_it_back():
    release_frozen()
    gc.enable()
    book = [{"filename": "x", "lineno": n} for n in range(1000)]
    collector_paused(lambda: None)()
    assert gc.get_freeze_count() >= len(book)
    release_frozen()
    assert gc.get_freeze_count() == 0


def test_collector_off_restores_the_collector_on_error():
    gc.enable()
    with pytest.raises(RuntimeError), collector_off():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_bean_check_with_the_plugins_leaves_the_collector_on():
    probe = (
        "import gc, sys\n"
        "from beancount import loader\n"
        "loader.load_file(sys.argv[1])\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    result = subprocess.run([str(BIN / "python"), "-c", probe, str(ACTUAL_BOOK)], capture_output=True, text=True,
                            env={"BEANCOUNT_DISABLE_LOAD_CACHE": "1", "BOOKS_CACHE": "off", "PATH": str(BIN)},
                            check=True)
    assert result.stdout.split() == ["True", "True"]


def test_fava_gives_the_frozen_objects_back_after_loading_the_book():
    from fava.core import FavaLedger

    ledger = FavaLedger(str(ACTUAL_BOOK))
    assert ledger.all_entries
    assert gc.get_freeze_count() == 0
    ledger.load_file()  # a reload, as after an edit
    assert gc.get_freeze_count() == 0
