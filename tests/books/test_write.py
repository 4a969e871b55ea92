"""books.write: a book file is replaced whole or not at all, under the book's lock."""

from __future__ import annotations

import errno
import multiprocessing
import os
import time

import pytest

from books import write
from books.write import BookLocked, book_lock, replace_file


def test_replace_file_writes_the_whole_text_and_keeps_the_mode(tmp_path):
    book = tmp_path / "boek.beancount"
    book.write_text("oud\n")
    os.chmod(book, 0o640)
    replace_file(str(book), "nieuw\n")
    assert book.read_text() == "nieuw\n"
    assert os.stat(book).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boek.beancount"]


def test_a_failing_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    book = tmp_path / "boek.beancount"
    book.write_text("oud\n")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        replace_file(str(book), "nieuw\n" * 1000)
    assert book.read_text() == "oud\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boek.beancount"]


def test_stale_temporary_files_of_a_killed_writer_are_removed(tmp_path):
    book = tmp_path / "boek.beancount"
    book.write_text("oud\n")
    (tmp_path / ".boek.beancount.abc123.tmp").write_text("half")
    (tmp_path / ".ander.beancount.abc123.tmp").write_text("niet van ons")
    write.remove_stale_temp_files(str(book))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ander.beancount.abc123.tmp", "boek.beancount"]


def _hold_lock(book: str, ready, seconds: float) -> None:
    with book_lock(book):
        ready.set()
        time.sleep(seconds)


def test_a_second_writer_waits_a_bounded_time_then_refuses(tmp_path):
    book = str(tmp_path / "boek.beancount")
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(book, ready, 5))
    holder.start()
    try:
        assert ready.wait(10)
        started = time.monotonic()
        with pytest.raises(BookLocked, match="another process is writing this book"):
            with book_lock(book, timeout=0.3):
                pass
        assert time.monotonic() - started < 3
    finally:
        holder.kill()
        holder.join()


def test_the_lock_of_a_killed_holder_is_released(tmp_path):
    book = str(tmp_path / "boek.beancount")
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(book, ready, 60))
    holder.start()
    assert ready.wait(10)
    holder.kill()  # SIGKILL: no cleanup code runs in the holder
    holder.join()
    with book_lock(book, timeout=2):
        pass
