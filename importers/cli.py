"""The importers' command line: identify / extract / archive, strict and all or nothing.

    python -m importers extract  -e BOOK [-o FILE] [--regels FILE] [--wacht S] FILE_OR_DIR...
    python -m importers identify -e BOOK [-v] FILE_OR_DIR...
    python -m importers archive  -e BOOK [-o DIR] [-n] FILE_OR_DIR...

`extract` is `importers.pipeline.import_files` (the same function Fava's Import page
calls): the book loaded once under its lock, every file read and checked, only new
entries written, the output replaced whole; the entries stream through, one file's at a
time. `identify` and `archive` use beangulp's importer interface (identification,
account, date, the archive layout).

Every problem is one line `error: FILE:PLACE: message` on standard error. Exit status:
0 done; 1 a file, the rules or the book was refused (nothing written, nothing moved);
2 the command line itself is wrong. Files whose names start with a dot are skipped
when a folder is walked; anything that is not a regular file is refused (never opened).
"""

import argparse
import sys
from os import path

from books.write import DEFAULT_TIMEOUT
from importers import archive
from importers.abnamro_tab import AbnAmroTabImporter
from importers.abnamro_zip import AbnAmroCamtZipImporter
from importers.base import SUSPENSE
from importers.book import Book, load_book
from importers.bunq_csv import BunqCsvImporter
from importers.camt053 import Camt053Importer
from importers.errors import ImportFileError
from importers.ing_csv import IngCsvImporter
from importers.ing_savings_csv import IngSavingsCsvImporter
from importers.knab_csv import KnabCsvImporter
from importers.mt940 import Mt940Importer
from importers.pipeline import DEFAULT_RULES, identify, import_files
from importers.rabobank_business_csv import RabobankBusinessCsvImporter
from importers.rabobank_csv import RabobankCsvImporter
from importers.rules import load_rules
from importers.sources import bank_files
from importers.triodos_csv import TriodosCsvImporter
from importers.volksbank_csv import VolksbankCsvImporter

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
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Bank statements into the actual book.")
    commands = parser.add_subparsers(dest="command", required=True)
    helps = {
        "identify": "say which importer reads each file",
        "extract": "extract new entries (added to -o FILE, or printed)",
        "archive": "move the files into a documents tree by account and date (never overwriting)",
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
                             help="add the new entries to FILE, replacing it whole (default: standard output)")
            sub.add_argument("--wacht", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                             help="wait at most this long for another import of the book "
                                  f"(default {DEFAULT_TIMEOUT:g})")
            sub.add_argument("--any-year", action="store_true",
                             help="also import entries dated in a year the books hold no budget for (benchmarks)")
        if name == "archive":
            sub.add_argument("-o", "--destination", metavar="DIR",
                             help="root of the documents tree (default: documenten/ next to the book)")
            sub.add_argument("-n", "--dry-run", action="store_true", help="only print where the files would go")
    return parser


def _run(args) -> int:
    if args.command == "extract":
        output = None if args.output == "-" else args.output
        # The entries stream through (keep=False): the text goes to the file, or to standard
        # output once it has passed the check.
        result = import_files(args.existing, args.src, output, args.regels, lock_timeout=args.wacht,
                              any_year=args.any_year, keep=False, print_to=sys.stdout if output is None else None)
        for match in result.matched:
            print(str(match), file=sys.stderr)
        print(result.summary("standard output" if output is None else args.output), file=sys.stderr)
        return 0
    files = bank_files(args.src)
    book = load_book(args.existing)
    if SUSPENSE not in book.open_accounts:
        raise ImportFileError(book.filename, None, f"the suspense account {SUSPENSE} is not opened in the book")
    importers = make_importers(book, load_rules(args.regels, book.open_accounts))
    if args.command == "identify":
        return _identify(importers, files, args.verbose)
    destination = args.destination or path.join(path.dirname(path.abspath(book.filename)), "documenten")
    return _archive(importers, files, destination, args.dry_run)


def _identify(importers: list, files: list[str], verbose: bool) -> int:
    lines = []
    for filename in files:
        importer = identify(importers, filename)
        importer.statements(filename)           # read completely: a malformed file is an error here too
        line = f"{path.relpath(filename)}: {importer.name}"
        if verbose:
            line += f" -> {importer.account(filename)}"
        lines.append(line)
    print("\n".join(lines))
    return 0


def _archive(importers: list, files: list[str], destination: str, dry_run: bool) -> int:
    moves = archive.plan(importers, files, destination)
    for source, target in moves:
        if not dry_run:
            archive.move(source, target)
        print(f"{path.relpath(source)} -> {path.relpath(target)}{' (not moved: -n)' if dry_run else ''}")
    return 0
