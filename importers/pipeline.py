"""The import itself: bank files in, new entries checked and written, all or nothing.

    result = import_files("ledger/boekhouding-2022.beancount", ["bankbestanden/maart.xml"],
                          "ledger/boekhouding-2022/te-controleren.beancount")

The one path from a bank file into the book; the command line (`python -m importers
extract`, `make import`) and Fava's Import page both call `import_files`. Under the
book's lock (`books.write.book_lock`, held from the first read to the last write):

1. the book is loaded once (`books.loader.load_book`);
2. every file is identified and read completely (an error in any file stops the run);
3. entries already in the book (by import id), or met earlier in this run, are left
   out; a statement line that matches an entry typed by hand (same bank account and
   amount, date within `MATCH_DAYS` days, no import id) is left out too, and named —
   unless the statements' closing balances show that the hand entries are other
   payments (the statements continue the book with all their lines);
4. a statement dated in a year the books hold no budget for is refused, and so is a new
   entry dated in a period the book has closed (`make afsluiten`);
5. the new entries are checked as they are against the loaded book (`importers.check`),
   and printed: what does not pass bean-check is never written;
6. the output file is replaced whole (`books.write.replace_file`: temp file, fsync,
   os.replace). A crash at any moment leaves the old file or the complete new one.

Every refusal is an `ImportFileError` (`error: FILE:PLACE: message`); nothing is
written then. Another import of the same book waits up to `lock_timeout` seconds.
"""

from __future__ import annotations

import bisect
import codecs
import collections
import contextlib
import dataclasses
import datetime
import functools
import gc
import itertools
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from os import path
from typing import IO

import beangulp
from beancount.core import data
from beancount.parser import parser, printer

from books.write import DEFAULT_TIMEOUT, BookLocked, book_lock, remove_stale_temp_files, replace_file
from importers.base import SUSPENSE, duplicate_keys
from importers.book import IMPORT_ID, Book, load_book
from importers.check import EntryCheck, entry_errors, raise_first, reload_errors, simple
from importers.errors import ImportFileError
from importers.rules import load_rules
from importers.sources import bank_files
from plugins.closed_periods import read_closings

DEFAULT_RULES = path.join(path.dirname(path.abspath(__file__)), "regels.txt")

#: A statement line and an entry typed by hand match within this many days.
MATCH_DAYS = 4

#: The first lines of a new output file.
OUTPUT_HEADER = "; Nieuwe boekingen uit de bank (make import), nog te controleren.\n"


@dataclasses.dataclass(frozen=True)
class Match:
    """A statement line left out because the treasurer typed it in by hand."""

    source: str          # "bankbestanden/maart.xml:Stmt[1]/Ntry[3]"
    entry: str           # "ledger/boekhouding-2022/bank.beancount:123"
    date: datetime.date
    amount: str          # "-24.00 EUR"

    def __str__(self) -> str:
        return f"{self.source}: {self.date} {self.amount} matched {self.entry} (typed by hand), not imported again"


@dataclasses.dataclass
class Counts:
    """How many new directives an import adds, of each kind."""

    transactions: int = 0
    flagged: int = 0                        # transactions flagged '!' (to categorise)
    balances: int = 0

    def add(self, entry) -> None:
        if type(entry) is data.Transaction:
            self.transactions += 1
            self.flagged += entry.flag == "!"
        elif type(entry) is data.Balance:
            self.balances += 1

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.transactions + other.transactions, self.flagged + other.flagged,
                      self.balances + other.balances)


@dataclasses.dataclass
class ImportResult:
    """What an import read, left out and wrote."""

    files: list[str]
    entries: list                           # the new directives, in the order written
    text: str                               # what was appended to the output (or printed)
    output: str | None                      # the file written; None when nothing was written
    skipped: int = 0                        # already in the book (by import id)
    matched: list[Match] = dataclasses.field(default_factory=list)
    counts: Counts = dataclasses.field(default_factory=lambda: Counts())

    @property
    def transactions(self) -> list[data.Transaction]:
        """The new transactions (of `entries`: empty when the import did not keep them)."""
        return [entry for entry in self.entries if isinstance(entry, data.Transaction)]

    @property
    def flagged(self) -> int:
        return self.counts.flagged

    @property
    def balances(self) -> int:
        return self.counts.balances

    def summary(self, where: str | None = None) -> str:
        where = where or (path.relpath(self.output) if self.output else "nowhere (nothing new)")
        return (f"{len(self.files)} file(s): {self.counts.transactions} new transaction(s), {self.flagged} of them "
                f"flagged '!' (to categorise), {self.balances} balance assertion(s) written to {where}; "
                f"{self.skipped} already in the book; {len(self.matched)} matched an entry typed by hand")


def import_files(book: str, files: list[str], output: str | None, rules: str = DEFAULT_RULES, *,
                 write: bool = True, lock_timeout: float = DEFAULT_TIMEOUT, any_year: bool = False,
                 keep: bool = True, print_to: IO[str] | None = None) -> ImportResult:
    """Import bank `files` (files or folders) into `book`, appending to `output`.

    With `write=False` (or `output=None`) nothing is written: the result shows what
    would be. Raises ImportFileError on any bad input, or when the book stays locked
    longer than `lock_timeout` seconds. `any_year` lets entries dated in a year without
    a budget in (for benchmarks on synthetic books; the treasurer never needs it).
    With `keep=False` the result holds no entries and no text (only their counts): the
    entries stream through, so an import of 100,000 of them holds one file's at a time.
    `print_to` gets the text when nothing is written to a file (the command line's
    standard output), once it has passed the check.
    """
    files = bank_files(list(files))
    if not book:
        raise ImportFileError("-e", None, "the actual book is required: -e ledger/boekhouding-2022.beancount")
    if not path.isfile(book):
        raise ImportFileError(book, None, "the actual book was not found")
    writing = write and output is not None
    lock = book_lock(book, lock_timeout) if writing else contextlib.nullcontext()
    collecting = gc.isenabled()
    # No cyclic garbage collection while the book and the new entries are built: they
    # make no cycles, and the collector's passes over several hundred thousand live
    # objects cost a quarter of an import. It runs again (as before) once done.
    gc.disable()
    try:
        with lock:
            return _import_locked(book, files, output if writing else None, rules, output, any_year, keep,
                                  print_to)
    except BookLocked as exc:
        raise ImportFileError(book, None, f"another import or edit holds the book's lock (waited "
                                          f"{lock_timeout:g} s); nothing was written, try again later") from exc
    finally:
        if collecting:
            gc.enable()


class _NotStreamable(Exception):
    """The files cannot stream through in the order given (see `_import_locked`)."""


def _import_locked(book_file: str, files: list[str], output: str | None, rules_file: str,
                   text_target: str | None, any_year: bool, keep: bool, print_to: IO[str] | None) -> ImportResult:
    """The book loaded once; the files streamed through `Stream` one by one, in the order
    of `_file_order` (a file's entries made, selected, checked and spooled, then dropped).

    Files given out of that order (or an entry the fast check cannot take one at a time)
    are read all first and fed in order instead, as the import did before it streamed:
    the same result, holding every entry at once.
    """
    book = load_book(book_file)
    target = text_target or book.filename
    stream = Stream(book, target, output, any_year, keep)
    try:
        importers = importers_for(book, rules_file)
        last = None
        for filename in files:
            item = (filename, *read_file(importers, filename))
            order = _file_order(item)
            if last is not None and order < last:
                raise _NotStreamable
            last = order
            stream.add(*item)
    except _NotStreamable:
        stream.close()
        stream = Stream(book, target, output, any_year, keep=True)
        for item in sorted(read_files(book, files, rules_file), key=_file_order):
            stream.add(*item)
    with stream:
        return stream.finish(files, output, print_to)


class Stream:
    """The new entries of an import, file by file in order: selected (`Selector`),
    refused where they cannot go in (`Refusals`), validated against the loaded book
    (`importers.check.EntryCheck`) and printed into a spool; then dropped, unless
    `keep` (Fava's Import page shows them). `finish` judges and writes.

    Statement lines that matched an entry typed by hand are spooled and checked too,
    apart: if every statement carries its closing balance and the statements continue
    the book with all their lines, the hand entries were other payments and the lines
    are imported after all (the plain plan); otherwise they are left out.
    """

    #: Spooled in memory up to this many bytes, beyond it in a temporary file.
    SPOOL_MEMORY = 8 << 20

    def __init__(self, book: Book, target: str, output: str | None, any_year: bool, keep: bool):
        self.book = book
        self.folder = path.dirname(path.abspath(target))
        self.output = output
        self.selector = Selector(book, output)
        self.refusals = Refusals(book, any_year)
        self.check = EntryCheck(book)
        self.spool = tempfile.SpooledTemporaryFile(self.SPOOL_MEMORY)
        self.skips: list[tuple[int, int]] = []      # spool ranges left out when the matched lines are
        self.deferred: list[tuple[data.Transaction, tuple[str, str] | None]] = []     # the matched lines
        self.origins: dict[str, tuple[str, str]] = {}   # of the new balance assertions and entries with errors
        self.counts = {False: Counts(), True: Counts()}  # without / of the matched lines
        self.balanced = True                        # every file read carries closing balances
        self.simple = True                          # every entry is one EntryCheck takes
        self.kept: list[tuple[object, bool]] | None = [] if keep else None     # (entry, matched)

    def add(self, filename: str, importer, entries: list) -> None:
        """One file's entries, in order (the importer's `origins` name their places)."""
        self.balanced = self.balanced and any(type(entry) is data.Balance for entry in entries)
        origins = importer.origins
        self.selector.cover(entries)
        header = file_header(filename, importer, self.folder).encode("utf-8")
        header_at = None
        only_matched = True
        for entry in entries:
            import_id = entry.meta.get(IMPORT_ID)
            verdict = self.selector.decide(entry, origins)
            origin = origins.pop(import_id, None) if import_id else None      # held only where needed
            if verdict is DUPLICATE:
                continue
            matched = verdict is not NEW
            if not simple(entry):
                if self.kept is None:
                    raise _NotStreamable
                self.simple = False
            if header_at is None:
                header_at = self._write(header)
            start = self._write(("\n" + format_entry(entry)).encode("utf-8"))
            if matched:
                self.skips.append((start, self.spool.tell()))
                self.deferred.append((entry, origin))
            else:
                only_matched = False
                self.refusals.check(entry, origin)
            if self.check.add(entry, matched) or type(entry) is data.Balance:
                if import_id and origin is not None:
                    self.origins[import_id] = origin
            self.counts[matched].add(entry)
            if self.kept is not None:
                self.kept.append((entry, matched))
        if header_at is not None and only_matched:
            self.skips.append((header_at, header_at + len(header)))

    def _write(self, chunk: bytes) -> int:
        """Spool `chunk`; where it starts."""
        try:
            start = self.spool.tell()
            self.spool.write(chunk)
        except OSError as exc:
            raise ImportFileError(self.output or "standard output", None,
                                  f"cannot write ({exc.strerror or exc}); the file is unchanged") from None
        return start

    def finish(self, files: list[str], output: str | None, print_to: IO[str] | None) -> ImportResult:
        """Judge the new entries with the book, then write them (to `output`, or to `print_to`)."""
        matched = self.selector.matched
        plain = False
        if matched and self.balanced:
            # Statement lines matched entries typed by hand. Where every statement carries its
            # closing balance, that balance decides: if the statements continue the book with
            # all their lines, the hand entries were other payments, and nothing is left out.
            for entry, origin in self.deferred:
                self.refusals.check(entry, origin)
            errors = self._errors(optional=True)
            plain = not (reload_errors(self.book, self.text(plain=True)) if errors is None else errors)
        counts = self.counts[False] + self.counts[True] if plain else self.counts[False]
        if counts.transactions + counts.balances and not plain:
            errors = self._errors(optional=False)
            if errors is None:
                errors = reload_errors(self.book, self.text(plain=False))
            raise_first(self.book, errors, self.origins, self.check.first_dates)
        result = ImportResult(files, [], "", None, self.selector.skipped, [] if plain else matched, counts)
        if self.kept is not None:
            result.entries = [entry for entry, was_matched in self.kept if plain or not was_matched]
            result.text = self.text(plain)
        if counts.transactions + counts.balances:
            if output:
                write_output(output, self.pieces(plain), self.book)
                result.output = output
            elif print_to is not None:
                print_to.writelines(self.pieces(plain))
        return result

    def _errors(self, optional: bool) -> list | None:
        if self.simple:
            return self.check.errors(optional)
        entries = [entry for entry, matched in self.kept or [] if optional or not matched]
        return entry_errors(self.book, entries)

    def text(self, plain: bool) -> str:
        """The text the import adds (with the matched lines, or without)."""
        return "".join(self.pieces(plain))

    def pieces(self, plain: bool, size: int = 1 << 20) -> Iterator[str]:
        """The spooled text in pieces (with the matched lines, or without)."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        spool = self.spool
        end = spool.seek(0, 2)
        spool.seek(0)
        for start, stop in [*([] if plain else self.skips), (end, end)]:
            while spool.tell() < start:
                yield decoder.decode(spool.read(min(size, start - spool.tell())))
            spool.seek(stop)
        yield decoder.decode(b"", final=True)

    def close(self) -> None:
        self.spool.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


#: `Selector.decide`'s verdicts besides a match: already known, or new.
DUPLICATE = "duplicate"
NEW = "new"


class Selector:
    """What is new, entry by entry in file order: left out are entries already in the book
    (or in `output`, when the book does not include it), or met earlier in this run, and
    (with `match_hand`) statement lines typed by hand (`HandEntries`, for the dates
    `first` to `last`, and more with `cover`)."""

    def __init__(self, book: Book, output: str | None = None, match_hand: bool = True,
                 first: datetime.date | None = None, last: datetime.date | None = None):
        self.seen = set(book.import_ids)
        if output and path.exists(output) and path.abspath(output) not in _included(book):
            self.seen |= _ids_in(output)             # an output the book does not include still counts
        self.hand = HandEntries(book, first, last) if match_hand else None
        self.skipped = 0
        self.matched: list[Match] = []

    def cover(self, entries: list) -> None:
        """Entries typed by hand can match `entries` (of the next file) too."""
        if self.hand is not None and entries:
            dates = [entry.date for entry in entries]
            self.hand.cover(min(dates), max(dates))

    def decide(self, entry, origins: Mapping[str, tuple[str, str]]):
        """DUPLICATE, NEW, or the entry typed by hand that the statement line matches."""
        keys = duplicate_keys(entry)
        seen = self.seen
        if any(key in seen for key in keys):
            self.skipped += 1
            return DUPLICATE
        seen.update(keys)
        match = self.hand.match(entry) if self.hand is not None else None
        if match is None:
            return NEW
        units = entry.postings[0].units
        self.matched.append(Match(_place(origins, entry), _where(match), entry.date,
                                  f"{units.number} {units.currency}"))
        return match


@dataclasses.dataclass
class Plan:
    """What an import would add to a book, before the final check."""

    entries: list                           # the new directives
    groups: list                            # (bank file, importer, its new directives)
    target: str                             # the file the text goes to
    origins: Mapping[str, tuple[str, str]]  # import id -> (bank file, place)
    skipped: int
    matched: list[Match]
    balanced: bool = True                   # every file read carries closing balances

    @functools.cached_property
    def text(self) -> str:
        """The new directives printed, as they would be written (printed once, when needed)."""
        return render(self.groups, self.target)


def plan_import(book: Book, files: list[str], rules_file: str, target: str, output: str | None = None,
                any_year: bool = False) -> Plan:
    """Read every file (`read_files`) and decide what is new (`select`)."""
    return select(book, read_files(book, files, rules_file), target, output, any_year)


def importers_for(book: Book, rules_file: str) -> list:
    """The importers of every format, with the rules, for `book`."""
    if SUSPENSE not in book.open_accounts:
        raise ImportFileError(book.filename, None, f"the suspense account {SUSPENSE} is not opened in the book")
    return make_importers(book, load_rules(rules_file, book.open_accounts))


def read_files(book: Book, files: list[str], rules_file: str) -> list[tuple]:
    """(file, importer, entries) of every bank file, each read completely and checked."""
    importers = importers_for(book, rules_file)
    return [(filename, *read_file(importers, filename)) for filename in files]


def select(book: Book, extracted: list[tuple], target: str, output: str | None = None, any_year: bool = False,
           match_hand: bool = True) -> Plan:
    """What is new of all the files read (`Selector`, in `_file_order`), and refused
    (`Refusals`). `target` is the file the text will go to (its folder is where the
    printed bank file paths are relative to)."""
    dates = [entry.date for _, _, entries in extracted for entry in entries]
    selector = Selector(book, output, match_hand,
                        min(dates, default=datetime.date.min), max(dates, default=datetime.date.min))
    new: list = []
    # The importers' own maps of import id -> (file, place), looked through, not copied.
    origins: Mapping[str, tuple[str, str]] = collections.ChainMap(
        *{id(importer): importer.origins for _, importer, _ in extracted}.values())
    groups = []
    balanced = True
    for filename, importer, entries in sorted(extracted, key=_file_order):
        balanced = balanced and any(isinstance(entry, data.Balance) for entry in entries)
        kept = [entry for entry in entries if selector.decide(entry, origins) is NEW]
        if kept:
            groups.append((filename, importer, kept))
            new.extend(kept)
    refusals = Refusals(book, any_year)
    for entry in new:
        refusals.check(entry, origins.get(str(entry.meta.get(IMPORT_ID))))
    return Plan(new, groups, target, origins, selector.skipped, selector.matched, balanced)


def make_importers(book: Book, rules) -> list:
    """The importers of every format (registered in importers.cli.make_importers)."""
    from importers import cli      # the registry lives with the command line

    return cli.make_importers(book, rules)


def read_file(importers: list, filename: str) -> tuple:
    """(importer, entries) of one bank file, read completely; ImportFileError otherwise."""
    importer = identify(importers, filename)
    try:
        entries = importer.extract(filename, [])
        forget = getattr(importer, "forget", None)
        if forget is not None:
            forget(filename)            # the statements read are in the entries now: free them
    except ImportFileError:
        raise
    except (ValueError, LookupError, OSError, UnicodeError, ArithmeticError) as exc:
        # A file an importer recognised but cannot read (a format variant nobody foresaw):
        # one line naming the file, never a traceback.
        raise ImportFileError(filename, None, f"cannot read the {importer.format_name}: "
                                              f"{type(exc).__name__}: {exc}") from None
    return importer, entries


def identify(importers: list, filename: str):
    """The one importer that recognises the file; ImportFileError when none or several do."""
    try:
        importer = beangulp.identify.identify(importers, filename)
    except beangulp.exceptions.Error as exc:
        raise ImportFileError(filename, None, " ".join(str(exc).split())) from None
    if importer is None:
        names = ", ".join(sorted({i.format_name.removesuffix(" file") for i in importers}))
        raise ImportFileError(filename, None, f"no importer recognises this file ({_kind(filename)}not a bank "
                                              f"statement of a known format: {names})")
    return importer


# Magic numbers of files that land in a downloads folder, for a friendlier refusal.
_MAGIC = ((b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive"),
          (b"\xd0\xcf\x11\xe0", "an old Excel/Office file"),
          (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"\x1f\x8b", "a gzip archive"))


def _kind(filename: str) -> str:
    try:
        with open(filename, "rb") as file:
            head = file.read(8)
    except OSError:
        return ""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return f"{kind}, "
    return ""


class Refusals:
    """What no new entry may be, whatever the check says: dated in a year the books hold no
    budget for (a 2023 statement in the 2022 book; unless `any_year`), or in a period the
    book has closed (`make afsluiten`, plugins.closed_periods: bean-check would report it at
    the closing record afterwards; the import refuses it before anything is written, and a
    correction goes in a later, open period)."""

    def __init__(self, book: Book, any_year: bool = False):
        self.book = book
        self.years = None if any_year else book.budget_years
        closings, _ = read_closings(book.entries)
        self.closed = closings[-1] if closings else None

    def check(self, entry, origin: tuple[str, str] | None) -> None:
        """Raise ImportFileError, naming the entry's `origin` (file, place), if it is refused."""
        years, closed, book = self.years, self.closed, self.book
        if years is not None and type(entry) is data.Transaction and entry.date.year not in years:
            filename, place = origin or (book.filename, "")
            held = ", ".join(str(year) for year in sorted(years)) or "none"
            raise ImportFileError(
                filename, place,
                f"the statement has entries dated {entry.date.year} ({entry.date}), but the books hold no budget "
                f"for {entry.date.year} (budget years of {path.relpath(book.filename)}: {held}); import it into "
                f"the book of {entry.date.year}")
        if closed is not None and entry.date <= closed.date:
            filename, place = origin or (book.filename, "")
            record = f"{closed.meta.get('filename')}:{closed.meta.get('lineno')}"
            raise ImportFileError(
                filename, place,
                f"the statement has an entry dated {entry.date}, in the period closed up to {closed.date} "
                f"({record}, approved by {closed.approved_by}); a closed period takes no new entries: book a "
                f"correction in an open period")


class HandEntries:
    """The book's entries typed by hand on its bank accounts, to match statement lines with.

    An entry typed by hand is a transaction without an import id with a posting on one
    of the association's bank accounts, other than an opening balance (a transaction
    whose other postings are all on equity, Vermogen). Each is matched at most once:
    three identical payments and one typed by hand import two.
    """

    def __init__(self, book: Book, first: datetime.date | None = None, last: datetime.date | None = None):
        """The entries typed by hand that can match statement lines dated `first` to `last`
        (more with `cover`; none before it when no dates are given)."""
        self.book = book
        self._equity = book.options.get("name_equity", "Equity")
        self._candidates: dict[tuple[str, object], list[tuple[datetime.date, int, data.Transaction]]] = \
            collections.defaultdict(list)
        self._covered: tuple[datetime.date, datetime.date] | None = None     # (low, high) indexed so far
        self._used: set[int] = set()
        if first is not None and last is not None:
            self.cover(first, last)

    def cover(self, first: datetime.date, last: datetime.date) -> None:
        """Index the entries typed by hand that can match statement lines dated `first` to
        `last` too (a streamed import covers each file's dates as it comes)."""
        window = datetime.timedelta(days=MATCH_DAYS)
        low, high = _shift(first, -window), _shift(last, window)
        if self._covered is None:
            ranges = [(low, high)]
            self._covered = (low, high)
        else:
            covered_low, covered_high = self._covered
            ranges = [(low, covered_low - datetime.timedelta(days=1))] if low < covered_low else []
            if high > covered_high:
                ranges.append((covered_high + datetime.timedelta(days=1), high))
            self._covered = (min(low, covered_low), max(high, covered_high))
        touched = set()
        for low, high in ranges:
            touched |= self._index(low, high)
        for key in touched:
            self._candidates[key].sort(key=lambda item: (item[0], item[1]))

    def _index(self, low: datetime.date, high: datetime.date) -> set:
        """Add the entries typed by hand dated `low` to `high`; the candidate keys added to."""
        touched = set()
        equity = self._equity
        for account, booked in self.book.bank_entries.items():
            start = bisect.bisect_left(booked, low, key=lambda entry: entry.date)
            stop = bisect.bisect_right(booked, high, key=lambda entry: entry.date)
            for entry in booked[start:stop]:
                if IMPORT_ID in entry.meta or str(entry.meta.get("filename", "<")).startswith("<"):
                    continue
                others = [p for p in entry.postings if p.account != account]
                if others and all(p.account.split(":", 1)[0] == equity for p in others):
                    continue
                for posting in entry.postings:
                    if posting.account == account and posting.units is not None:
                        key = (account, posting.units)
                        self._candidates[key].append((entry.date, id(entry), entry))
                        touched.add(key)
        return touched

    def match(self, entry) -> data.Transaction | None:
        if not isinstance(entry, data.Transaction) or not entry.postings:
            return None
        posting = entry.postings[0]
        candidates = self._candidates.get((posting.account, posting.units))
        if not candidates:
            return None
        window = datetime.timedelta(days=MATCH_DAYS)
        low = bisect.bisect_left(candidates, entry.date - window, key=lambda item: item[0])
        best = None
        for date, ident, candidate in candidates[low:]:
            if date > entry.date + window:
                break
            if ident in self._used:
                continue
            if best is None or abs((date - entry.date).days) < abs((best[0] - entry.date).days):
                best = (date, ident, candidate)
        if best is None:
            return None
        self._used.add(best[1])
        return best[2]


def _shift(date: datetime.date, delta: datetime.timedelta) -> datetime.date:
    try:
        return date + delta
    except OverflowError:
        return date


def render(groups: list, target: str) -> str:
    """The new entries as Beancount text: per bank file a comment naming it (relative to
    the folder of `target`, the file written), then its entries."""
    folder = path.dirname(path.abspath(target))
    parts = []
    for filename, importer, entries in groups:
        parts.append(file_header(filename, importer, folder))
        parts.extend("\n" + format_entry(entry) for entry in entries)
    return "".join(parts)


def file_header(filename: str, importer, folder: str) -> str:
    """The comment before a bank file's entries: its path relative to `folder` and its format."""
    return f"\n; {path.relpath(filename, folder)} ({importer.format_name.removesuffix(' file')})\n"


def format_entry(entry) -> str:
    """Beancount's `printer.format_entry`, done directly for what an import makes (a
    transaction of two postings, the first with an amount, metadata of strings and
    booleans) — ten times faster, the same text (a test holds them equal)."""
    if type(entry) is not data.Transaction or entry.tags or entry.links or len(entry.postings) != 2:
        return printer.format_entry(entry)
    first, second = entry.postings
    units = first.units
    if (second.units is not None or units is None or units.number is None
            or first.cost is not None or first.price is not None or first.flag or first.meta
            or second.cost is not None or second.price is not None or second.flag or second.meta):
        return printer.format_entry(entry)
    number = str(units.number)
    if len(number) < 4 or number[-3] != "." or "E" in number:      # not two decimals (exponent -2)
        return printer.format_entry(entry)
    lines = [f"{entry.date} {entry.flag} {_strings(entry)}\n"]
    for key, value in entry.meta.items():
        if key in ("filename", "lineno") or key.startswith("__"):
            continue
        if type(value) is str:
            if '"' in value or "\\" in value:
                value = _escape(value)
            lines.append(f'  {key}: "{value}"\n')
        elif isinstance(value, bool):
            lines.append(f"  {key}: {'TRUE' if value else 'FALSE'}\n")
        else:
            return printer.format_entry(entry)
    width = max(len(first.account), len(second.account))
    lines.append(f"  {first.account:{width}}  {number} {units.currency}\n  {second.account}\n")
    return "".join(lines)


def _strings(entry: data.Transaction) -> str:
    if entry.payee:
        return f'"{_escape(entry.payee)}" "{_escape(entry.narration or "")}"'
    return f'"{_escape(entry.narration)}"' if entry.narration else ""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def write_output(output: str, text: str | Iterable[str], book: Book) -> None:
    """Append `text` (or its pieces) to `output` by replacing the file whole (the caller holds the book's lock)."""
    try:
        with open(output, encoding="utf-8") as file:
            old = file.read()
    except FileNotFoundError:
        old = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(output, None, f"cannot read the output file ({exc})") from None
    if not old.strip():
        old = OUTPUT_HEADER + book.option_lines()
    elif not old.endswith("\n"):
        old += "\n"
    try:
        remove_stale_temp_files(output)
        replace_file(output, [old, text] if isinstance(text, str) else itertools.chain([old], text))
    except OSError as exc:
        raise ImportFileError(output, None, f"cannot write ({exc.strerror or exc}); the file is unchanged") from None


def _file_order(item) -> tuple:
    filename, importer, entries = item
    dates = [entry.date for entry in entries] or [datetime.date.max]
    return max(dates), min(dates), filename


def _included(book: Book) -> set[str]:
    return {path.abspath(name) for name in book.options.get("include", [])}


def _ids_in(filename: str) -> set:
    entries, _, _ = parser.parse_file(filename)
    seen: set = set()
    for entry in entries:
        seen.update(duplicate_keys(entry))
    return seen


def _place(origins: Mapping, entry) -> str:
    filename, place = origins.get(entry.meta.get(IMPORT_ID), (entry.meta.get("filename", "?"), ""))
    filename = path.relpath(filename)
    return f"{filename}:{place}" if place else filename


def _where(entry) -> str:
    return f"{path.relpath(entry.meta['filename'])}:{entry.meta['lineno']}"


