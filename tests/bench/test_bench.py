"""The benchmark cannot rot: the generator's books are sound and the smallest `make bench` runs.

Not a timed test: it checks that the synthetic data is what the benchmark says it is
(the budget book's figures, a sound book, valid camt.053, the same data for hledger)
and that a one-round run at the smallest size prints the tables.
"""

import json
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from itertools import pairwise

import pytest
from beancount import loader

from plugins.errors import ConditionError, FundError, OverrunError
from seed_data import BIN, BUDGET_BOOK, REPO

from bench import camt, generate

XSD_CANDIDATES = (
    REPO / "tests" / "data" / "bank" / "samples" / "camt053" / "camt.053.001.02.xsd",
    REPO.parent / "shared" / "bank-samples" / "camt053" / "camt.053.001.02.xsd",
)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return generate.generate_book(400, tmp_path_factory.mktemp("bench") / "400", seed=7)


def load(filename):
    entries, errors, options = loader.load_file(str(filename))
    return entries, errors


def test_book_has_the_asked_postings_on_budget_lines_and_the_bank(book):
    entries, _ = load(book.plain)
    txns = [e for e in entries if e.__class__.__name__ == "Transaction"]
    assert book.postings == 400 and book.transactions == 200 and len(txns) == 200
    budget_accounts = {line.account for line in generate.read_budget()}
    for txn in txns:
        assert [p.account for p in txn.postings][1] == book.bank
        assert txn.postings[0].account in budget_accounts
        assert txn.date.year == 2022


def test_book_without_plugins_is_sound_and_with_plugins_only_policy_errors(book):
    _, errors = load(book.plain)
    assert errors == []
    _, errors = load(book.main)
    # The budget plugin reports overruns (the generator aims near the budget, so some overrun).
    assert errors, "a realistic book has some overruns"
    # The fund and condition plugins report random spending on the lawsuit fund's lines and the
    # conditional research line (the generator books no income first): policy errors too.
    policy = {OverrunError: "over budget", FundError: "short by", ConditionError: "before its condition"}
    assert {type(e) for e in errors} <= set(policy)
    assert all(policy[type(e)] in e.message for e in errors)


def test_main_file_keeps_the_actual_books_options_plugins_and_includes(book):
    text = book.main.read_text(encoding="utf-8")
    source = generate.ACTUAL_BOOK.read_text(encoding="utf-8")
    for line in source.splitlines():
        if line.startswith(("option ", "plugin ")):
            name = line.split('"')[1]
            assert f'"{name}"' in text
    assert re.search(r'include "[^"]*ledger/rekeningen.beancount"', text)
    assert re.search(r"'budget': '[^']*ledger/begroting-2022.beancount'", text)
    assert not re.search(r'^\s*plugin "plugins\.', book.plain.read_text(encoding="utf-8"), re.M)


def test_generator_is_deterministic(book, tmp_path):
    again = generate.generate_book(400, tmp_path / "again", seed=7)
    for name in ("boekingen/2022.beancount", "boekhouding.journal"):
        assert (again.directory / name).read_text() == (book.directory / name).read_text()
    other = generate.generate_book(400, tmp_path / "other", seed=8)
    assert (other.directory / "boekingen/2022.beancount").read_text() != (
        book.directory / "boekingen/2022.beancount"
    ).read_text()


def test_hledger_budget_rules_are_the_budget_books_figures(book):
    """Every `~ quarterly` rule holds the budget book's amounts of that quarter (read via beanquery)."""
    expected = {(line.account, q + 1): amount for line in generate.read_budget(BUDGET_BOOK)
                for q, amount in enumerate(line.quarters) if amount}
    found = {}
    quarter = None
    for line in book.journal.read_text(encoding="utf-8").splitlines():
        match = re.match(r"~ quarterly from 2022-(\d\d)-01 to ", line)
        if match:
            quarter = (int(match.group(1)) + 2) // 3
        elif not line.strip():
            quarter = None
        elif quarter and re.match(r"\s+(Inkomsten|Uitgaven):\S+\s+\S+ EUR$", line):
            account, number, _ = line.split()
            found[(account, quarter)] = Decimal(number)
    assert found == expected
    # and the budget book itself says the same: the seed's Kernteam is 17250 a quarter
    assert found[("Uitgaven:Kernteam", 1)] == Decimal(17250)


@pytest.mark.skipif(shutil.which("hledger") is None, reason="hledger is not installed (make bench installs it)")
def test_hledger_journal_holds_the_same_data(book):
    entries, _ = load(book.plain)
    totals = defaultdict(Decimal)
    for entry in entries:
        for posting in getattr(entry, "postings", ()):
            totals[posting.account] += posting.units.number
    out = subprocess.run(["hledger", "-f", str(book.journal), "balance", "--flat", "-O", "csv", "--no-total"],
                         capture_output=True, text=True, check=True).stdout
    rows = [line.replace('"', "").split(",") for line in out.splitlines()[1:]]
    hledger = {account: Decimal(amount.split()[0]) for account, amount in rows}
    assert hledger == {a: t for a, t in totals.items() if t}
    budget = subprocess.run(["hledger", "-f", str(book.journal), "balance", "--budget", "-Q"],
                            capture_output=True, text=True, check=True).stdout
    assert re.search(r"Uitgaven:Kernteam .*of +17250(\.00)? EUR", budget)


def test_camt_statement_is_valid_camt_053_001_02(book, tmp_path):
    xsd = next((p for p in XSD_CANDIDATES if p.exists()), None)
    if xsd is None:
        pytest.skip("the camt.053.001.02 schema is not at hand")
    statement = camt.write_statement(tmp_path / "s.xml", 50, book.iban, start=book.last_date, opening=book.bank_balance)
    assert camt.validate(statement, xsd) == []
    text = statement.read_text()
    assert text.count("<Ntry>") == 50 and f"<IBAN>{book.iban}</IBAN>" in text
    assert book.iban == "NL91ABNA0417164300"  # the actual book's IBAN


def test_sizes():
    assert [generate.parse_size(s) for s in ("1k", "10k", "100k", "1M", "250")] == [1000, 10000, 100000, 1000000, 250]
    assert [generate.size_label(n) for n in (1000, 1000000, 250)] == ["1k", "1M", "250"]


def test_smallest_bench_run_prints_the_tables(tmp_path):
    """`python -m bench --sizes 1k --rounds 1`: every measurement that exists runs, tables print."""
    result = subprocess.run(
        [str(BIN / "python"), "-m", "bench", "--sizes", "1k", "--rounds", "1", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "| size | cost | mode | ours |" in out
    for cost in ("plugins", "report", "page"):
        for mode in ("cold", "warm"):
            assert re.search(rf"\| 1k \| {cost} \| {mode} \|", out), (cost, mode)
    assert re.search(r"\| 1k \| report \| first \|", out)  # the first run after an edit: cache written
    assert re.search(r"\| shipped \| make report \| warm \|", out)
    assert "| python -c pass |" in out and "| python -c 'import beancount.loader' |" in out
    report = json.loads((tmp_path / "results.json").read_text())
    row = report["sizes"]["1k"]
    for name in ("plugins.cold", "plugins.warm", "plugins.base"):
        assert row["check"][name]["seconds"] > 0, name
    assert all(row["report"][f"report.{mode}"]["seconds"] > 0 for mode in ("cold", "warm", "first"))
    for name in ("startup.pass", "startup.loader", "make_report.cold", "make_report.warm"):
        assert report["startup"][name]["seconds"] > 0, name
    # every measurement that exists in the tree ran without failing
    failures = [
        f"{k}: {v['problem']}" for group in ("check", "report") for k, v in row[group].items() if v.get("problem")
    ]
    failures += [f"start-up {k}: {v['problem']}" for k, v in report["startup"].items() if v.get("problem")]
    for mode in ("cold", "warm"):
        for side in ("ours", "base"):
            problem = row.get("page", {}).get(mode, {}).get(side, {}).get("problem")
            if problem:
                failures.append(f"page {mode} {side}: {problem}")
    if row.get("import", {}).get("problem"):
        failures.append(f"import: {row['import']['problem']}")
    assert failures == []
    assert (tmp_path / "results.md").read_text() in out


def test_paired_ratio_is_taken_round_by_round():
    from bench.run import paired_ratio

    ours = {"seconds": 2.0, "samples": [1.0, 2.0, 6.0]}
    base = {"seconds": 2.0, "samples": [2.0, 1.0, 3.0]}
    assert paired_ratio(ours, base) == (2.0, 0.5, 2.0)  # not 2.0 / 2.0 of the medians
    assert paired_ratio(ours, {"problem": "failed: x"}) is None


def test_large_imports_are_consecutive_statements_split_between_days(book, tmp_path):
    files = camt.write_statements(
        tmp_path / "s", 300, book.iban, start=book.last_date, opening=book.bank_balance, per_file=40
    )
    assert len(files) > 1
    balances, days, count = [], [], 0
    for filename in files:
        text = filename.read_text()
        count += text.count("<Ntry>")
        amounts = re.findall(
            r"<Cd>(OPBD|CLBD)</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">([\d.]+)</Amt><CdtDbtInd>(\w+)", text
        )
        balances.append([Decimal(a) * (1 if sign == "CRDT" else -1) for _, a, sign in amounts])
        days.append(set(re.findall(r"<BookgDt><Dt>([\d-]+)</Dt>", text)))
    assert count == 300
    assert balances[0][0] == book.bank_balance
    for before, after in pairwise(balances):
        assert after[0] == before[1]  # each opens with the closing balance of the one before
    for before, after in pairwise(days):
        assert not before & after  # a day is never split over two statements


def test_import_rows_judge_the_import_into_large_books_only():
    """A row per import (the 10k one into a large book first); verdicts bind from 100k postings."""
    from bench.run import IMPORT_PEAK, IMPORT_RATE, import_rows

    def result(entries, beyond, ratio):
        return {"entries": entries, "files": 1, "seconds": 1.0, "entries_per_second": entries,
                "entries_per_second_range": [entries, entries], "entries_per_second_beyond_load": beyond,
                "entries_per_second_beyond_load_range": [beyond, beyond], "peak_mb": 10.0, "book_peak_mb": 8.0,
                "peak_ratio": ratio, "peak_ratio_range": [ratio, ratio]}

    report = {"sizes": {
        "10k": {"postings": 10_000, "import": result(10_000, IMPORT_RATE - 1, IMPORT_PEAK)},
        "100k": {"postings": 100_000, "import_small": result(10_000, IMPORT_RATE, IMPORT_PEAK),
                 "import": result(100_000, IMPORT_RATE, IMPORT_PEAK + 0.01)},
    }}
    rows = import_rows(report)
    assert [(row[0], row[1], row[-1]) for row in rows] == [
        ("10k", "10,000", "(miss)"), ("100k", "10,000", "pass"), ("100k", "100,000", "miss")]


def test_targets_the_issue_states_at_100k_bind_there_and_are_shown_in_brackets_above():
    from bench.run import target_of

    assert target_of("plugins", "cold", 100_000) == (1.03, True)
    assert target_of("plugins", "cold", 1_000_000) == (1.03, False)
    assert target_of("report", "cold", 1_000_000) == (1.5, False)
    assert target_of("report", "warm", 1_000_000) == (0.5, True)  # "at 100k and at 1M"
    assert target_of("report", "warm", 10_000) == (1.0, True)
