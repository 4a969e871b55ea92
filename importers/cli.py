"""The importers' command line: beangulp's identify / extract / archive, made strict.

    python -m importers extract  -e BOOK [-o FILE] [--regels FILE] FILE_OR_DIR...
    python -m importers identify -e BOOK [-v] FILE_OR_DIR...
    python -m importers archive  -e BOOK [-o DIR] [-n] [-f] FILE_OR_DIR...

Beangulp's `Ingest` does the work (identification, extraction, sorting, the
importers' `deduplicate` hook, printing, archiving). Around it this module adds what
beangulp leaves out:

- every file is identified and read *before* beangulp runs; a file that no importer
  recognises, or that is malformed, stops the run with one line
  `error: FILE:PLACE: message` on standard error and a non-zero exit;
- extract appends to its output file (`-o`), and only after everything succeeded,
  including a check of the book plus the new entries (`importers.check`);
- entries already in the book (by import id) are left out of the output entirely,
  instead of being written as commented-out duplicates.

Files whose names start with a dot are skipped when a directory is walked.
"""

import argparse
import os
import sys
import tempfile
from os import path

import beangulp
from beancount.core import data
from beangulp import identify as beangulp_identify
from beangulp.extract import DUPLICATE
from beangulp.identify import FILE_TOO_LARGE_THRESHOLD

from importers.abnamro_tab import AbnAmroTabImporter
from importers.abnamro_zip import AbnAmroCamtZipImporter
from importers.base import SUSPENSE
from importers.book import Book, load_book
from importers.bunq_csv import BunqCsvImporter
from importers.camt053 import Camt053Importer
from importers.check import check_with_book
from importers.errors import ImportFileError
from importers.ing_csv import IngCsvImporter
from importers.ing_savings_csv import IngSavingsCsvImporter
from importers.knab_csv import KnabCsvImporter
from importers.mt940 import Mt940Importer
from importers.rabobank_business_csv import RabobankBusinessCsvImporter
from importers.rabobank_csv import RabobankCsvImporter
from importers.rules import load_rules
from importers.triodos_csv import TriodosCsvImporter
from importers.volksbank_csv import VolksbankCsvImporter

DEFAULT_RULES = path.join(path.dirname(path.abspath(__file__)), "regels.txt")
PROG = "python -m importers"


def make_importers(book: Book, rules) -> list:
    return [cls(book, rules) for cls in (
        Camt053Importer,
        Mt940Importer,
        IngCsvImporter,
        RabobankCsvImporter,
        AbnAmroCamtZipImporter,
        AbnAmroTabImporter,
        VolksbankCsvImporter,
        KnabCsvImporter,
        BunqCsvImporter,
        RabobankBusinessCsvImporter,
        IngSavingsCsvImporter,
        TriodosCsvImporter,
    )]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ImportFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Bank statements (camt.053, MT940, ING and Rabobank CSV) into the actual book."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    helps = {
        "identify": "say which importer reads each file",
        "extract": "extract new entries (appended to -o FILE, or printed)",
        "archive": "move the files into a documents tree by account and date",
    }
    for name, text in helps.items():
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("src", nargs="+", metavar="FILE_OR_DIR")
        sub.add_argument("-e", "--existing", required=True, metavar="BOOK",
                         help="the actual book, e.g. ledger/boekhouding-2022.beancount")
        sub.add_argument("--regels", default=DEFAULT_RULES, metavar="FILE",
                         help="the categorisation rules (default: importers/regels.txt)")
        if name == "identify":
            sub.add_argument("-v", "--verbose", action="store_true", help="also print the account")
        if name == "extract":
            sub.add_argument("-o", "--output", default="-", metavar="FILE",
                             help="append the new entries to FILE (default: standard output)")
        if name == "archive":
            sub.add_argument("-o", "--destination", metavar="DIR",
                             help="root of the documents tree (default: documenten/ next to the book)")
            sub.add_argument("-n", "--dry-run", action="store_true", help="only print where the files would go")
            sub.add_argument("-f", "--overwrite", action="store_true", help="overwrite files of the same name")
    return parser


def _run(args) -> int:
    book = load_book(args.existing)
    if SUSPENSE not in book.open_accounts:
        raise ImportFileError(book.filename, None, f"the suspense account {SUSPENSE} is not opened in the book")
    rules = load_rules(args.regels, book.open_accounts)
    importers = make_importers(book, rules)
    files = _files(args.src)
    for filename in files:
        _preflight(importers, filename)
    if args.command == "identify":
        return _beangulp(importers, ["identify", *files] + (["-v"] if args.verbose else []))
    if args.command == "archive":
        destination = args.destination or path.join(path.dirname(path.abspath(book.filename)), "documenten")
        os.makedirs(destination, exist_ok=True)
        flags = (["-n"] if args.dry_run else []) + (["-f"] if args.overwrite else [])
        return _beangulp(importers, ["archive", *files, "-o", destination, *flags])
    return _extract(args, book, importers, files)


def _files(sources: list[str]) -> list[str]:
    files: list[str] = []
    for source in sources:
        if path.isdir(source):
            for root, dirs, names in os.walk(source):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(path.join(root, name) for name in sorted(names) if not name.startswith("."))
        elif path.isfile(source):
            files.append(source)
        else:
            raise ImportFileError(source, None, "no such file or directory")
    if not files:
        raise ImportFileError(" ".join(sources), None, "no files to import")
    return [path.abspath(f) for f in files]


def _preflight(importers: list, filename: str) -> None:
    """Identify and read one file completely, so that beangulp will meet no error."""
    if path.getsize(filename) > FILE_TOO_LARGE_THRESHOLD:
        raise ImportFileError(
            filename, None, f"the file is larger than {FILE_TOO_LARGE_THRESHOLD} bytes (beangulp's limit)"
        )
    try:
        importer = beangulp_identify.identify(importers, filename)
    except beangulp.exceptions.Error as exc:
        raise ImportFileError(filename, None, " ".join(str(exc).split())) from None
    if importer is None:
        raise ImportFileError(filename, None, "no importer recognises this file "
                              "(not a camt.053, MT940, ING CSV or Rabobank CSV bank statement)")
    importer.statements(filename)


def _beangulp(importers: list, arguments: list[str], hooks=None) -> int:
    ingest = beangulp.Ingest(importers, hooks)
    try:
        ingest.cli.main(args=arguments, prog_name=PROG, standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise ImportFileError(
                arguments[0], None, "beangulp failed after every file was checked; nothing was written"
            ) from None
    return 0


class _Collect:
    """The hook that leaves duplicates out of the output and counts what is written."""

    def __init__(self):
        self.written = []
        self.skipped = 0

    def __call__(self, extracted, existing):
        kept = []
        for filename, entries, account, importer in extracted:
            new = [entry for entry in entries if not entry.meta.get(DUPLICATE)]
            self.skipped += len(entries) - len(new)
            if new:
                kept.append((filename, new, account, importer))
                self.written.extend(new)
        return kept


def _extract(args, book: Book, importers: list, files: list[str]) -> int:
    collect = _Collect()
    with tempfile.TemporaryDirectory() as tmp:
        output = path.join(tmp, "extract.beancount")
        _beangulp(importers, ["extract", *files, "-e", book.filename, "-o", output, "-q"], hooks=[collect])
        text = ""
        if path.exists(output):     # beangulp opens its output only when it has something to write
            with open(output, encoding="utf-8") as file:
                text = file.read()
    transactions = [e for e in collect.written if isinstance(e, data.Transaction)]
    flagged = sum(1 for e in transactions if e.flag == "!")
    balances = len(collect.written) - len(transactions)
    if collect.written:
        origins = {}
        for importer in importers:
            origins.update(importer.origins)
        check_with_book(book, text, origins)
        _append(args.output, text, book)
    where = "standard output" if args.output == "-" else args.output
    print(f"{len(files)} file(s): {len(transactions)} new transaction(s), {flagged} of them flagged '!' "
          f"(to categorise), {balances} balance assertion(s) written to {where}; "
          f"{collect.skipped} already in the book", file=sys.stderr)
    return 0


def _append(output: str, text: str, book: Book) -> None:
    if output == "-":
        sys.stdout.write(text)
        return
    try:
        fresh = not path.exists(output) or path.getsize(output) == 0
        with open(output, "a", encoding="utf-8") as file:
            if fresh:
                file.write(
                    "; Nieuwe boekingen uit de bank (make import), nog te controleren.\n" + book.option_lines() + "\n"
                )
            file.write(text)
    except OSError as exc:
        raise ImportFileError(output, None, f"cannot write ({exc.strerror})") from None
