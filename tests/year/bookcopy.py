"""A copy of the shipped books in a temporary folder, with a few bank entries, for tests that write."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ENTRIES = """
2022-01-05 * "Contributie" "Jan Jansen"
  Inkomsten:Contributies:IndividueleLeden   -24.00 EUR
  Activa:Bank:Betaalrekening

2022-02-01 * "Kernteam januari"
  document: "facturen/kernteam-2022-01.pdf"
  Uitgaven:Kernteam                         5750.00 EUR
  Activa:Bank:Betaalrekening

2022-03-01 * "Bankkosten februari"
  Uitgaven:Bankkosten                         10.00 EUR
  Activa:Bank:Betaalrekening

2022-04-15 * "Bankkosten maart"
  Uitgaven:Bankkosten                         10.00 EUR
  Activa:Bank:Betaalrekening
"""


def copy_books(tmp: Path, entries: str = ENTRIES) -> Path:
    """Copy ledger/, queries/, the Makefile and pyproject.toml to tmp; add entries to bank.beancount.

    Returns the actual book's main file in the copy.
    """
    shutil.copytree(ROOT / "ledger", tmp / "ledger")
    shutil.copytree(ROOT / "queries", tmp / "queries")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp / name)  # keeps the mtime: make does not rebuild the venv
    bank = tmp / "ledger" / "boekhouding-2022" / "bank.beancount"
    bank.write_text(bank.read_text(encoding="utf-8") + entries, encoding="utf-8")
    return tmp / "ledger" / "boekhouding-2022.beancount"


def bean_check(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "bean-check"), str(book)],
                          check=False, capture_output=True, text=True, timeout=120)


def make(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the copied Makefile in tmp with this repository's venv."""
    return subprocess.run(["make", "-s", "-C", str(tmp), f"VENV={ROOT / '.venv'}", *args],
                          check=False, capture_output=True, text=True, timeout=300)
