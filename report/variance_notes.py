"""What the variance report cannot show in figures, said in Dutch: the as-of date, quarters still
running or incomplete, lines without bookings, unreviewed entries, income still owed.

The page (fava_begroting) and `python -m report.variance` show the same notes.
"""

from __future__ import annotations

from decimal import Decimal

from report.budget_table import RowKind
from report.dutch_format import dutch_date, format_euro
from report.variance_model import QuarterStatus, VarianceReport


def notes_of(report: VarianceReport, outside: int, foreign: list | None = None) -> list[str]:
    """The notes of a report; outside: postings on income and expense accounts outside its year;
    foreign: (entry, posting) on those accounts in another currency than the budget's."""
    notes = []
    rows, quarters = report.rows, report.quarters
    if report.as_of is None:
        notes.append("De boekhouding bevat nog geen boekingen: er is nog geen realisatie. "
                     "De prognose is de begroting.")
    else:
        waiting = [q.label for q in quarters if q.status == QuarterStatus.NOT_STARTED]
        running = [q.label for q in quarters if q.status == QuarterStatus.RUNNING]
        text = f"Peildatum {dutch_date(report.as_of)} (de laatste boeking)."
        if running:
            text += f" {running[0]} loopt nog: de realisatie is tot nu toe."
        if waiting:
            verb = "is" if len(waiting) == 1 else "zijn"
            text += f" {and_list(waiting)} {verb} nog niet begonnen: nog geen realisatie."
        notes.append(text)
        silent = [row.label for row in rows
                  if row.kind == RowKind.LINE and row.budgeted and row.year and row.year.actual is None]
        if silent:
            notes.append(f"Nog geen boekingen op {len(silent)} begrotingsregel(s): {', '.join(silent)}.")
    notes.extend(unreviewed_notes(report))
    extra = [row.label for row in rows if row.kind == RowKind.LINE and not row.budgeted]
    if extra:
        notes.append(f"Geboekt op rekeningen zonder begroting: {', '.join(extra)}.")
    if foreign:
        entry, posting = foreign[0]
        where = f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}"
        notes.append(f"{len(foreign)} boeking(en) op begrotingsregels in een andere valuta dan de begroting tellen "
                     f"niet mee, bijvoorbeeld {posting.units} op {posting.account} ({where}); bean-check meldt ze.")
    if outside:
        notes.append(f"{outside} boeking(en) op inkomsten of uitgaven vallen buiten {report.year} en tellen niet mee.")
    return notes


def unreviewed_text(count: int, amount: Decimal, account: str) -> str:
    """'3 boeking(en) nog niet gecontroleerd (vlag ! of op Passiva:NogTeRubriceren), per saldo € (3.214,45)'."""
    return (f"{count} boeking(en) nog niet gecontroleerd (vlag ! of op {account}), "
            f"per saldo € {format_euro(amount, 2)}")


def unreviewed_notes(report: VarianceReport) -> list[str]:
    """The unreviewed entries and what they mean for the quarters and the prognose."""
    waiting = report.unreviewed
    if waiting is None or not waiting.count:
        return []
    incomplete = [q.label for q in report.quarters if q.status == QuarterStatus.INCOMPLETE]
    text = unreviewed_text(waiting.count, waiting.amount, waiting.account)
    text += ": ze staan nog niet op hun begrotingsregel."
    if incomplete:
        text += (f" Daarom {'is' if len(incomplete) == 1 else 'zijn'} {and_list(incomplete)} niet afgesloten "
                 "(onvolledig): waar op een regel nog niets geboekt is, rekent de prognose met de begroting.")
    return [text + " De prognose is onvolledig tot ze gecontroleerd zijn."]


def and_list(items: list[str]) -> str:
    """'Q3', 'Q3 en Q4', 'Q2, Q3 en Q4'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]
