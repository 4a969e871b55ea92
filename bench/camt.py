"""Synthetic camt.053.001.02 bank statements for the import benchmark.

One statement (`Stmt`) of N booked entries on the given IBAN, with opening and closing
balances that add up, counterparties with valid Dutch IBANs, and the remittance text a
Dutch bank puts in `RmtInf/Ustrd`. The layout follows the sample statements in
shared/bank-samples/camt053 and validates against the camt.053.001.02 schema
(`validate` below; the test runs it when the schema is at hand).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from bench.generate import SURNAMES, INITIALS, TRAFFIC

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
CENT = Decimal("0.01")
BANKS = ("ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ")


def nl_iban(rng: random.Random) -> str:
    """A Dutch IBAN with a correct check number (bank code + 10 digits)."""
    bank = rng.choice(BANKS)
    account = f"{rng.randrange(10**9, 10**10):010d}"
    bban = bank + account
    digits = "".join(str(int(c, 36)) for c in bban + "NL00")
    check = 98 - int(digits) % 97
    return f"NL{check:02d}{bban}"


def _entries(n: int, rng: random.Random, start: datetime.date):
    """Yield (date, amount, credit, name, iban, text) for n entries spread over the year of start."""
    lines = list(TRAFFIC.items())
    income = {k for k in TRAFFIC if k in {
        "IndividueleLeden", "CollectieveLedenZorgCo", "Seats2Meet", "Tulpenfonds", "SharePeople", "BitesBusiness",
        "Uniforce", "OverigeMedestanders", "PodcastBuitenland", "CrowdfundingRechtzaak", "Onderzoek", "Deuglat",
        "RaadVanAnders"}}
    weights = [1.0 / size ** 0.5 for _, (_, _, size) in lines]
    counterparties: dict[str, str] = {}
    per_day = max(1, -(-n // 360))
    for i in range(n):
        date = start + datetime.timedelta(days=i // per_day)
        key, (payees, narration, size) = rng.choices(lines, weights)[0]
        credit = key in income or (key == "Podcast" and rng.random() < 0.5)
        amount = (Decimal(size) * Decimal(str(round(rng.uniform(0.5, 1.5), 3)))).quantize(CENT)
        name = rng.choice(payees) or f"{rng.choice(INITIALS)}. {rng.choice(SURNAMES)}"
        iban = counterparties.setdefault(name, nl_iban(rng))
        text = narration.format(year=date.year, quarter=(date.month - 1) // 3 + 1, month=date.month, n=i + 1)
        yield date, amount, credit, name, iban, text


# Beangulp refuses files over 8 MiB; one entry takes about 750 bytes.
MAX_ENTRIES_PER_FILE = 8000


def write_statement(
    filename: Path,
    n: int,
    iban: str,
    seed: int = 2022,
    start: datetime.date = datetime.date(2023, 1, 1),
    opening: Decimal = Decimal("25000.00"),
) -> Path:
    """Write one camt.053.001.02 file of n entries on `iban` from `start`; return its path.

    To continue a book, start the day after its last transaction with the book's bank
    balance as the opening balance (the importer checks that the statement continues it).
    """
    rng = random.Random(seed * 7919 + n)
    entries = list(_entries(n, rng, start))
    _write_file(Path(filename), entries, 1, iban, f"BENCH{seed}{n:09d}", start, opening)
    return Path(filename)


def write_statements(
    directory: Path,
    n: int,
    iban: str,
    seed: int = 2022,
    start: datetime.date = datetime.date(2023, 1, 1),
    opening: Decimal = Decimal("25000.00"),
    per_file: int = MAX_ENTRIES_PER_FILE,
) -> list[Path]:
    """n entries as consecutive statements of at most per_file entries each, split between days.

    What a bank gives for a busy period: one file per statement, each opening with the
    closing balance of the one before. Returns the files in order.
    """
    rng = random.Random(seed * 7919 + n)
    entries = list(_entries(n, rng, start))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.xml"):
        old.unlink()
    chunks: list[list] = []
    for entry in entries:
        if chunks and len(chunks[-1]) < per_file:
            chunks[-1].append(entry)
        elif chunks and chunks[-1][-1][0] == entry[0]:
            # Never split a day: a balance assertion holds at the start of the next day.
            chunks[-1].append(entry)
        else:
            chunks.append([entry])
    files = []
    number = 1
    balance = opening
    day = start
    for index, chunk in enumerate(chunks, start=1):
        filename = directory / f"afschrift-{index:03d}.xml"
        balance = _write_file(filename, chunk, number, iban, f"BENCH{seed}{n:09d}{index:03d}", day, balance, index)
        number += len(chunk)
        day = chunk[-1][0] + datetime.timedelta(days=1)
        files.append(filename)
    return files


def _write_file(filename: Path, entries: list, first: int, iban: str, stmt_id: str, start: datetime.date,
                opening: Decimal, sequence: int = 1) -> Decimal:
    """Write one statement of the given entries; return its closing balance."""
    filename.parent.mkdir(parents=True, exist_ok=True)
    body = []
    balance = opening
    last = start
    for i, (date, amount, credit, name, other, text) in enumerate(entries, start=first):
        balance += amount if credit else -amount
        last = date
        party = (
            f"<Dbtr><Nm>{escape(name)}</Nm></Dbtr><DbtrAcct><Id><IBAN>{other}</IBAN></Id></DbtrAcct>"
            if credit
            else f"<Cdtr><Nm>{escape(name)}</Nm></Cdtr><CdtrAcct><Id><IBAN>{other}</IBAN></Id></CdtrAcct>"
        )
        family = ("RCDT", "ESCT") if credit else ("ICDT", "ESCT")
        ref = f"{date:%Y%m%d}{i:08d}"
        body.append(
            "<Ntry>"
            f"<NtryRef>{ref}</NtryRef>"
            f'<Amt Ccy="EUR">{amount}</Amt>'
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd>"
            "<Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{date}</Dt></BookgDt>"
            f"<ValDt><Dt>{date}</Dt></ValDt>"
            f"<AcctSvcrRef>{ref}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family[0]}</Cd><SubFmlyCd>{family[1]}</SubFmlyCd></Fmly></Domn></BkTxCd>"
            "<NtryDtls><TxDtls>"
            f"<Refs><EndToEndId>E2E{ref}</EndToEndId></Refs>"
            f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
            f"<RltdPties>{party}</RltdPties>"
            f"<RmtInf><Ustrd>{escape(text)}</Ustrd></RmtInf>"
            "</TxDtls></NtryDtls>"
            f"<AddtlNtryInf>{escape(name)} {escape(text)}</AddtlNtryInf>"
            "</Ntry>\n"
        )
    closing = balance
    now = f"{last + datetime.timedelta(days=1)}T08:00:00+01:00"

    def bal(code: str, amount: Decimal, date: datetime.date) -> str:
        indicator = "CRDT" if amount >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{abs(amount)}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>\n'
        )

    with open(filename, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<Document xmlns="{NAMESPACE}"><BkToCstmrStmt>\n')
        out.write(f"<GrpHdr><MsgId>{stmt_id}</MsgId><CreDtTm>{now}</CreDtTm></GrpHdr>\n")
        out.write(f"<Stmt><Id>{stmt_id}</Id><ElctrncSeqNb>{sequence}</ElctrncSeqNb><CreDtTm>{now}</CreDtTm>\n")
        out.write(f"<FrToDt><FrDtTm>{start}T00:00:00+01:00</FrDtTm><ToDtTm>{last}T23:59:59+01:00</ToDtTm></FrToDt>\n")
        out.write(f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n")
        out.write(bal("OPBD", opening, start))
        out.write(bal("CLBD", closing, last))
        out.writelines(body)
        out.write("</Stmt></BkToCstmrStmt></Document>\n")
    return closing


def write_rules(filename: Path, accounts: dict[str, str], unruled: tuple[str, ...] = ("OverigeKantoorkosten",)) -> Path:
    """A categorisation rules file (importers/regels.txt format) for the synthetic traffic.

    One `tekst` rule per budget line, the line's narration with `*` for its variable
    parts; the lines in `unruled` get none, so their entries go to the suspense account
    as they would in real life. `accounts` maps the last part of an account name to the
    account (the book's budget lines).
    """
    import re

    rules = ["# Regels voor de synthetische afschriften van de benchmark (bench/camt.py)."]
    for key, (_, narration, _) in TRAFFIC.items():
        if key in unruled or key not in accounts:
            continue
        pattern = re.sub(r"\{[^}]*\}", "*", narration)
        rules.append(f"tekst  {pattern}  -> {accounts[key]}")
    filename = Path(filename)
    filename.parent.mkdir(parents=True, exist_ok=True)
    filename.write_text("\n".join(rules) + "\n", encoding="utf-8")
    return filename


def validate(filename: Path, xsd: Path) -> list[str]:
    """Schema errors of a camt file (empty when valid). Needs lxml (a beangulp dependency)."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.parse(str(filename))
    if schema.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]
