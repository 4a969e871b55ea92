"""Loading a book from disk: the one way this project does it, cached.

Every command, plugin and page that reads a book file (the budget book the guard
follows, the actual book of the reports, the benchmark's books) calls `load_book`, so
caching and loading policy live in one place:

- A book once loaded is written to a cache file beside it (`.cache/NAME.pickle` in
  the book's folder, git-ignored), at every size: Beancount's own pickle cache is only
  written for loads over a second and is keyed on its `include` list alone. The cache
  file is written whole or not at all (temp file, os.replace), so a reader never sees
  half of one.
- Within one process a book loaded once is handed out again while its files are
  unchanged (a budget book that the guard, the report and the page all read).
- Python's cyclic garbage collector is off while a book is parsed, booked and checked
  or unpickled: those allocate millions of objects that are never garbage, and the
  collector's passes over them cost up to 80 % of an unpickle.

Correctness first: a cached book is served only when nothing it was made from has
changed. What a load reads is recorded while it runs, through Python's audit hooks:
every file opened (the main file, its includes, the budget book the guard loads, the
query files of plugins.query_files, any file a plugin reads) and every folder listed
(a new file in a query folder or under an include glob). Each file is stamped with
inode, size, mtime and ctime (ctime cannot be set back by os.utime, and os.replace
gives a new inode); a folder with its listing. Beancount's, Python's and this
project's code version (the plugin modules the book names, and plugins/ and books/)
are in the cache file's header. A cache file that does not unpickle, names another
version or any changed file is ignored and rewritten. A load that read a file changed
within the last RACY_SECONDS is not cached at all: a second edit within the
filesystem's timestamp tick could leave every stamp unchanged. A load with an error
about a missing file is not cached either (its creation changes no stamp).

`BOOKS_CACHE` in the environment: `on` (default), `off` (neither read nor write the
cache: every load afresh, as Beancount does after an edit) or `rebuild` (ignore the
cache, load afresh and write it: what the first run after an edit costs).

`cached_result(entries, key, compute)` keeps a result derived from a loaded book (the
budget table's query rows) with the book's version, in `.cache/NAME.derived.pickle`:
the same book version and key give the stored value without computing it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from os import path
from typing import Any, TypeVar

from books.collector import collector_off

CACHE_FOLDER = ".cache"
CACHE_FORMAT = 1  # raise when the layout of a cache file changes
ENVIRONMENT = "BOOKS_CACHE"
RACY_SECONDS = 2.0
# Error messages of a load that read no file which could tell us when the situation changes.
MISSING_FILE_MESSAGES = ("does not exist", "does not match any files", "not found")
_REPO = path.dirname(path.dirname(path.abspath(__file__)))
_CODE_FOLDERS = ("plugins", "books")

Result = tuple[list, list, dict]
T = TypeVar("T")


def load_book(filename: str) -> Result:
    """Load a book: (entries, errors, options_map), as `beancount.loader.load_file`.

    From the in-process memo or the cache file when nothing the book was made from has
    changed; otherwise loaded afresh (garbage collector off) and cached. The result is
    shared: callers must not change the entries list, the errors or the options.
    """
    filename = path.normpath(path.abspath(path.expandvars(path.expanduser(filename))))
    mode = cache_mode()
    if mode == "on":
        book = _MEMO.get(filename)
        if book is not None and book.header == _header(filename, book.plugin_files) and _unchanged(book.deps):
            _note(book.deps)
            return book.result
        book = _read_cache(filename)
        if book is not None:
            _MEMO[filename] = book
            _note(book.deps)
            return book.result
    _MEMO.pop(filename, None)
    with collector_off(), _recording() as recorder:
        started = time.time()
        result = _load_afresh(filename)
    book = _Book(_header(filename, _plugin_files(result[2])), recorder.deps(result[2], filename), result)
    _note(book.deps)
    if _cacheable(book, started):
        _MEMO[filename] = book
        if mode != "off":
            _write_cache(filename, book)
    return result


def cache_mode() -> str:
    """`on`, `off` or `rebuild`, from BOOKS_CACHE (anything else counts as on)."""
    mode = os.environ.get(ENVIRONMENT, "on").strip().lower()
    return mode if mode in ("off", "rebuild") else "on"


def cache_path(filename: str, suffix: str = ".pickle") -> str:
    """The cache file of a book: `.cache/NAME.pickle` in the book's folder."""
    folder, name = path.split(path.abspath(filename))
    return path.join(folder, CACHE_FOLDER, name + suffix)


def book_version(entries: list) -> str | None:
    """A digest naming the version of the book whose (shared) entries these are; None if unknown."""
    for book in _MEMO.values():
        if book.result[0] is entries:
            return book.version
    return None


def cached_result(entries: list, key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept with the version of the loaded book whose entries these are.

    The key names what is computed (e.g. the text of a query); the same key on the same
    book version returns the stored value, from memory or from the book's
    `.cache/NAME.derived.pickle`. For entries not from load_book (a test's inline book),
    or with the cache off, it just computes.
    """
    book = next((b for b in _MEMO.values() if b.result[0] is entries), None)
    if book is None or cache_mode() != "on":
        return compute()
    if key in book.derived:
        return book.derived[key]
    filename = cache_path(book.filename, ".derived.pickle")
    if not book.derived_read:
        book.derived_read = True
        stored = _read_pickles(filename, 2)
        if stored and stored[0] == book.version and isinstance(stored[1], dict):
            book.derived.update(stored[1])
            if key in book.derived:
                return book.derived[key]
    value = compute()
    book.derived[key] = value
    _write_pickles(filename, [book.version, book.derived])
    return value


def clear_memo() -> None:
    """Forget the books loaded in this process (tests; the cache files stay)."""
    _MEMO.clear()


# ---------------------------------------------------------------- loading afresh


def _load_afresh(filename: str) -> Result:
    from beancount import (
        loader,  # here: the loader imports the plugins, which import this module
    )

    # _load is what load_file runs when Beancount's own cache misses; calling it directly
    # keeps Beancount from writing its cache file beside the book as well.
    return loader._load([(filename, True)], None, None, None)


# ---------------------------------------------------------------- what a load reads

# A file's stamp: (inode, size, mtime_ns, ctime_ns), None when it does not exist.
Stamp = tuple[int, int, int, int] | None
# A dependency: ("file", path, stamp) or ("folder", path, sorted names of its visible entries).
Dependency = tuple[str, str, Any]


def file_stamp(filename: str) -> Stamp:
    """A file's stamp (inode, size, mtime, ctime): a same-size edit with the mtime put back still changes it."""
    try:
        stat = os.stat(filename)
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _listing(folder: str) -> tuple[str, ...] | None:
    try:
        return tuple(sorted(name for name in os.listdir(folder) if not name.startswith(".")))
    except OSError:
        return None


def _unchanged(deps: tuple[Dependency, ...]) -> bool:
    with _quiet():
        for kind, name, seen in deps:
            if (file_stamp(name) if kind == "file" else _listing(name)) != seen:
                return False
    return True


@dataclass
class _Recorder:
    """The files and folders one load read, stamped at the moment they were opened or listed."""

    thread: int
    files: dict[str, Stamp] = field(default_factory=dict)
    folders: dict[str, tuple[str, ...] | None] = field(default_factory=dict)

    def deps(self, options_map: dict, filename: str) -> tuple[Dependency, ...]:
        with _quiet():
            for name in [filename, *options_map.get("include", ()), *_plugin_files(options_map)]:
                self.files.setdefault(path.normpath(name), file_stamp(name))
        return tuple([("file", name, stamp) for name, stamp in sorted(self.files.items())]
                     + [("folder", name, names) for name, names in sorted(self.folders.items())])


_STATE = threading.local()
_ACTIVE: list[_Recorder] = []  # recorders of loads running now, in any thread
_HOOK_INSTALLED = False
_INSTALLED = tuple(sorted({sys.prefix, sys.base_prefix, sys.exec_prefix}))  # Python and installed packages
_IGNORED_PREFIXES = (*_INSTALLED, "/dev/", "/proc/", "/sys/", "/usr/", "/etc/")


@contextlib.contextmanager
def _recording() -> Iterator[_Recorder]:
    global _HOOK_INSTALLED
    if not _HOOK_INSTALLED:
        sys.addaudithook(_audit)  # audit hooks cannot be removed: one, idle unless a load runs
        _HOOK_INSTALLED = True
    recorder = _Recorder(threading.get_ident())
    _ACTIVE.append(recorder)
    try:
        yield recorder
    finally:
        _ACTIVE.remove(recorder)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Our own stat, listdir and open calls are not what a load reads."""
    previous = getattr(_STATE, "busy", False)
    _STATE.busy = True
    try:
        yield
    finally:
        _STATE.busy = previous


def _audit(event: str, args: tuple) -> None:
    if not _ACTIVE or event not in ("open", "os.listdir", "os.scandir"):
        return
    thread = threading.get_ident()
    recorders = [r for r in _ACTIVE if r.thread == thread]
    if not recorders or getattr(_STATE, "busy", False):
        return
    target = args[0] if args else None
    if isinstance(target, bytes):
        target = os.fsdecode(target)
    if target is None:
        target = "."
    if not isinstance(target, (str, os.PathLike)):
        return  # a file descriptor
    name = path.normpath(path.abspath(os.fspath(target)))
    if name.startswith(_IGNORED_PREFIXES) or "__pycache__" in name or f"{os.sep}{CACHE_FOLDER}{os.sep}" in name:
        return
    with _quiet():
        if event == "open":
            mode, flags = (args[1], args[2]) if len(args) >= 3 else ("r", 0)
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
                return
            stamp = file_stamp(name)
            for recorder in recorders:
                recorder.files.setdefault(name, stamp)
        else:
            names = _listing(name)
            for recorder in recorders:
                recorder.folders.setdefault(name, names)


def _note(deps: tuple[Dependency, ...]) -> None:
    """A book served from the cache during another book's load: the outer load read its files too."""
    thread = threading.get_ident()
    for recorder in _ACTIVE:
        if recorder.thread == thread:
            for kind, name, seen in deps:
                (recorder.files if kind == "file" else recorder.folders).setdefault(name, seen)


def _cacheable(book: _Book, started: float) -> bool:
    """Whether the stamps can tell every later change (see the module docstring)."""
    if any(any(m in str(getattr(e, "message", "")) for m in MISSING_FILE_MESSAGES) for e in book.result[1]):
        return False
    racy_after = int((started - RACY_SECONDS) * 1e9)
    return all(seen is not None and seen[3] < racy_after for kind, _, seen in book.deps if kind == "file")


# ---------------------------------------------------------------- versions


def _plugin_files(options_map: dict) -> list[str]:
    """The source files of the plugin modules the book names that are not installed packages."""
    files = []
    for name, _ in options_map.get("plugin", ()):
        module = sys.modules.get(name)
        filename = getattr(module, "__file__", None)
        if filename and not filename.startswith(_INSTALLED):
            files.append(path.normpath(filename))
    return sorted(files)


_CODE_VERSION: str | None = None


def _code_version() -> str:
    """Beancount's, Python's and this project's code (plugins/, books/): once per process."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        import beancount

        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{CACHE_FORMAT}|{sys.version}|{beancount.__version__}".encode())
        with _quiet():
            for folder in _CODE_FOLDERS:
                directory = path.join(_REPO, folder)
                for name in sorted(os.listdir(directory)) if path.isdir(directory) else ():
                    if name.endswith(".py"):
                        digest.update(f"|{name}{file_stamp(path.join(directory, name))}".encode())
        _CODE_VERSION = digest.hexdigest()
    return _CODE_VERSION


def _header(filename: str, plugin_files: list[str]) -> tuple:
    with _quiet():
        plugins = tuple((name, file_stamp(name)) for name in plugin_files)
    return ("books.loader", _code_version(), filename, plugins)


@dataclass
class _Book:
    header: tuple
    deps: tuple[Dependency, ...]
    result: Result
    derived: dict = field(default_factory=dict)
    derived_read: bool = False

    @property
    def filename(self) -> str:
        return self.header[2]

    @property
    def plugin_files(self) -> list[str]:
        return [name for name, _ in self.header[3]]

    @property
    def version(self) -> str:
        return hashlib.blake2b(repr((self.header, self.deps)).encode(), digest_size=16).hexdigest()


_MEMO: dict[str, _Book] = {}


# ---------------------------------------------------------------- the cache file


def _read_cache(filename: str) -> _Book | None:
    """The cached book when its header and every stamp still hold; None otherwise."""
    cache = cache_path(filename)
    try:
        with _quiet(), open(cache, "rb") as file, collector_off():
            header = pickle.load(file)
            if not (isinstance(header, tuple) and len(header) == 4 and header[2] == filename):
                return None
            plugin_files = [name for name, _ in header[3]]
            if header != _header(filename, plugin_files):
                return None
            deps = pickle.load(file)
            if not _unchanged(deps):
                return None
            result = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a corrupt or foreign cache file shows as any exception: rebuild
        return None
    return _Book(header, deps, result)


def _write_cache(filename: str, book: _Book) -> None:
    _write_pickles(cache_path(filename), [book.header, book.deps, book.result])


def _read_pickles(filename: str, count: int) -> list | None:
    try:
        with _quiet(), open(filename, "rb") as file, collector_off():
            return [pickle.load(file) for _ in range(count)]
    except Exception:  # noqa: BLE001 - missing, corrupt or foreign: none
        return None


def read_pickled(filename: str, count: int) -> list | None:
    """The `count` objects pickled one after the other in a cache file; None if missing, corrupt or short."""
    return _read_pickles(filename, count)


def write_pickled(filename: str, objects: list, pickler: type[pickle.Pickler] = pickle.Pickler) -> None:
    """Write a cache file whole or not at all (see `_write_pickles`); for caches other than a book's."""
    _write_pickles(filename, objects, pickler)


def _write_pickles(filename: str, objects: list, pickler: type[pickle.Pickler] = pickle.Pickler) -> None:
    """Write the objects one after the other into a temp file beside `filename`, then os.replace.

    A cache that cannot be written (read-only folder, full disk) is no error: the next
    run loads afresh.
    """
    folder = path.dirname(filename)
    with _quiet():
        try:
            os.makedirs(folder, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{path.basename(filename)}.", suffix=".tmp", dir=folder)
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as file, collector_off():
                for obj in objects:
                    pickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
            os.replace(temp, filename)
        except Exception:  # noqa: BLE001 - see the docstring
            with contextlib.suppress(OSError):
                os.unlink(temp)
