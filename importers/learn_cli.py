"""`python -m importers regels -e BOOK [--regels FILE] [--minimaal N] [--schrijf [--wacht S]]`.

Proposes rules for the rules file from the book's own categorisations
(`importers.learn`) and prints them, with their evidence, for review. Only with
`--schrijf` are they appended to the rules file: under the book's lock (the one the
import takes), read book and rules -> learn -> check that the new rules file parses ->
write it whole and atomically (`books.write.replace_file`).
"""

from __future__ import annotations

import argparse
import sys

from books.write import DEFAULT_TIMEOUT, BookLocked, book_lock, replace_file
from importers.book import load_book
from importers.cli import DEFAULT_RULES, PROG
from importers.errors import ImportFileError
from importers.learn import learn
from importers.learn_text import learned_text, shown_path
from importers.rules import load_rules, parse_rules


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} regels",
        description="Propose categorisation rules from the book's own categorisations (printed for review).")
    parser.add_argument("-e", "--existing", required=True, metavar="BOOK",
                        help="the actual book, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--regels", default=DEFAULT_RULES, metavar="FILE",
                        help="the rules file (default: importers/regels.txt)")
    parser.add_argument("--minimaal", type=int, default=1, metavar="N",
                        help="propose only counterparties seen at least N times (default 1)")
    parser.add_argument("--schrijf", action="store_true",
                        help="append the proposals to the rules file (otherwise only print them)")
    parser.add_argument(
        "--wacht",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"with --schrijf: wait at most this long for the book's lock (default {DEFAULT_TIMEOUT:g})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.schrijf:
            with book_lock(args.existing, args.wacht):
                return _run(args)
        return _run(args)
    except ImportFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except BookLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
    return 1


def _run(args) -> int:
    book = load_book(args.existing)
    rules = load_rules(args.regels, book.open_accounts)
    learned = learn(book.entries, book.options, rules, args.minimaal)
    text = learned_text(learned, book.filename)
    count = len(learned.proposals)
    if not args.schrijf:
        sys.stdout.write(text)
        sys.stdout.flush()
        print(
            f"{count} rule(s) proposed, {len(learned.skipped)} counterparty(ies) not proposed, "
            f"{learned.covered} already covered by {shown_path(args.regels)}; nothing written "
            f"(--schrijf appends them)",
            file=sys.stderr,
        )
        return 0
    if count:
        with open(args.regels, encoding="utf-8") as file:
            old = file.read()
        new = old.rstrip("\n") + "\n\n" + text
        parse_rules(args.regels, new, book.open_accounts)  # what the import will read must parse
        try:
            replace_file(args.regels, new)
        except OSError as exc:
            raise ImportFileError(args.regels, None, f"cannot write ({exc.strerror}); nothing was changed") from None
    print(f"{count} rule(s) appended to {shown_path(args.regels)}", file=sys.stderr)
    return 0
