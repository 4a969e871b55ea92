"""Rules learned from the book: the treasurer's own categorisations, proposed as rules.

After a month's import the treasurer books each `!` line from `Passiva:NogTeRubriceren`
onto its budget line. Those decisions are in the book: a transaction with the bank's
`tegenrekening` / `tegenpartij` metadata, flag `*` (reviewed), and one posting on a
budget line (an income or expense account). This module turns them into proposed
lines for `importers/regels.txt`, so the next month's statement needs less hand work.

The rule: a counterparty seen on one budget line, and never on another, becomes a
proposal. The counterparty is its IBAN where the bank gave one (an `iban` rule), else
its name (a `naam` rule). Nothing is proposed

- for a counterparty seen on two or more budget lines (or in a split transaction);
- where an existing rule already decides one of its lines differently from the book
  (the treasurer overruled that rule; a person must look, not a machine);
- where an existing rule already books all its lines on that budget line (nothing to add);
- for a name that would also catch a counterparty booked on another budget line
  (`naam` matches any part of a name).

Every proposal keeps its evidence: how often it was seen and where (file:line), so a
reviewer or an auditor can check each rule against the entries it came from. This is
a plain rule list on purpose: unlike a trained classifier (smart_importer), every
decision the importer makes can be traced to one readable line.
"""

from __future__ import annotations

import collections
import dataclasses
import enum

from beancount.core import data

from importers import ibans
from importers.base import SUSPENSE
from importers.rules import Rule, Rules

COUNTERPARTY_IBAN = "tegenrekening"
COUNTERPARTY_NAME = "tegenpartij"
REMITTANCE_TEXT = "omschrijving"


class RuleKind(enum.Enum):
    """The two kinds of rule learned from the book (the keywords of the rules file)."""

    IBAN = "iban"
    NAME = "naam"


class SkipReason(enum.Enum):
    """Why a counterparty seen in the book gets no proposal."""

    SEVERAL_LINES = "several budget lines"
    EXISTING_RULE_DIFFERS = "an existing rule decides otherwise"
    NAME_TOO_WIDE = "the name also matches another counterparty"
    TOO_FEW = "seen fewer times than asked"
    NOT_A_PATTERN = "the name cannot be written as a rule"


@dataclasses.dataclass(frozen=True)
class Place:
    """Where an entry is in the book."""

    filename: str
    lineno: int


@dataclasses.dataclass(frozen=True)
class BankLine:
    """A categorised bank line of the book: its counterparty and the budget line(s) it is on."""

    iban: str | None
    name: str | None
    text: str | None
    accounts: frozenset[str]
    place: Place


@dataclasses.dataclass(frozen=True)
class Proposal:
    kind: RuleKind
    pattern: str
    account: str
    name: str | None          # the counterparty's name, for the reader of an iban rule
    places: tuple[Place, ...]

    @property
    def count(self) -> int:
        return len(self.places)


@dataclasses.dataclass(frozen=True)
class Skipped:
    kind: RuleKind
    pattern: str
    reason: SkipReason
    detail: str
    places: tuple[Place, ...]


@dataclasses.dataclass
class Learned:
    proposals: list[Proposal]
    skipped: list[Skipped]
    covered: int              # counterparties the existing rules already book as the book does


def budget_roots(options: dict) -> tuple[str, ...]:
    """The roots of the budget lines: the book's income and expense roots."""
    return (options["name_income"] + ":", options["name_expenses"] + ":")


def bank_lines(entries: data.Entries, options: dict) -> list[BankLine]:
    """The book's reviewed bank lines: transactions flagged `*` with a counterparty, on a budget line."""
    roots = budget_roots(options)
    lines = []
    for entry in entries:
        if not isinstance(entry, data.Transaction) or entry.flag == "!":
            continue
        meta = entry.meta or {}
        iban = ibans.normalise(str(meta[COUNTERPARTY_IBAN])) if COUNTERPARTY_IBAN in meta else None
        name = " ".join(str(meta[COUNTERPARTY_NAME]).split()) if COUNTERPARTY_NAME in meta else None
        if not (iban or name):
            continue
        accounts = frozenset(p.account for p in entry.postings if p.account.startswith(roots))
        if not accounts or any(p.account == SUSPENSE for p in entry.postings):
            continue
        text = str(meta[REMITTANCE_TEXT]) if REMITTANCE_TEXT in meta else None
        lines.append(BankLine(iban if ibans.is_iban(iban) else None, name or None, text, accounts,
                              Place(str(meta.get("filename", "?")), int(meta.get("lineno", 0)))))
    return lines


def _key(line: BankLine) -> tuple[RuleKind, str] | None:
    if line.iban:
        return RuleKind.IBAN, line.iban
    if line.name:
        return RuleKind.NAME, line.name.casefold()
    return None


def _writable_name(name: str) -> bool:
    """A name the rules file can hold as a `naam` pattern and read back as itself."""
    return "->" not in name and '"' not in name and not name.startswith("#") and len(name) >= 2


def _describe(rule: Rule) -> str:
    return f"regel {rule.lineno} ({rule.kind} {rule.pattern} -> {rule.account})"


def learn(entries: data.Entries, options: dict, existing: Rules, minimum: int = 1) -> Learned:
    """Propose a rule for every counterparty the book books on one budget line only."""
    lines = bank_lines(entries, options)
    groups: dict[tuple[RuleKind, str], list[BankLine]] = collections.defaultdict(list)
    for line in lines:
        key = _key(line)
        if key:
            groups[key].append(line)

    proposals, skipped, covered = [], [], 0
    for (kind, _), group in groups.items():
        places = tuple(line.place for line in group)
        names = collections.Counter(line.name for line in group if line.name)
        name = names.most_common(1)[0][0] if names else None
        pattern = group[0].iban if kind is RuleKind.IBAN else name
        assert pattern is not None
        accounts = collections.Counter(account for line in group for account in line.accounts)

        def skip(reason: SkipReason, detail: str, kind=kind, pattern=pattern, places=places) -> None:
            skipped.append(Skipped(kind, pattern, reason, detail, places))

        if len(accounts) > 1 or any(len(line.accounts) > 1 for line in group):
            skip(SkipReason.SEVERAL_LINES,
                 "staat op meer dan één begrotingsregel: "
                 + ", ".join(f"{account} ({count}×)" for account, count in sorted(accounts.items())))
            continue
        account = next(iter(accounts))
        decided = [(line, existing.first_match(line.iban, line.name, line.text)) for line in group]
        differing = [rule for _, rule in decided if rule and rule.account != account]
        if differing:
            skip(SkipReason.EXISTING_RULE_DIFFERS,
                 f"het boek zegt {account}, maar de bestaande {_describe(differing[0])} boekt anders")
            continue
        if all(rule for _, rule in decided):
            covered += 1
            continue
        if kind is RuleKind.NAME:
            if not _writable_name(pattern):
                skip(SkipReason.NOT_A_PATTERN, "deze naam past niet in de vorm van een regel")
                continue
            wider = [other for other in lines if other.name and pattern.casefold() in other.name.casefold()
                     and other.accounts != {account}]
            if wider:
                skip(SkipReason.NAME_TOO_WIDE,
                     f"de naam past ook op {wider[0].name} ({', '.join(sorted(wider[0].accounts))})")
                continue
        if len(group) < minimum:
            skip(SkipReason.TOO_FEW, f"{len(group)}× gezien, minder dan {minimum}")
            continue
        proposals.append(Proposal(kind, pattern, account, name, places))

    proposals.sort(key=lambda p: (p.account, p.kind is not RuleKind.IBAN, (p.name or p.pattern).casefold()))
    skipped.sort(key=lambda s: (s.reason.value, s.pattern.casefold()))
    return Learned(proposals, skipped, covered)
