"""`python -m report.income_watch`: income that needs the treasurer's attention.

    python -m report.income_watch ledger/boekhouding-2022.beancount                  # as of today
    python -m report.income_watch ledger/boekhouding-2022.beancount --datum 2022-06-30

Reads the actual book and the budget book that its `plugins.budget_guard` line names,
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

from plugins.budget_guard import OverrunError, UnbudgetedError, configured_budget
from plugins.budget_model import QUARTERS, ZERO, actuals_by_quarter, load_budget, quarter_end
from report.dutch_format import format_euro
from report.errors import ReportError
from report.ledger import load_ledger_with_errors

GUARD = "plugins.budget_guard"
# The guard's findings: the book is sound, it just does not follow the budget.
FINDINGS = (OverrunError, UnbudgetedError)


def income_watch(filename: str, as_of: datetime.date) -> str:
    """The report's text for the actual book filename, as of a date."""
    entries, errors, options = load_ledger_with_errors(filename)
    findings = [error for error in errors if isinstance(error, FINDINGS)]
    others = [error for error in errors if not isinstance(error, FINDINGS)]
    if others:
        first = printer.format_error(others[0]).strip()
        raise ReportError(f"{filename}: the ledger has errors: {first}"
                          + (f" (and {len(others) - 1} more; run bean-check {filename})" if len(others) > 1 else ""))
    budget_path = configured_budget(options)
    if budget_path is None:
        raise ReportError(f"{filename}: no plugin \"{GUARD}\" line names the budget book of this ledger")
    lines, year, _ = load_budget(budget_path)  # already checked by the guard while loading
    income_root = options["name_income"]
    actuals = actuals_by_quarter((e for e in entries if e.date <= as_of), year, income_root, options["name_expenses"])

    uncommitted_rows = []
    missing_rows = []
    for line in lines.values():
        if not line.income:
            continue
        received = sum((actuals.get(line.account, {}).get(q, ZERO) for q in QUARTERS), ZERO)
        uncommitted = sum((line.quarters[q] for q, ok in line.committed_by_quarter.items() if not ok), ZERO)
        if uncommitted and received > 0:
            uncommitted_rows.append([line.label, format_euro(uncommitted), format_euro(received)])
        ended = [q for q, ok in line.committed_by_quarter.items() if ok and quarter_end(year, q) < as_of]
        expected = sum((line.quarters[q] for q in ended), ZERO)
        if expected > received:
            missing_rows.append([line.label, f"Q{max(ended)}", format_euro(expected), format_euro(received),
                                 format_euro(expected - received)])

    title = options.get("title") or path.basename(filename)
    out = [f"Inkomsten om op te letten — {title} — stand per {as_of.isoformat()}",
           f"Begroting: {_shown(budget_path)}", ""]
    out += ["Niet-toegezegde inkomsten die toch binnenkwamen",
            *_table(["Regel", "Begroot (niet toegezegd)", "Ontvangen"], uncommitted_rows), ""]
    out += ["Toegezegde inkomsten die nog ontbreken (kwartaal voorbij)",
            *_table(["Regel", "Verwacht t/m", "Verwacht", "Ontvangen", "Ontbreekt"], missing_rows)]
    if findings:
        out += ["", f"Let op: bean-check meldt {len(findings)} bevinding(en) van de begrotingsbewaking "
                    f"(overschrijdingen of boekingen zonder begrotingsregel): bean-check {filename}"]
    return "\n".join(out) + "\n"


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
                                                 "committed income missing.")
    parser.add_argument("ledger", help="the actual book, e.g. ledger/boekhouding-2022.beancount")
    parser.add_argument("--datum", type=_date, default=None, help="as of this date (YYYY-MM-DD); default today")
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(income_watch(args.ledger, args.datum or datetime.date.today()))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
