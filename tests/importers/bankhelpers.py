"""Helpers of the importer tests: the test data, small actual books, and the real CLI.

A plain module (not a conftest) so that the tests import it by name: `from bankhelpers import ...`.
"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / "tests" / "data" / "bank"
SAMPLES = BANK / "samples"
SYNTHETIC = BANK / "synthetic"
BAD = SYNTHETIC / "bad"

OPTIONS = """option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Inkomsten"
option "name_expenses" "Uitgaven"
"""

# The association's accounts in the synthetic files (IBANs made for the tests).
SYNTHETIC_ACCOUNTS = {
    "Activa:Bank:Betaalrekening": "NL91ABNA0417164300",
    "Activa:Bank:Spaarrekening": "NL63ABNA0417164319",
    "Activa:Bank:Ing": "NL19INGB0006000001",
    "Activa:Bank:Rabo": "NL38RABO0300000001",
}
# The accounts of the synthetic files of the other Dutch formats (tests/data/bank/synthetic/<bank>/).
FORMAT_ACCOUNTS = {
    **SYNTHETIC_ACCOUNTS,
    "Activa:Bank:Asn": "NL73ASNB8812345670",
    "Activa:Bank:Knab": "NL07KNAB0255123456",
    "Activa:Bank:Bunq": "NL31BUNQ2291234567",
    "Activa:Bank:RaboZakelijk": "NL81RABO0312345678",
    "Activa:Bank:Triodos": "NL63TRIO0212345678",
}
# An account that the bank's export names without an IBAN: found by rekeningnummer: metadata.
FORMAT_NUMBERS = {"Activa:Bank:IngSpaar": "K 444-12345"}
OTHER_ACCOUNTS = ["Passiva:NogTeRubriceren", "Vermogen:Openingsbalans", "Inkomsten:Contributies",
                  "Inkomsten:Sponsoring", "Uitgaven:Bankkosten", "Uitgaven:Drukwerk"]


def book_text(accounts: dict[str, str], openings: list[tuple[str, str, str]] = (),
              include: str | None = "te-controleren.beancount", numbers: dict[str, str] | None = None) -> str:
    """An actual book: `accounts` (account -> IBAN) opened with iban: metadata, `numbers`
    (account -> rekeningnummer) with rekeningnummer: metadata, the other accounts, an
    opening balance transaction per (date, account, amount)."""
    lines = [OPTIONS]
    for account, iban in accounts.items():
        lines.append(f'2000-01-01 open {account} EUR\n  iban: "{iban}"\n')
    for account, number in (numbers or {}).items():
        lines.append(f'2000-01-01 open {account} EUR\n  rekeningnummer: "{number}"\n')
    lines.extend(f"2000-01-01 open {account} EUR\n" for account in OTHER_ACCOUNTS)
    for date, account, amount in openings:
        lines.append(f'{date} * "Beginsaldo"\n  {account}  {amount} EUR\n  Vermogen:Openingsbalans\n')
    if include:
        lines.append(f'include "{include}"\n')
    return "\n".join(lines)


def make_book(directory: Path, accounts, openings=(), rules: str = "", numbers=None) -> Path:
    """Write book.beancount (including te-controleren.beancount, with its options) and regels.txt."""
    book = directory / "book.beancount"
    book.write_text(book_text(accounts, openings, numbers=numbers), encoding="utf-8")
    (directory / "te-controleren.beancount").write_text(OPTIONS, encoding="utf-8")
    (directory / "regels.txt").write_text(rules, encoding="utf-8")
    return book


def run_cli(*args, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """The real command line: python -m importers ARGS."""
    return subprocess.run([sys.executable, "-m", "importers", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def extract(book: Path, *files, output: Path | None = None) -> subprocess.CompletedProcess:
    output = output or book.parent / "te-controleren.beancount"
    return run_cli("extract", "-e", book, "--regels", book.parent / "regels.txt", "-o", output, *files)


def bean_check(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "bean-check"), str(book)],
                          capture_output=True, text=True, timeout=120)

