"""What all bank importers share: checks, import ids, categorisation, dedup.

Each format module reads a file into `importers.statement.Statement`s; the
`BankImporter` base class here checks them and turns them into Beancount
directives.

Metadata on every extracted transaction (decided once, for all formats):

    import-id         the bank's own reference for the entry, prefixed with our IBAN
                      ("NL14SNSB0012345678:20260125-137113"); where the bank gives no
                      reference, a hash of IBAN, date, amount, balance after (where the
                      file gives it) and text, plus an occurrence index for identical
                      lines ("NL14SNSB0012345678:3fa95b0c27d1/0"). Where the bank
                      repeats one reference for several lines of a statement, each
                      gets its position among them ("...:REF/1", "...:REF/2").
                      Balance assertions carry one too ("NL14...:saldo:2026-04-06:661.69").
    tegenrekening     the counterparty's IBAN (or old account number)
    tegenpartij       the counterparty's name (also the payee)
    omschrijving      the remittance text (also the narration)
    kenmerk           the payer's end-to-end reference (EndToEndId, /EREF/), if any
    betalingskenmerk  a structured payment reference, if any
    storno            TRUE on a reversal
    oorspronkelijk-bedrag  the instructed amount in a foreign currency, if any

Checks (each a one-line error naming file and place): the account is one of the
book's `iban:` accounts; every amount is in that account's currency; the opening
balance plus the entries gives the closing balance.

Duplicates are recognised by import id only (never by beangulp's similarity
heuristic): against the book given with -e, against the files read earlier in the
same run, and within one file.
"""

import collections
import datetime
import hashlib
import os
import re

import beangulp
from beancount.core import data
from beancount.core.amount import Amount
from beangulp.extract import DUPLICATE

from importers.book import IMPORT_ID, Book, OwnAccount
from importers.errors import ImportFileError
from importers.rules import Rules
from importers.statement import Statement

SUSPENSE = "Passiva:NogTeRubriceren"
_LINE = re.compile(r"line (\d+)")
ONE_DAY = datetime.timedelta(days=1)


class BankImporter(beangulp.Importer):
    """Base class: subclasses implement `sniff` (cheap, never raises) and `parse`."""

    #: A short name of the format, for messages.
    format_name = "bank file"

    def __init__(self, book: Book, rules: Rules, suspense: str = SUSPENSE):
        self.book = book
        self.rules = rules
        self.suspense = suspense
        self._statements: dict[str, list[tuple[Statement, OwnAccount]]] = {}
        #: import id -> (file, place), to name the source of a later problem.
        self.origins: dict[str, tuple[str, str]] = {}

    # -- to implement -------------------------------------------------------------

    def sniff(self, filepath: str) -> bool:
        raise NotImplementedError

    def parse(self, filepath: str) -> list[Statement]:
        raise NotImplementedError

    # -- beangulp's Importer interface --------------------------------------------

    def identify(self, filepath: str) -> bool:
        # A sniff looks at the first bytes only and answers no to whatever it cannot
        # read (binary data, bare CR line ends, ...): an unknown file is never an error here.
        try:
            return bool(self.sniff(filepath))
        except Exception:  # noqa: BLE001 (any failure to recognise the file means: not ours)
            return False

    def account(self, filepath: str) -> str:
        return self.statements(filepath)[0][1].account

    def date(self, filepath: str) -> datetime.date | None:
        dates = [
            d for st, _ in self.statements(filepath) for d in [st.closing_date] + [e.date for e in st.entries] if d
        ]
        return max(dates) if dates else None

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        entries: data.Entries = []
        occurrences: collections.Counter[str] = collections.Counter()
        for statement, own in self.statements(filepath):
            repeated = _repeated_refs(statement)
            positions: collections.Counter = collections.Counter()
            for entry in statement.entries:
                import_id = self._import_id(own, entry, occurrences)
                if entry.bank_ref in repeated:
                    # The bank used one reference for several lines of this statement (some
                    # banks give every detail of a batch the batch's AcctSvcrRef): the
                    # reference plus the line's position among them keeps each line apart.
                    positions[entry.bank_ref] += 1
                    import_id = f"{import_id}/{positions[entry.bank_ref]}"
                self.origins[import_id] = (filepath, entry.place)
                entries.append(self._transaction(filepath, own, entry, import_id))
            if statement.closing is not None:
                last = max((e.date for e in statement.entries), default=statement.closing_date)
                if last is None:
                    raise ImportFileError(filepath, statement.place, "the statement has no entries and no closing date")
                date: datetime.date = last + ONE_DAY
                import_id = f"{own.iban}:saldo:{date.isoformat()}:{statement.closing}"
                self.origins[import_id] = (filepath, statement.place)
                meta = data.new_metadata(filepath, 0, {IMPORT_ID: import_id})
                closing = Amount(statement.closing, own.currency)
                entries.append(data.Balance(meta, date, own.account, closing, None, None))
        return entries

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        """Mark entries whose import id is already in the book, this run or this file."""
        seen: set = set()
        for entry in existing:
            seen.update(duplicate_keys(entry))
        for entry in entries:
            keys = duplicate_keys(entry)
            if any(key in seen for key in keys):
                entry.meta[DUPLICATE] = True
            seen.update(keys)

    # -- checks -------------------------------------------------------------------

    def statements(self, filepath: str) -> list[tuple[Statement, OwnAccount]]:
        """The file's statements with their own accounts, parsed once and checked."""
        key = os.path.abspath(filepath)
        if key not in self._statements:
            statements = self.parse(filepath)
            if not statements:
                raise ImportFileError(filepath, None, f"the {self.format_name} holds no statement")
            self._statements[key] = [(st, self._check(filepath, st)) for st in statements]
        return self._statements[key]

    def forget(self, filepath: str) -> None:
        """Drop the file's parsed statements (an import keeps only the entries made of them)."""
        self._statements.pop(os.path.abspath(filepath), None)

    def _check(self, filepath: str, statement: Statement) -> OwnAccount:
        own = self.book.lookup(statement.account_id, filepath, statement.place)
        if statement.currency != own.currency:
            raise ImportFileError(
                filepath, statement.place,
                f"the statement is in {statement.currency}, but {own.account} ({own.iban}) is kept in {own.currency}")
        for entry in statement.entries:
            if entry.currency != own.currency:
                raise ImportFileError(
                    filepath, entry.place,
                    f"amount {entry.amount} {entry.currency} is not in the account's currency {own.currency}")
            if entry.date < own.opened:
                raise ImportFileError(
                    filepath, entry.place,
                    f"entry of {entry.date} is before {own.account} was opened in the book ({own.opened})")
        if statement.opening is not None and statement.closing is not None:
            total = statement.opening + sum(e.amount for e in statement.entries)
            if total != statement.closing:
                raise ImportFileError(
                    filepath, statement.place,
                    f"the entries do not add up: opening balance {statement.opening} + entries "
                    f"{total - statement.opening} = {total}, but the closing balance is {statement.closing} "
                    f"({len(statement.entries)} entries)")
        return own

    # -- directives ---------------------------------------------------------------

    @staticmethod
    def _import_id(own: OwnAccount, entry, occurrences: collections.Counter[str]) -> str:
        if entry.bank_ref:
            return f"{own.iban}:{entry.bank_ref}"
        key = "|".join([
            own.iban, entry.date.isoformat(), f"{entry.amount:.2f}",
            "" if entry.balance_after is None else f"{entry.balance_after:.2f}",
            entry.counterparty_iban or "", entry.counterparty_name or "", entry.text,
        ])
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
        index = occurrences[digest]
        occurrences[digest] += 1
        return f"{own.iban}:{digest}/{index}"

    def _transaction(self, filepath: str, own: OwnAccount, entry, import_id: str) -> data.Transaction:
        place = entry.place
        match = _LINE.match(place) if place.startswith("line ") else None
        meta = {"filename": filepath, "lineno": int(match.group(1)) if match else 0, IMPORT_ID: import_id}
        if entry.counterparty_iban:
            meta["tegenrekening"] = entry.counterparty_iban
        if entry.counterparty_name:
            meta["tegenpartij"] = entry.counterparty_name
        if entry.text:
            meta["omschrijving"] = entry.text
        if entry.end_to_end:
            meta["kenmerk"] = entry.end_to_end
        if entry.structured_ref:
            meta["betalingskenmerk"] = entry.structured_ref
        if entry.reversal:
            meta["storno"] = True
        if entry.original:
            meta["oorspronkelijk-bedrag"] = entry.original
        target = self.rules.account_for(entry.counterparty_iban, entry.counterparty_name, entry.text)
        flag = "*" if target else "!"
        postings = [
            data.Posting(own.account, Amount(entry.amount, own.currency), None, None, None, None),
            data.Posting(target or self.suspense, None, None, None, None, None),
        ]
        return data.Transaction(meta, entry.date, flag, entry.counterparty_name, entry.text,
                                data.EMPTY_SET, data.EMPTY_SET, postings)


def duplicate_keys(entry) -> list:
    """What makes an entry already known: its import id; for a balance assertion also
    (account, date, amount), so a balance typed by hand is not asserted twice."""
    keys: list = []
    import_id = entry.meta.get(IMPORT_ID) if entry.meta else None
    if import_id:
        keys.append(import_id)
    if isinstance(entry, data.Balance):
        keys.append(("balance", entry.account, entry.date, entry.amount))
    return keys


def _repeated_refs(statement: Statement) -> set[str]:
    counts = collections.Counter(entry.bank_ref for entry in statement.entries if entry.bank_ref)
    return {ref for ref, count in counts.items() if count > 1}


def clean(text: str | None) -> str:
    """Whitespace collapsed to single spaces; '' for None."""
    return " ".join((text or "").split())
