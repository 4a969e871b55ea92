"""`python -m annual.new_year 2023`: start a new year's books (make nieuw-jaar JAAR=2023).

    python -m annual.new_year 2023                 # from ledger/boekhouding-2022.beancount and its budget
    python -m annual.new_year 2023 --ledger DIR    # another ledger folder

Writes the files listed in annual.opening (a draft budget with 2022's lines, an actual book
opening with 2022's closing balances) and changes nothing of 2022. Refused, with nothing
written, when any file of the new year exists already, or when last year's books do not pass
bean-check (their closing balances would be wrong). Every file is written whole
(books.write.replace_file) while the locks of last year's actual book and both new books are
held; the new books are then loaded, and removed again if they do not pass bean-check.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from annual.books import BookError, load_year, located
from annual.model import jaarrekening
from annual.opening import YearFiles, actual_texts, budget_texts
from books.loader import load_book
from books.write import BookLocked, book_lock, replace_file
from report.errors import ReportError
from report.queries import QUERY_DIR


def start_year(ledger: Path, year: int, query_dir: Path = QUERY_DIR) -> list[Path]:
    """Write the new year's books; returns the files written. ReportError (nothing written) when refused."""
    previous, files = YearFiles(ledger, year - 1), YearFiles(ledger, year)
    existing = [path for path in files.new_files() if path.exists()]
    if not existing and not previous.actual.is_file():
        raise BookError(f"{previous.actual}: no books of {year - 1} to continue from "
                        f"(make nieuw-jaar starts a year from the year before)")
    with contextlib.ExitStack() as locks:
        if not existing:
            for book in (previous.actual, files.budget, files.actual):
                locks.enter_context(book_lock(str(book)))
            existing = [path for path in files.new_files() if path.exists()]  # again, under the locks
        if existing:
            raise BookError(f"{existing[0]}: the year {year} exists already; nothing is overwritten "
                            f"(make check JAAR={year} checks its books)")
        books = load_year(str(previous.actual), refused=f"so {year} cannot open with its closing balances")
        if Path(books.budget.filename).resolve() != previous.budget.resolve():
            raise BookError(f"{previous.actual}: its budget guard names {books.budget.filename}, "
                            f"not {previous.budget}")
        report = jaarrekening(books, query_dir)
        if report.year != year - 1:
            raise BookError(f"{previous.budget}: its budget entries are of {report.year}, not of {year - 1}")
        texts = {**budget_texts(books, files), **actual_texts(books, report, files)}
        written: list[Path] = []
        try:
            for path in files.new_files():
                path.parent.mkdir(parents=True, exist_ok=True)
                replace_file(str(path), texts[path])
                written.append(path)
            for book in (files.budget, files.actual):
                _, errors, _ = load_book(str(book))
                if errors:
                    raise BookError(f"{located(errors[0], str(book))}: the new book does not pass bean-check; "
                                    "nothing is kept")
        except BaseException:
            for path in reversed(written):
                path.unlink(missing_ok=True)
            for folder in {path.parent for path in written if path.parent != ledger}:
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m annual.new_year",
                                     description="Start the books of a new year from the year before.")
    parser.add_argument("jaar", type=int, help="the new year, e.g. 2023")
    parser.add_argument("--ledger", default="ledger", type=Path, help="the ledger folder (default: ledger)")
    parser.add_argument("--queries", default=QUERY_DIR, type=Path, help="folder of the .bql files")
    args = parser.parse_args(argv)
    try:
        written = start_year(args.ledger, args.jaar, args.queries)
    except (ReportError, BookLocked) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename}: cannot write ({exc.strerror}); nothing is kept", file=sys.stderr)
        return 1
    print(f"Het jaar {args.jaar} is begonnen:")
    for path in written:
        print(f"  {path}")
    print(f"Vul de begroting in ({YearFiles(args.ledger, args.jaar).budget_entries}), "
          f"controleer met: make check JAAR={args.jaar}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
