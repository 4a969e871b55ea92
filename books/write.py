"""Writing a book file whole or not at all, under the book's lock.

A book file is never half-written. Every write goes to a temporary file in the same
folder, is flushed and fsynced, and then replaces the old file with `os.replace` (an
atomic rename on POSIX); the folder is fsynced so the rename survives a crash. A
process killed at any moment, or a full disk, leaves either the old file or the
complete new one; at most a stray `.NAME.*.tmp` file, which no book includes and the
next writer removes.

Writers hold the book's lock for their whole read -> check -> write, so two imports
into the same book cannot both decide that an entry is new. The lock is a file beside
the book's main file (`.boekhouding-2022.beancount.lock`), taken with `flock`: the
kernel releases it when the holder dies, so a killed process never leaves the book
locked. A second writer waits up to `timeout` seconds, then gets `BookLocked`.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import tempfile
import time
from collections.abc import Iterable, Iterator

DEFAULT_TIMEOUT = 30.0


class BookLocked(Exception):
    """Another process holds the book's lock longer than we wait."""

    def __init__(self, book: str, timeout: float):
        super().__init__(f"{book}: another process is writing this book (waited {timeout:g} s); try again later")
        self.book = book


def lock_path(book: str) -> str:
    """The lock file of a book: a hidden file beside its main file."""
    folder, name = os.path.split(os.path.abspath(book))
    return os.path.join(folder, f".{name}.lock")


@contextlib.contextmanager
def book_lock(book: str, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold the book's exclusive lock for the body; wait at most `timeout` seconds for it."""
    fd = os.open(lock_path(book), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BookLocked(book, timeout) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _temp_prefix(filename: str) -> str:
    return f".{os.path.basename(filename)}."


def remove_stale_temp_files(filename: str) -> None:
    """Remove temporary files a killed writer of `filename` left behind (call under the lock)."""
    folder = os.path.dirname(os.path.abspath(filename))
    for stale in glob.glob(os.path.join(glob.escape(folder), glob.escape(_temp_prefix(filename)) + "*.tmp")):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(stale)


def replace_file(filename: str, text: str | Iterable[str], encoding: str = "utf-8") -> None:
    """Write `text` as the whole new content of `filename`: temp file, fsync, os.replace.

    `text` is a string or its pieces in order (an import streams 100,000 entries in pieces).

    Keeps the old file's permissions. On any failure (a full disk included) the old
    file is untouched and the temporary file is removed; the exception propagates.
    """
    folder = os.path.dirname(os.path.abspath(filename))
    try:
        mode = os.stat(filename).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temp = tempfile.mkstemp(prefix=_temp_prefix(filename), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, filename)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
