"""ISO 20022 camt.053 bank statements (camt.053.001.02 up to .001.08), as Dutch banks export them.

Read as a stream (lxml's `iterparse`): each entry (`Ntry`) is read and then dropped
from the tree, so the memory a file takes does not grow with its size beyond the
entries read from it. Entities are never expanded, nothing is fetched from the
network, and a document type declaration is refused (a camt.053 file has none).
One file may hold several statements (`Stmt`), for several accounts and days.

- Only booked entries (`Sts` BOOK) count; pending ones are left for a later statement.
- A batch (`Btch` with several `TxDtls`) becomes one transaction per detail, whose
  amounts must add up to the entry's amount; a batch without details stays one
  transaction for the entry's total.
- A reversal (`RvslInd` true) keeps the sign of its `CdtDbtInd` and is marked `storno`.
- The counterparty is the debtor on a credit and the creditor on a debit; where that
  party is our own account (Dutch files often carry both) the other party is taken.
- Text: all `RmtInf/Ustrd` joined, else `AddtlTxInf`, else `AddtlNtryInf`;
  `RmtInf/Strd/CdtrRefInf/Ref` is the betalingskenmerk.
- The bank's reference is `AcctSvcrRef`, else `NtryRef` (with `/n` for the n-th
  detail of a batch, unless the detail has its own `AcctSvcrRef`; where the details
  of one batch repeat one `AcctSvcrRef`, as some banks do, `/n` is added to it).
- Balances: `OPBD` (or `PRCD`) opens, `CLBD` closes; both are required.
"""

import collections
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from importers import ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement


_NAMESPACE = re.compile(rb"<(\w+:)?Document\b[^>]*urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(0[2-8])")
_AMOUNT = re.compile(r"^[0-9]{1,18}(\.[0-9]{1,5})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CENT = Decimal("0.01")


class Camt053Importer(BankImporter):
    """camt.053 bank statements (XML)."""

    format_name = "camt.053 file"

    def sniff(self, filepath: str) -> bool:
        with open(filepath, "rb") as file:
            head = file.read(4096)
        return is_camt053(head)

    def parse(self, filepath: str) -> list[Statement]:
        try:
            with open(filepath, "rb") as file:
                return _Reader(filepath).read(file)
        except OSError as exc:
            raise ImportFileError(filepath, None, f"cannot read the file ({exc.strerror})") from None


def is_camt053(head: bytes) -> bool:
    """True if the first bytes of a document declare a camt.053.001.02-08 namespace."""
    return _NAMESPACE.search(head) is not None


def parse_document(filepath: str, raw: bytes) -> list[Statement]:
    """The statements of one camt.053 document held in memory (a member of a zip, see abnamro_zip)."""
    return _Reader(filepath).read(io.BytesIO(raw))


class _Fields:
    """The descendants of one element by their path of local names ("RltdPties/Dbtr/Nm").

    One walk of an entry's subtree (only the fields in `_FIELDS`) instead of a search per field.
    """

    __slots__ = ("found",)

    def __init__(self, element):
        self.found: dict[str, list] = {}
        _walk(element, "", self.found)

    def text(self, path: str) -> str | None:
        nodes = self.found.get(path)
        if not nodes:
            return None
        value = nodes[0].text
        return (value.strip() or None) if value else None

    def first(self, path: str):
        nodes = self.found.get(path)
        return nodes[0] if nodes else None

    def all(self, path: str) -> list:
        return self.found.get(path, [])



class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.ns: dict[str, str] = {}
        # One copy of each counterparty name, IBAN and text (they repeat from entry to entry).
        self.strings: dict[str, str] = {}

    def read(self, file) -> list[Statement]:
        """The statements of an open camt.053 file, read as a stream of elements."""
        events = etree.iterparse(file, events=("start", "end"), tag=("{*}Document", "{*}Stmt", "{*}Ntry"),
                                 resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
        statements: list[Statement] = []
        stmt = None
        entries: list[Entry] = []
        own = ""
        number = 0                              # of the entry within its statement
        stmt_tag = ntry_tag = ""
        try:
            for event, element in events:
                if event == "start":
                    if element.getparent() is None:
                        self.root(element)
                        stmt_tag, ntry_tag = self.tag("Stmt"), self.tag("Ntry")
                    elif stmt is None and element.tag == stmt_tag:
                        stmt, entries, own, number = element, [], "", 0
                    continue
                if stmt is None:
                    continue
                if element.tag == ntry_tag and element.getparent() is stmt:
                    place = f"Stmt[{len(statements) + 1}]"
                    if not own:
                        own = ibans.normalise(self.account(_Fields(stmt), place))
                    number += 1
                    entries.extend(self.entry(_Fields(element), f"{place}/Ntry[{number}]", own))
                    stmt.remove(element)            # the entry is read: drop it
                elif element is stmt:
                    place = f"Stmt[{len(statements) + 1}]"
                    statements.append(self.statement(_Fields(stmt), place, entries))
                    stmt.getparent().remove(stmt)
                    stmt = None
        except etree.XMLSyntaxError as exc:
            line, column = exc.position
            raise self.error(f"line {line}", f"the XML is broken or truncated ({exc.msg}, column {column})") from None
        if not self.ns:
            raise self.error("Document", "not a camt.053.001.02-08 document")
        if not statements:
            raise self.error("BkToCstmrStmt", "no statement (Stmt) in the file")
        return statements

    def root(self, element) -> None:
        if element.getroottree().docinfo.doctype:
            raise self.error("", "refused XML construct: a document type declaration (a camt.053 file has none)")
        match = re.fullmatch(r"\{(urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8])\}Document", element.tag)
        if not match:
            raise self.error("Document", f"not a camt.053.001.02-08 document (root {element.tag})")
        self.ns = {"c": match.group(1)}

    def tag(self, name: str) -> str:
        return "{" + self.ns["c"] + "}" + name

    def account(self, stmt: _Fields, place: str) -> str:
        account = stmt.text("Acct/Id/IBAN") or stmt.text("Acct/Id/Othr/Id")
        if not account:
            raise self.error(f"{place}/Acct", "the statement names no account")
        return account

    # -- small helpers ------------------------------------------------------------

    def error(self, place: str, message: str) -> ImportFileError:
        return ImportFileError(self.filename, place, message)

    def amount(self, fields: _Fields, path: str, place: str) -> tuple[Decimal, str]:
        node = fields.first(path)
        where = f"{place}/{path}"
        if node is None:
            raise self.error(where, "amount missing")
        value = (node.text or "").strip()
        if not _AMOUNT.match(value):
            raise self.error(where, f"malformed amount {value!r}")
        currency = node.get("Ccy")
        if not currency or not _CURRENCY.match(currency):
            raise self.error(where, f"amount {value} has no valid currency (Ccy)")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise self.error(where, f"malformed amount {value!r}") from None
        if not isinstance(number.as_tuple().exponent, int):  # NaN or Infinity
            raise self.error(where, f"malformed amount {value!r}")
        dot = value.find(".")
        if dot < 0 or len(value) - dot < 3:     # fewer than two decimals: cents added
            number = number.quantize(_CENT)
        return number, currency

    def sign(self, fields: _Fields, place: str, default: str | None = None) -> int:
        indicator = fields.text("CdtDbtInd") or default
        if indicator not in ("CRDT", "DBIT"):
            raise self.error(f"{place}/CdtDbtInd", f"credit/debit indicator {indicator!r} is not CRDT or DBIT")
        return 1 if indicator == "CRDT" else -1

    def date(self, fields: _Fields, path: str, place: str) -> datetime.date:
        value = fields.text(f"{path}/Dt") or (fields.text(f"{path}/DtTm") or "")[:10]
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise self.error(f"{place}/{path}", f"missing or malformed date {value!r}") from None

    # -- the document -------------------------------------------------------------

    def statement(self, stmt: _Fields, place: str, entries: list[Entry]) -> Statement:
        """The statement's account and balances (its entries were read already)."""
        account = self.account(stmt, place)
        opening = closing = None
        for index, element in enumerate(stmt.all("Bal"), 1):
            bal = _Fields(element)
            code = bal.text("Tp/CdOrPrtry/Cd") or bal.text("Tp/CdOrPrtry/Prtry")
            where = f"{place}/Bal[{index}]"
            if (code in ("OPBD", "PRCD") and opening is None) or code == "CLBD":
                value, currency = self.amount(bal, "Amt", where)
                balance = (self.sign(bal, where) * value, currency, self.date(bal, "Dt", where))
                if code == "CLBD":
                    closing = balance
                else:
                    opening = balance
        if closing is None:
            raise self.error(place, "no closing balance (Bal with code CLBD): the statement is incomplete")
        if opening is None:
            raise self.error(place, "no opening balance (Bal with code OPBD or PRCD)")
        currency = stmt.text("Acct/Ccy") or closing[1]
        for what, balance in (("opening", opening), ("closing", closing)):
            if balance[1] != currency:
                raise self.error(place, f"the {what} balance is in {balance[1]}, the account in {currency}")
        return Statement(account, currency, place, entries, opening[0], opening[2], closing[0], closing[2])

    def entry(self, ntry: _Fields, place: str, own: str) -> list[Entry]:
        status = ntry.text("Sts") or ntry.text("Sts/Cd")
        if status != "BOOK":
            return []
        value, currency = self.amount(ntry, "Amt", place)
        sign = self.sign(ntry, place)
        date = self.date(ntry, "BookgDt", place)
        reversal = (ntry.text("RvslInd") or "").lower() in ("true", "1")
        reference = ntry.text("AcctSvcrRef") or ntry.text("NtryRef")
        details = ntry.all("NtryDtls/TxDtls")
        entry_text = clean(ntry.text("AddtlNtryInf"))
        if len(details) <= 1:
            detail = _Fields(details[0]) if details else None
            return [Entry(date=date, currency=currency, reversal=reversal, amount=sign * value, place=place,
                          bank_ref=reference, **self.detail(detail, sign, own, entry_text, currency))]
        entries = []
        indicator = "CRDT" if sign > 0 else "DBIT"
        fields = [_Fields(detail) for detail in details]
        own_refs = [detail.text("Refs/AcctSvcrRef") for detail in fields]
        repeated = {ref for ref, count in collections.Counter(own_refs).items() if ref and count > 1}
        for number, detail in enumerate(fields, 1):
            where = f"{place}/NtryDtls/TxDtls[{number}]"
            if detail.first("Amt") is not None:
                part, part_currency = self.amount(detail, "Amt", where)
            elif detail.first("AmtDtls/TxAmt/Amt") is not None:
                part, part_currency = self.amount(detail, "AmtDtls/TxAmt/Amt", where)
            else:
                raise self.error(where, "a detail of a batch entry has no amount (Amt or AmtDtls/TxAmt)")
            if part_currency != currency:
                raise self.error(where, f"batch detail in {part_currency}, entry in {currency}")
            part_sign = self.sign(detail, where, default=indicator)
            own_ref = own_refs[number - 1]
            bank_ref: str | None
            if own_ref and own_ref != reference:
                # A detail's own reference, unless the bank repeated it within the batch.
                bank_ref = f"{own_ref}/{number}" if own_ref in repeated else own_ref
            else:
                bank_ref = f"{reference}/{number}" if reference else None
            entries.append(Entry(date=date, currency=currency, reversal=reversal, amount=part_sign * part,
                                 place=where, bank_ref=bank_ref,
                                 **self.detail(detail, part_sign, own, entry_text, currency)))
        total = sum(e.amount for e in entries)
        if total != sign * value:
            raise self.error(
                place, f"the {len(details)} details of the batch add up to {total}, the entry says {sign * value}"
            )
        return entries

    def detail(self, detail: _Fields | None, sign: int, own: str, fallback: str, currency: str) -> dict:
        """Counterparty, text and references of one TxDtls (or none)."""
        if detail is None:
            return dict(text=fallback)
        debtor = self.party(detail, "Dbtr")
        creditor = self.party(detail, "Cdtr")
        first, second = (debtor, creditor) if sign > 0 else (creditor, debtor)
        iban, name = first
        if (iban and ibans.normalise(iban) == own) or not (iban or name):
            iban, name = second
        if iban and ibans.normalise(iban) == own:
            iban = None
        unstructured = [clean(node.text) for node in detail.all("RmtInf/Ustrd") if node.text and node.text.strip()]
        text = " ".join(unstructured) or clean(detail.text("AddtlTxInf")) or fallback
        end_to_end = detail.text("Refs/EndToEndId")
        if end_to_end and end_to_end.upper() == "NOTPROVIDED":
            end_to_end = None
        original = None
        instructed = detail.first("AmtDtls/InstdAmt/Amt")
        if instructed is not None and instructed.get("Ccy") and instructed.get("Ccy") != currency:
            value, ccy = self.amount(detail, "AmtDtls/InstdAmt/Amt", "TxDtls")
            original = f"{value} {ccy}"
        counterparty = ibans.normalise(iban) if iban else None
        strings = self.strings
        return dict(
            text=strings.setdefault(text, text),
            counterparty_iban=strings.setdefault(counterparty, counterparty) if counterparty else None,
            counterparty_name=strings.setdefault(name, name) if name else None,
            end_to_end=end_to_end,
            structured_ref=detail.text("RmtInf/Strd/CdtrRefInf/Ref"),
            original=original,
        )

    def party(self, detail: _Fields, role: str) -> tuple[str | None, str | None]:
        name = (detail.text(f"RltdPties/{role}/Nm")            # .001.02 - .001.07
                or detail.text(f"RltdPties/{role}/Pty/Nm"))    # .001.08
        iban = (detail.text(f"RltdPties/{role}Acct/Id/IBAN")
                or detail.text(f"RltdPties/{role}Acct/Id/Othr/Id"))
        return iban, clean(name) or None


# The fields the reader uses, by their paths below a statement (Stmt), a balance (Bal),
# an entry (Ntry) or a detail (TxDtls); the walk skips everything else (bank codes,
# value dates, charges, related agents ...). An entry's details are walked one by one.
_FIELDS = """
    Acct/Id/IBAN Acct/Id/Othr/Id Acct/Ccy Bal
    Tp/CdOrPrtry/Cd Tp/CdOrPrtry/Prtry Amt CdtDbtInd Dt/Dt Dt/DtTm
    Sts Sts/Cd BookgDt/Dt BookgDt/DtTm RvslInd AcctSvcrRef NtryRef AddtlNtryInf NtryDtls/TxDtls
    Refs/AcctSvcrRef Refs/EndToEndId AmtDtls/TxAmt/Amt AmtDtls/InstdAmt/Amt
    RltdPties/Dbtr/Nm RltdPties/Dbtr/Pty/Nm RltdPties/DbtrAcct/Id/IBAN RltdPties/DbtrAcct/Id/Othr/Id
    RltdPties/Cdtr/Nm RltdPties/Cdtr/Pty/Nm RltdPties/CdtrAcct/Id/IBAN RltdPties/CdtrAcct/Id/Othr/Id
    RmtInf/Ustrd RmtInf/Strd/CdtrRefInf/Ref AddtlTxInf
""".split()
_WANTED = {"/".join(path.split("/")[:depth]) for path in _FIELDS for depth in range(1, path.count("/") + 2)}
_LEAVES = {"Bal", "NtryDtls/TxDtls"}        # kept, but walked on their own


#: For each path walked into: a child's tag -> (its path, whether to walk into it), or
#: None when the reader does not use it (filled as tags are met; tags are namespaced).
_CHILDREN: dict[str, dict] = {}


def _child_path(prefix: str, tag) -> tuple[str, bool] | None:
    if not isinstance(tag, str):            # an entity reference left unexpanded
        return None
    path = prefix + tag[tag.find("}") + 1:]
    if path not in _WANTED:
        return None
    return path, path not in _LEAVES


def _walk(element, prefix: str, found: dict[str, list]) -> None:
    children = _CHILDREN.get(prefix)
    if children is None:
        children = _CHILDREN[prefix] = {}
    for child in element:
        tag = child.tag
        try:
            known = children[tag]
        except KeyError:
            known = children[tag] = _child_path(prefix, tag)
        if known is None:
            continue
        path, deeper = known
        nodes = found.get(path)
        if nodes is None:
            found[path] = [child]
        else:
            nodes.append(child)
        if deeper and len(child):
            _walk(child, path + "/", found)
