"""make nieuw-jaar JAAR=2023 on a copy of the books: both years pass make check, 2023 opens with 2022's
closing balances (by query), the draft budget has 2022's lines with their realisatie, 2022's reports stay
byte-identical, and a year that exists already is refused with nothing overwritten."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from year_books import REPO, bean_query, copy_books

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fava"))
from fava_books import start_board, stop

ZERO = Decimal(0)


def make(*args: str, ledger: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", *args, f"LEDGER={ledger}"], cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False)


def fingerprint(folder: Path) -> dict[str, str]:
    """sha256 of every book file under folder (hidden files left out: lock files, the loader's .cache/)."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)}


def reports_2022(ledger: Path, out: Path) -> dict[str, bytes]:
    """Everything 2022's reports print: make report (text and CSV), report.variance, the jaarrekening."""
    results = {}
    report = make("report", ledger=ledger)
    assert report.returncode == 0, report.stderr
    results["report"] = report.stdout.encode()
    csv_file = out / "begroting.csv"
    assert make("report", f"CSV={csv_file}", ledger=ledger).returncode == 0
    results["report.csv"] = csv_file.read_bytes()
    variance = subprocess.run([sys.executable, "-m", "report.variance", str(ledger / "boekhouding-2022.beancount")],
                              cwd=REPO, capture_output=True, check=True)
    results["variance"] = variance.stdout
    html = out / "jaarrekening-2022.html"
    done = make("jaarrekening", f"JAARREKENING={html}", ledger=ledger)
    assert done.returncode == 0, done.stderr
    results["jaarrekening.html"] = html.read_bytes()
    results["jaarrekening.pdf text"] = subprocess.run(["pdftotext", "-layout", str(html.with_suffix(".pdf")), "-"],
                                                      capture_output=True, check=True).stdout
    return results


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """(ledger, 2022's reports before, 2022's files before, make nieuw-jaar's result) on a copy."""
    target = tmp_path_factory.mktemp("nieuw-jaar")
    ledger = copy_books(target)
    (target / "voor").mkdir()
    before = reports_2022(ledger, target / "voor")
    files_before = fingerprint(ledger)
    done = make("nieuw-jaar", "JAAR=2023", ledger=ledger)
    assert done.returncode == 0, done.stderr
    return ledger, before, files_before, target


def test_both_years_pass_make_check(started):
    ledger = started[0]
    for year in ("2022", "2023"):
        done = make("check", f"JAAR={year}", ledger=ledger)
        # bean-check is silent; make check may only warn about entries still to review (2022's flagged line)
        assert (done.returncode, done.stdout) == (0, "")
        assert all(line.startswith("warning: ") for line in done.stderr.splitlines()), done.stderr


def test_2023_opens_with_the_closing_balances_of_2022(started):
    ledger = started[0]
    closing: dict[str, Decimal] = {}
    for row in bean_query(ledger / "boekhouding-2022.beancount", REPO / "queries" / "balans.bql"):
        closing[row["rekening"]] = closing.get(row["rekening"], ZERO) + Decimal(row["bedrag"])
    opening = {row["rekening"]: Decimal(row["bedrag"])
               for row in bean_query(ledger / "boekhouding-2023.beancount", REPO / "queries" / "balans.bql")}
    assert {row["jaar"] for row in bean_query(ledger / "boekhouding-2023.beancount",
                                              REPO / "queries" / "balans.bql")} == {"2023"}
    carried = {a: v for a, v in closing.items() if a.startswith(("Activa:", "Passiva:")) and v}
    assert len(carried) == 5
    assert {a: v for a, v in opening.items() if a.startswith(("Activa:", "Passiva:"))} == carried
    # The fund keeps what its lines brought in less what they spent in 2022; the rest is the algemene reserve.
    fund = sum((Decimal(row["bedrag"]) for row in bean_query(ledger / "boekhouding-2022.beancount",
                                                             REPO / "queries" / "fondsmutaties.bql")), ZERO)
    assert fund < 0 and opening["Vermogen:Bestemmingsfondsen:Rechtszaak"] == fund
    net_assets = sum(carried.values(), ZERO)
    assert opening["Vermogen:AlgemeneReserve"] == -net_assets - fund


def test_the_draft_budget_has_2022s_lines_with_amounts_to_fill_in_and_2022s_realisatie(started):
    ledger = started[0]
    lines_2022 = bean_query(ledger / "begroting-2022.beancount", REPO / "queries" / "begrotingstabel.bql")
    lines_2023 = bean_query(ledger / "begroting-2023.beancount", REPO / "queries" / "begrotingstabel.bql")
    assert [row["rekening"] for row in lines_2023] == [row["rekening"] for row in lines_2022]
    assert {Decimal(row["totaal"]) for row in lines_2023} == {ZERO}
    realised: dict[str, Decimal] = {}
    for row in bean_query(ledger / "boekhouding-2022.beancount", REPO / "queries" / "realisatie.bql"):
        sign = -1 if row["rekening"].startswith("Inkomsten:") else 1
        realised[row["rekening"]] = realised.get(row["rekening"], ZERO) + sign * Decimal(row["bedrag"])
    entries, errors, _ = loader.load_file(str(ledger / "begroting-2023.beancount"))
    assert errors == []
    shown: dict[str, Decimal] = {}
    budgeted: dict[str, Decimal] = {}
    for entry in entries:
        if hasattr(entry, "postings") and "realisatie-2022" in entry.meta:
            account = entry.postings[0].account
            assert entry.date.year == 2023
            shown[account] = shown.get(account, ZERO) + entry.meta["realisatie-2022"].number
            budgeted[account] = budgeted.get(account, ZERO) + entry.meta["begroting-2022"].number
    assert {a: v for a, v in shown.items() if v} == realised
    assert budgeted == {row["rekening"]: Decimal(row["totaal"]) for row in lines_2022}


def test_2022s_files_and_reports_are_byte_identical(started):
    ledger, before, files_before, target = started
    files_after = fingerprint(ledger)
    assert {name: digest for name, digest in files_after.items() if name in files_before} == files_before
    assert sorted(set(files_after) - set(files_before)) == [
        "begroting-2023.beancount", "begroting-2023/posten.beancount", "boekhouding-2023.beancount",
        "boekhouding-2023/bank.beancount", "boekhouding-2023/beginbalans.beancount",
        "boekhouding-2023/te-controleren.beancount"]
    (target / "na").mkdir(exist_ok=True)
    assert reports_2022(ledger, target / "na") == before


def test_a_year_that_exists_is_refused_and_nothing_is_overwritten(started):
    ledger = started[0]
    files = fingerprint(ledger)
    for year in ("2023", "2022"):
        done = make("nieuw-jaar", f"JAAR={year}", ledger=ledger)
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert done.stderr.startswith(f"error: {ledger}/") and f"the year {year} exists already" in done.stderr
    assert fingerprint(ledger) == files


def test_nieuw_jaar_needs_the_year_on_the_command_line(tmp_path):
    done = make("nieuw-jaar", ledger=tmp_path)
    assert done.returncode != 0 and "make nieuw-jaar JAAR=2023" in done.stderr


def test_a_previous_year_that_fails_bean_check_is_refused_and_nothing_written(tmp_path):
    ledger = copy_books(tmp_path, """
2022-03-28 * "Hosting" "Automatisering eerste kwartaal"
  Uitgaven:Automatisering                    400.00 EUR
  Activa:Bank:Betaalrekening
""")
    files = fingerprint(ledger)
    done = make("nieuw-jaar", "JAAR=2023", ledger=ledger)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {ledger}/boekhouding-2022/bank.beancount:")
    assert fingerprint(ledger) == files


def test_the_makefile_works_per_year_and_2022_stays_the_default():
    def dry(*args: str) -> str:
        return subprocess.run(["make", "-n", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout

    assert "ledger/begroting-2022.beancount ledger/boekhouding-2022.beancount" in dry("fava")
    assert "ledger/begroting-2023.beancount ledger/boekhouding-2023.beancount" in dry("fava", "JAAR=2023")
    assert "-e ledger/boekhouding-2022.beancount -o ledger/boekhouding-2022/te-controleren.beancount" in dry("import")
    assert "-e ledger/boekhouding-2023.beancount -o ledger/boekhouding-2023/te-controleren.beancount" in dry(
        "import", "JAAR=2023")
    assert "report ledger/begroting-2023.beancount" in dry("report", "JAAR=2023")
    assert "report.income_watch ledger/boekhouding-2023.beancount" in dry("inkomsten", "JAAR=2023")


def test_fava_serves_the_new_year_with_its_pages(started):
    ledger = started[0]
    proc, url = start_board((ledger / "begroting-2023.beancount", ledger / "boekhouding-2023.beancount"))
    try:
        import urllib.request

        for page in ("Begroting", "Jaarrekening"):
            with urllib.request.urlopen(f"{url}/werkvereniging-boekhouding-2023/extension/{page}/", timeout=60) as r:
                html = r.read().decode()
            assert r.status == 200 and 'class="fout"' not in html, html[-2000:]
    finally:
        stop(proc)


def test_make_import_reads_a_2023_statement_into_the_2023_book_continuing_its_opening_balance(started):
    """A camt.053 of March 2023 whose opening balance is the bank's closing balance of 2022 (by query)."""
    ledger, _, _, target = started
    closing = sum((Decimal(row["bedrag"]) for row in bean_query(ledger / "boekhouding-2022.beancount",
                                                                REPO / "queries" / "balans.bql")
                   if row["rekening"] == "Activa:Bank:Betaalrekening"), ZERO)
    sample = (REPO / "tests" / "data" / "bank" / "synthetic" / "abn-2022-03.camt053.xml").read_text(encoding="utf-8")
    opening_2022, closing_2022 = (Decimal(v) for v in re.findall(r"<Cd>(?:OPBD|CLBD)</Cd></CdOrPrtry></Tp>\s*"
                                                                  r'<Amt Ccy="EUR">([\d.]+)</Amt>', sample))
    statement = sample.replace("2022", "2023").replace(f">{opening_2022}<", f">{closing}<").replace(
        f">{closing_2022}<", f">{closing + closing_2022 - opening_2022}<")
    downloads = target / "bank-2023"
    downloads.mkdir()
    (downloads / "abn-2023-03.camt053.xml").write_text(statement, encoding="utf-8")
    before = fingerprint(ledger)
    done = make("import", "JAAR=2023", f"DOWNLOADS={downloads}", ledger=ledger)
    assert done.returncode == 0, done.stderr
    after = fingerprint(ledger)
    assert [name for name in after if after[name] != before.get(name)] == ["boekhouding-2023/te-controleren.beancount"]
    review = (ledger / "boekhouding-2023" / "te-controleren.beancount").read_text(encoding="utf-8")
    assert "2023-03-21 balance Activa:Bank:Betaalrekening" in review
    assert make("check", "JAAR=2023", ledger=ledger).returncode == 0
