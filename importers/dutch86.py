"""The Dutch subfields of MT940's `:86:` (information to the account owner).

Dutch banks write `:86:` in one of three ways; `parse_86` reads all three into
`Details` (counterparty IBAN and name, remittance text, references):

1. Structured, `/KEY/value` (ING, Rabobank, ABN AMRO, ASN/SNS, bunq since SEPA):
   `/EREF/…/BENM//NAME/CONTRA ACCOUN` + `T HOLDER/REMI//ISDT/2013-07-11`.
   The field is wrapped at a fixed width (65 characters), so its lines are joined
   without a separator: a word cut at the line end is whole again. Keys: TRTP, IBAN,
   BIC, NAME, CNTP (IBAN/BIC/name/city), REMI (with USTD// or STRD/CUR/ inside),
   EREF, MARF, CSID, ORDP, BENM, ID, ADDR, ULTC, ULTD, PURP, RTRN, ISDT, and more.
2. The German GVC layout with `>` (Triodos): `000>100987654321` + `>20TEXT>21…>31ACCOUNT>32NAME`.
3. Free text (older exports, Knab, SNS): lines joined with a space. Recognised:
   `REK: <IBAN>/NAAM: <name>` (Knab), `IBAN: … NAAM: … OMSCHRIJVING: …` labels, and
   a leading old account number (`0111111111 NAME …`, `52.89.39.882 NAME`).
"""

import dataclasses
import re

from importers import ibans
from importers.base import clean

KEYS = (
    "TRTP", "IBAN", "BIC", "NAME", "CNTP", "REMI", "EREF", "MARF", "CSID", "ORDP", "BENM",
    "ID", "ADDR", "ULTC", "ULTD", "ULTB", "PURP", "RTRN", "ISDT", "IREF", "CREF", "SVCL",
    "BUSP", "OCMT", "CHGS", "EXCH", "PREF", "RTYP", "ACCW", "TRCD", "KREF",
)
_KEY = re.compile(r"/(%s)/" % "|".join(sorted(set(KEYS), key=len, reverse=True)))
_GVC = re.compile(r">(\d{2})")


@dataclasses.dataclass
class Details:
    text: str = ""
    iban: str | None = None
    name: str | None = None
    end_to_end: str | None = None
    structured_ref: str | None = None
    kind: str | None = None          # TRTP, e.g. "SEPA OVERBOEKING"


def parse_86(lines: list[str]) -> Details:
    """Read the content lines of one transaction's `:86:` field(s)."""
    if not lines:
        return Details()
    joined = "".join(lines)
    if _KEY.match(joined.lstrip()):
        return _structured(joined.strip())
    spaced = " ".join(line.strip() for line in lines)
    if re.match(r"^\d{3}>|^>\d{2}", spaced) or len(_GVC.findall(spaced)) >= 2:
        return _gvc("".join(line.strip() for line in lines))
    first = re.match(r"^\s*(\d{9,10})\s+(\S.*?)\s*$", lines[0])
    rest = " ".join(line.strip() for line in lines[1:]).strip()
    if first and rest:   # SNS, ING (old): "<account> <name>" on the first line, then the text
        details = _free(rest)
        details.iban = details.iban or first.group(1)
        details.name = details.name or clean(first.group(2))
        return details
    return _free(spaced)


def _structured(text: str) -> Details:
    fields: dict[str, str] = {}
    matches = list(_KEY.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end():end]
        fields.setdefault(match.group(1), value)
    details = Details(kind=clean(fields.get("TRTP")) or None)
    iban = clean(fields.get("IBAN"))
    name = clean(fields.get("NAME"))
    if "CNTP" in fields:   # /CNTP/iban/bic/name/city/
        parts = fields["CNTP"].split("/")
        iban = iban or clean(parts[0] if parts else "")
        name = name or clean(parts[2] if len(parts) > 2 else "")
    details.iban = ibans.normalise(iban) if iban else None
    details.name = name or None
    remi = fields.get("REMI", "")
    if remi.startswith("USTD//"):
        remi = remi[len("USTD//"):]
    elif remi.startswith("STRD/"):
        parts = remi.rstrip("/").split("/")     # STRD/CUR/1100000000000042/
        reference = clean(parts[-1]) if len(parts) >= 3 else ""
        details.structured_ref = reference or None
        remi = ""
    details.text = clean(remi.strip("/"))
    eref = clean(fields.get("EREF"))
    if eref and eref.upper() != "NOTPROVIDED":
        details.end_to_end = eref
    return details


def _gvc(text: str) -> Details:
    parts: dict[str, str] = {}
    for match, following in zip(_GVC.finditer(text), list(_GVC.finditer(text))[1:] + [None], strict=True):
        end = following.start() if following else len(text)
        parts.setdefault(match.group(1), "")
        parts[match.group(1)] += text[match.end():end]
    words = "".join(parts.get(str(n), "") for n in range(20, 30)) + "".join(
        parts.get(str(n), "") for n in range(60, 64)
    )
    account = clean(parts.get("31"))
    name = clean(parts.get("32", "") + parts.get("33", ""))
    return Details(text=clean(words), iban=ibans.normalise(account) if account else None, name=name or None)


def _free(text: str) -> Details:
    details = Details()
    knab = re.search(r"REK:\s*([A-Z]{2}\d{2}[A-Z0-9]+)\s*/\s*NAAM:\s*(.*)$", text)
    if knab:
        details.iban, details.name = knab.group(1), clean(knab.group(2)) or None
        text = text[: knab.start()]
    labels = dict(
        re.findall(
            r"\b(IBAN|BIC|NAAM|NAME|OMSCHRIJVING|KENMERK|MACHTIGING|INCASSANT):\s*(.*?)\s*(?=\b(?:IBAN|BIC|NAAM|NAME|OMSCHRIJVING|KENMERK|MACHTIGING|INCASSANT):|$)",
            text,
            re.IGNORECASE,
        )
    )
    labels = {key.upper(): value for key, value in labels.items()}
    if "IBAN" in labels and ibans.is_iban(labels["IBAN"]):
        details.iban = details.iban or ibans.normalise(labels["IBAN"])
        details.name = details.name or clean(labels.get("NAAM") or labels.get("NAME")) or None
        if "OMSCHRIJVING" in labels:
            details.text = clean(labels["OMSCHRIJVING"])
            if labels.get("KENMERK"):
                details.end_to_end = clean(labels["KENMERK"])
            return details
    leading = re.match(r"^\s*(\d{9,10}|\d{2}\.\d{2}\.\d{2}\.\d{3})\s+", text)
    if leading and not details.iban:
        details.iban = leading.group(1)
        text = text[leading.end() :]
    details.text = clean(text)
    return details
