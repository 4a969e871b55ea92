"""The sections of the auditors' pack, as plain data, from the actual book.

Every section comes from a query file in queries/ (the same text the auditors run with
bean-query and on Fava's Query page) or from the model that bean-check's plugins use:

    bankafstemming       queries/bankafstemming.bql: each bank account's last statement
                         balance beside its booked balance
    te-beoordelen        queries/te-beoordelen.bql: entries still flagged "!" or on
                         Passiva:NogTeRubriceren
    zonder-document      queries/zonder-document.bql: expenses above the threshold without
                         a document (document: metadata, or a Fava document with the same ^link)
    overschrijdingen     plugins.budget_model.judge, the verdict plugins.budget_guard reports
                         (same tolerance and rule), with the board's approvals
    bestemmingsfondsen   plugins.funds: each fund's opening balance, income, spending, remainder
    afgesloten-perioden  plugins.closed_periods: each closed period and whether it changed
    fouten               the book's bean-check errors
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from beancount.core import data

from plugins.budget_book import guard_setting, load_budget_book
from plugins.budget_model import Verdict as BudgetVerdict
from plugins.budget_model import ZERO, actuals_by_quarter, judge, read_approvals
from plugins.closed_periods import fingerprint, read_closings
from plugins.funds import actual_funds, planned_funds, read_funds
from report.queries import run_query

DEFAULT_THRESHOLD = Decimal(500)

Value = str | int | Decimal | datetime.date | None


class Verdict(Enum):
    """An auditor's verdict on a row."""

    OK = "in orde"
    CHECK = "nakijken"


@dataclass
class Section:
    """One part of the pack: a titled table, the query or model it comes from, and notes."""

    name: str
    title: str
    source: str
    columns: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    informational: bool = False  # figures to read, not findings

    @property
    def findings(self) -> int:
        """How many rows need the auditors' attention."""
        if self.informational:
            return 0
        if "oordeel" not in self.columns:
            return len(self.rows)
        index = self.columns.index("oordeel")
        return sum(1 for row in self.rows if row[index] == Verdict.CHECK.value)


def bank_reconciliation(entries: list, options: dict) -> Section:
    """Every bank account: its last statement balance beside the booked balance that day."""
    section = Section("bankafstemming", "Bankafstemming: laatste afschriftsaldo per bankrekening",
                      "queries/bankafstemming.bql",
                      ["rekening", "datum", "afschriftsaldo", "geboekt", "verschil", "boekingen na afschrift",
                       "saldo nu", "oordeel"])
    banks = sorted(entry.account for entry in entries if isinstance(entry, data.Open)
                   and ({"iban", "rekeningnummer"} & set(entry.meta or {})))
    last: dict[str, dict] = {}
    for found in run_query(entries, options, "bankafstemming"):
        last[found["rekening"]] = found  # ordered by date: the last one stays
    for account in banks:
        postings = [(entry.date, posting.units.number) for entry in entries if isinstance(entry, data.Transaction)
                    for posting in entry.postings if posting.account == account and posting.units is not None
                    and isinstance(posting.units.number, Decimal)]
        now = sum((number for _, number in postings), ZERO)
        row = last.get(account)
        if row is None:
            section.rows.append([account, None, None, None, None, len(postings), now, Verdict.CHECK.value])
            continue
        statement = row["afschriftsaldo"].number
        difference = row["verschil"].number if row["verschil"] is not None else ZERO
        after = sum(1 for date, _ in postings if date >= row["datum"])
        section.rows.append([account, row["datum"], statement, statement + difference, difference, after, now,
                             Verdict.OK.value if difference == 0 else Verdict.CHECK.value])
    if not banks:
        section.notes.append("Het boek heeft geen bankrekening met iban: of rekeningnummer: op de open-regel.")
    section.notes.append("Geboekt = het saldo in het boek aan het begin van de afschriftdatum (zoals bean-check "
                         "een balance-regel toetst); een rekening zonder afschriftsaldo is niet afgestemd.")
    return section


def to_review(entries: list, options: dict) -> Section:
    """Entries still flagged "!" or on Passiva:NogTeRubriceren."""
    rows = run_query(entries, options, "te-beoordelen")
    columns = ["datum", "vlag", "tegenpartij", "omschrijving", "bedrag", "bestand", "regel"]
    return Section("te-beoordelen", "Nog te beoordelen: vlag ! of op Passiva:NogTeRubriceren",
                   "queries/te-beoordelen.bql", columns, [[row[c] for c in columns] for row in rows])


def undocumented(entries: list, options: dict, threshold: Decimal = DEFAULT_THRESHOLD) -> Section:
    """Expenses above the threshold without a document."""
    documented_links = {link for entry in entries if isinstance(entry, data.Document) for link in entry.links or ()}
    columns = ["datum", "rekening", "bedrag", "tegenpartij", "omschrijving", "bestand", "regel"]
    section = Section("zonder-document", f"Uitgaven boven {threshold} EUR zonder document",
                      "queries/zonder-document.bql", columns)
    for row in run_query(entries, options, "zonder-document"):
        if row["valuta"] != "EUR" or row["bedrag"] <= threshold or set(row["links"] or ()) & documented_links:
            continue
        section.rows.append([row[c] for c in columns])
    section.notes.append("Een bewijsstuk is document: \"…\" op de boeking of een document-regel met dezelfde ^link.")
    return section


def overruns(entries: list, options: dict) -> Section:
    """Expense lines over budget, with the board's approvals, as the budget guard finds them."""
    columns = ["regel", "rekening", "kwartaal", "begroting", "realisatie", "overschrijding", "goedgekeurd",
               "besluiten", "oordeel"]
    section = Section("overschrijdingen", "Overschrijdingen van de begroting en hun goedkeuring",
                      "plugins.budget_model.judge (zoals plugins.budget_guard)", columns)
    setting, _ = guard_setting(options)
    if setting is None:
        section.notes.append("Het boek noemt geen begroting (plugin plugins.budget_guard).")
        return section
    book = load_budget_book(setting.path)
    approvals, _ = read_approvals(entries, options.get("name_expenses", "Uitgaven"))
    actuals = actuals_by_quarter(entries, book.year)
    judgements = judge(book.lines, actuals, approvals, setting.policy)
    for key in sorted(judgements, key=lambda key: (book.lines[key[0]].order, key[1])):
        judgement = judgements[key]
        overrun = judgement.overrun
        if overrun is None or judgement.verdict is BudgetVerdict.INFO:
            continue
        section.rows.append([overrun.label, overrun.account, f"Q{overrun.quarter}", overrun.budget, overrun.actual,
                             overrun.overrun, overrun.approved,
                             "; ".join(a.decision for a in overrun.approvals),
                             Verdict.OK.value if judgement.verdict is BudgetVerdict.APPROVED else Verdict.CHECK.value])
    rule = "het jaar tot en met het kwartaal" if setting.policy.cumulative else "elk kwartaal apart"
    section.notes.append(f"Zoals bean-check oordeelt: {rule}, met de tolerantie van de plugin. Goedgekeurd volgens "
                         "custom \"overschrijding-goedgekeurd\" of bestuursbesluit: op de boeking.")
    return section


def funds(entries: list, options: dict) -> Section:
    """Each earmarked fund over the year."""
    columns = ["fonds", "rekening", "begroot restant", "beginsaldo", "inkomsten", "bestedingen", "restant"]
    section = Section("bestemmingsfondsen", "Bestemmingsfondsen", "plugins.funds (queries/bestemmingsfondsen.bql)",
                      columns, informational=True)
    declared, _ = read_funds(entries, options)
    years = sorted({entry.date.year for entry in entries if isinstance(entry, data.Transaction)})
    setting, _ = guard_setting(options)
    book = load_budget_book(setting.path) if setting else None
    lines, year = (book.lines, book.year) if book else ({}, years[-1] if years else 0)
    planned = planned_funds(declared, lines)
    for name, figure in actual_funds(declared, entries, year, options).items():
        section.rows.append([figure.fund.label, name, planned[name].remainder if lines else None, figure.opening,
                             figure.income, figure.spending, figure.remainder])
    section.notes.append("Wat een fonds dit jaar overhoudt (inkomsten - bestedingen) gaat op 31 december naar het "
                         "fonds (plugins/funds.py: year_end_transfers).")
    return section


def closed_periods(entries: list, options: dict) -> Section:
    """Each closed period: who approved it and whether its entries are unchanged."""
    columns = ["afgesloten t/m", "goedgekeurd door", "boekingen toen", "boekingen nu", "bestand", "regel", "oordeel"]
    section = Section("afgesloten-perioden", "Afgesloten perioden: wijzigingen na afsluiting",
                      "plugins.closed_periods (zoals plugins.closed_period_guard)", columns)
    closings, _ = read_closings(entries)
    for closing in closings:
        now = fingerprint(entries, options, closing.date)
        changed = now.digest != closing.fingerprint
        section.rows.append([closing.date, closing.approved_by, closing.count, now.count,
                             closing.meta.get("filename"), closing.meta.get("lineno"),
                             Verdict.CHECK.value if changed else Verdict.OK.value])
    if not closings:
        section.notes.append("Er is nog geen periode afgesloten (make afsluiten DATUM=…).")
    return section


def book_errors(errors: Sequence) -> Section:
    """The book's bean-check errors, located."""
    section = Section("fouten", "Fouten volgens bean-check", "bean-check", ["bestand", "regel", "melding"])
    for error in errors:
        source = error.source or {}
        section.rows.append([source.get("filename"), source.get("lineno"), error.message.splitlines()[0]])
    return section


def build_pack(entries: list, errors: Sequence, options: dict, threshold: Decimal = DEFAULT_THRESHOLD) -> list[Section]:
    """Every section of the pack, in the order the auditors read them."""
    return [
        bank_reconciliation(entries, options),
        to_review(entries, options),
        undocumented(entries, options, threshold),
        overruns(entries, options),
        funds(entries, options),
        closed_periods(entries, options),
        book_errors(errors),
    ]
