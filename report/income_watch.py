"""`python -m report.income_watch`: income that needs the treasurer's attention.

    python -m report.income_watch ledger/boekhouding-2022.beancount                  # as of today
    python -m report.income_watch ledger/boekhouding-2022.beancount --datum 2022-06-30

Reads the actual book and the budget book that its `plugins.budget_guard` line names
(plugins.budget_book finds and loads it, as for bean-check and the page),
and lists, in Dutch:
- uncommitted income (#niet-toegezegd in the budget) that has come in anyway;
- committed income (#toegezegd) still missing once its quarter has ended: the
  committed budget of the quarters ended by the date, less what came in up to the date.

Not errors of the book, so not bean-check's work: a query file cannot do it either,
since the actual book does not include the budget. The report runs on a book whose
only errors are the guard's findings (overruns, accounts without a budget line).
"""

import argparse
import datetime
import sys
from os import path

from beancount.parser import printer

from plugins.budget_book import GUARD, guard_setting, load_budget_book
from plugins.budget_model import QUARTERS, ZERO, actuals_by_quarter, overdue_income, quarter_end
from plugins.errors import FINDINGS, first_and_more
from report.dutch_format import format_euro
from report.errors import ReportError
from report.ledger import load_ledger_with_errors, write_output

UNCOMMITTED_HEADINGS = ["Regel", "Begroot (niet toegezegd)", "Ontvangen"]
MISSING_HEADINGS = ["Regel", "Verwacht t/m", "Verwacht", "Ontvangen", "Ontbreekt"]


def watch_rows(filename: str, as_of: datetime.date) -> tuple[list[list[str]], list[list[str]], list, str, dict]:
    """(uncommitted income received, committed income missing, the guard's findings, budget path, options)."""
    entries, errors, options = load_ledger_with_errors(filename)
    findings = [error for error in errors if isinstance(error, FINDINGS)]
    others = [error for error in errors if not isinstance(error, FINDINGS)]
    if others:
        raise ReportError(f"{filename}: the ledger has errors: "
                          f"{first_and_more(others, lambda e: printer.format_error(e).strip())}"
                          + (f" (run bean-check {filename})" if len(others) > 1 else ""))
    setting, _ = guard_setting(options)  # a bad guard line is one of the errors above
    if setting is None:
        raise ReportError(f"{filename}: no plugin \"{GUARD}\" line names the budget book of this ledger")
    book = load_budget_book(setting.path)  # already checked by the guard while loading
    lines, year = book.lines, book.year
    actuals = actuals_by_quarter((e for e in entries if e.date <= as_of), year, options["name_income"],
                                 options["name_expenses"])

    uncommitted_rows = []
    for line in lines.values():
        if not line.income:
            continue
        received = sum((actuals.get(line.account, {}).get(q, ZERO) for q in QUARTERS), ZERO)
        uncommitted = sum((line.quarters[q] for q, ok in line.committed_by_quarter.items() if not ok), ZERO)
        if uncommitted and received > 0:
            uncommitted_rows.append([line.label, format_euro(uncommitted), format_euro(received)])
    ended = [q for q in QUARTERS if quarter_end(year, q) < as_of]
    missing_rows = [[o.label, f"Q{o.last_quarter}", format_euro(o.committed_expected), format_euro(o.received),
                     format_euro(o.committed_missing)]
                    for o in overdue_income(lines, actuals, ended) if o.committed_missing > 0]
    return uncommitted_rows, missing_rows, findings, setting.path, options


def income_watch(filename: str, as_of: datetime.date) -> str:
    """The report's text for the actual book filename, as of a date."""
    uncommitted_rows, missing_rows, findings, budget_path, options = watch_rows(filename, as_of)
    title = options.get("title") or path.basename(filename)
    out = [f"Inkomsten om op te letten — {title} — stand per {as_of.isoformat()}",
           f"Begroting: {_shown(budget_path)}", ""]
    out += ["Niet-toegezegde inkomsten die toch binnenkwamen", *_table(UNCOMMITTED_HEADINGS, uncommitted_rows), ""]
    out += ["Toegezegde inkomsten die nog ontbreken (kwartaal voorbij)", *_table(MISSING_HEADINGS, missing_rows)]
    if findings:
        out += ["", (f"Let op: bean-check meldt {len(findings)} bevinding(en) van de begrotingsbewaking "
                     f"(overschrijdingen of boekingen zonder begrotingsregel): bean-check {filename}")]
    return "\n".join(out) + "\n"


def income_watch_csv(filename: str, as_of: datetime.date) -> str:
    """The same two tables as CSV (';'), one row per line, the table named in the first column."""
    import csv
    import io

    uncommitted_rows, missing_rows, _, _, _ = watch_rows(filename, as_of)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["tabel", *MISSING_HEADINGS])
    for row in uncommitted_rows:
        writer.writerow(["niet-toegezegd ontvangen", row[0], "", row[1], row[2], ""])
    for row in missing_rows:
        writer.writerow(["toegezegd ontbreekt", *row])
    return out.getvalue()


def _shown(filename: str) -> str:
    """A file name relative to the working directory when it lies below it, else absolute."""
    relative = path.relpath(filename)
    return filename if relative.startswith("..") else relative


def _table(headings: list[str], rows: list[list[str]]) -> list[str]:
    """Aligned rows under headings (text left, amounts right); '(geen)' when there are none."""
    if not rows:
        return ["  (geen)"]
    cells = [headings, *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    lines = []
    for row in cells:
        first = row[0].ljust(widths[0])
        rest = "  ".join(value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True))
        lines.append(f"  {first}  {rest}".rstrip())
    return lines


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report.income_watch",
                                     description="Income that needs attention: uncommitted income received, "
                                                 "committed income missing. The budget book is the one the "
                                                 "actual book names in its plugin \"plugins.budget_guard\" line.")
    parser.add_argument("ledger", help="the actual book, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--datum", type=_date, default=None, help="as of this date (YYYY-MM-DD); default today")
    parser.add_argument("--csv", metavar="FILE", help="write the tables as CSV to FILE ('-' for standard output)")
    args = parser.parse_args(argv)
    try:
        as_of = args.datum or datetime.date.today()
        if args.csv:
            write_output(args.csv, income_watch_csv(args.ledger, as_of))
        else:
            sys.stdout.write(income_watch(args.ledger, as_of))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
