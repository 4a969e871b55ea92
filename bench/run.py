"""`make bench` / `python -m bench`: our costs against their baselines, side by side in one run.

    python -m bench                          # SIZES 1k,10k,100k
    python -m bench --sizes 1k,10k,100k,1M   # the full run
    python -m bench --sizes 1k --rounds 1    # a smoke run (the test suite does this)
    python -m bench --readme                 # also put the tables into README.md

For every size a synthetic book is generated (bench/generate.py, cached under
build/bench/books/) and every measurement runs as a fresh process, the way the
treasurer runs it: a warm-up round that is not counted, then ROUNDS rounds of one loop
in which our commands and their baseline run one after the other (the order rotating
from round to round); each side's median with min and max, and the ratio taken round by
round (median, min-max). Beancount's own pickle cache is off (BEANCOUNT_DISABLE_LOAD_CACHE);
books.loader's cache is what cold and warm differ in: cold = BOOKS_CACHE=off (every book
loaded afresh from its text, as after an edit; no cache read or written), warm =
BOOKS_CACHE=on (as the board and the kascommissie run report after report). The budget
report also has a row "first": the first run after an edit, which loads afresh and then
writes the cache (BOOKS_CACHE=rebuild): what the cache costs once, shown, not targeted.

Costs, each ours against its baseline, cold and warm:

  plugins      bean-check of the book                     / the same book without our plugin lines
  report       python -m report.variance (budget report)  / hledger balance --budget -Q on the same data
  page         the Begroting page in Fava                  / Fava's own income statement page
  make report  make report on the shipped books            / python -c "import beancount.loader" (start-up floor)
  start-up     python -c pass, python -c "import beancount.loader": the floor, in seconds
  import       python -m importers extract of camt.053 files / loading the book alone (bench.import_speed):
               entries per second, whole and beyond the book load, and peak memory against the book's

A measurement whose part is not in the tree yet is reported as "not built", never
faked; one whose command fails is reported as "failed" with its first error line.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.util
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import import_speed
from bench.generate import BUILD, REPO, Book, ensure_book, parse_size, size_label

BIN = Path(sys.executable).parent
PYTHON = sys.executable

# Targets (issue 12), ours / baseline at most this, paired: (cost, mode) -> [(from postings, target)],
# the last entry whose size the book reaches applies. Below 100k postings fixed start-up costs
# dominate; a target stated for a smaller size (the warm report at 10k) binds there too.
TARGETS: dict[tuple[str, str], list[tuple[int, float]]] = {
    ("plugins", "cold"): [(100_000, 1.03)],
    ("plugins", "warm"): [(100_000, 1.03)],
    ("report", "cold"): [(100_000, 1.5)],
    ("report", "warm"): [(10_000, 1.0), (100_000, 0.5)],
    ("page", "cold"): [(100_000, 0.5)],
    ("page", "warm"): [(100_000, 0.5)],
    ("make report", "warm"): [(0, 2.0)],
}
TARGET_FROM = 100_000
# Targets the issue states for one size only ("at 100k"): above it the verdict is shown in brackets.
TARGET_ONLY_AT: dict[tuple[str, str], int] = {
    ("plugins", "cold"): 100_000,
    ("plugins", "warm"): 100_000,
    ("report", "cold"): 100_000,
}
# The import (issue 9), into a book of TARGET_FROM postings (the size), cold: entries per second
# beyond loading the book at least IMPORT_RATE, peak memory at most IMPORT_PEAK x the book alone.
IMPORT_RATE = 10_000
IMPORT_PEAK = 1.5
SMALL_IMPORT = 10_000  # the smaller import measured into the large books, beside the 100k one
MAKE_REPORT_SECONDS = 0.35  # make report on the shipped books, warm

# BOOKS_CACHE of books.loader: cold = after an edit, every book loaded afresh (the issue's
# "cache off"); first = the same, then the cache written; warm = every run after it (the
# book and the budget table from the cache).
COLD = {"BOOKS_CACHE": "off"}
FIRST = {"BOOKS_CACHE": "rebuild"}
WARM = {"BOOKS_CACHE": "on"}
LINEAR_EXPONENT = 1.15  # growth exponent up to which a cost counts as linear


@dataclasses.dataclass
class Sample:
    seconds: float  # CPU seconds (user + system) of the process and its children
    wall: float
    peak_mb: float
    returncode: int
    stderr: str


@dataclasses.dataclass
class Command:
    name: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    env: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Result:
    """The median of one command's rounds (with min and max), or why there is none."""

    seconds: float | None = None  # median CPU seconds
    wall: float | None = None  # median wall-clock seconds
    peak_mb: float | None = None
    rounds: int = 0
    problem: str | None = None  # "not built: ...", "failed: ..."
    low: float | None = None  # min CPU seconds of the rounds
    high: float | None = None  # max CPU seconds of the rounds
    samples: list[float | None] = dataclasses.field(default_factory=list)  # CPU seconds per round (None: skipped)

    def to_json(self):
        return dataclasses.asdict(self)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    # As on the treasurer's machine, Python keeps the compiled modules (.pyc) that the warm-up
    # round writes: a shell that says PYTHONDONTWRITEBYTECODE would have every measured run of
    # ours compile the project's modules again, while Beancount's and hledger's are compiled once.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def run_once(command: Command, log_dir: Path) -> Sample:
    """Run a command as a child process; its wall time and peak resident memory (wait4)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path = log_dir / f"{command.name}.out"
    err_path = log_dir / f"{command.name}.err"
    env = environment()
    env.update(command.env)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command.argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(cpu, seconds, usage.ru_maxrss / 1024, process.returncode, stderr)


def _first_error(sample: Sample) -> str:
    lines = [line.strip() for line in sample.stderr.splitlines() if line.strip()]
    tail = [line for line in lines if not line.startswith(("File ", "Traceback", "^", "~"))]
    text = (
        tail[-1] if tail and "Traceback" in sample.stderr else (lines[0] if lines else "")
    ) or f"exit {sample.returncode}"
    return f"exit {sample.returncode}: {text[:160]}"


def measure(commands: list[Command], rounds: int, log_dir: Path, warmup: bool | set[str] = True) -> dict[str, Result]:
    """Warm up, then `rounds` rounds of all commands in one loop, the order rotating; medians.

    Ours and its baseline run in the same loop, one after the other, so a ratio can be
    taken round by round (`paired_ratio`): a machine that speeds up or slows down moves
    both. `warmup` True warms every command up (page cache, .pyc files, the book's cache
    for a warm command) and weeds out failures; a set of names warms up only those.
    """
    results = {c.name: Result() for c in commands}
    live = list(commands)
    for command in commands:
        if warmup is True or (isinstance(warmup, set) and command.name in warmup):
            sample = run_once(command, log_dir)
            if sample.returncode not in command.ok_codes:
                results[command.name].problem = "failed: " + _first_error(sample)
                live.remove(command)
    samples: dict[str, list[Sample | None]] = {c.name: [] for c in live}
    for round_number in range(rounds):
        shift = round_number % max(1, len(live))
        for command in live[shift:] + live[:shift]:
            sample = run_once(command, log_dir)
            if sample.returncode not in command.ok_codes:
                results[command.name].problem = "failed: " + _first_error(sample)
                live.remove(command)
                continue
            samples[command.name].append(sample)
        for taken in samples.values():
            if len(taken) < round_number + 1:
                taken.append(None)
    for name, taken in samples.items():
        counted = [s for s in taken if s is not None]
        if results[name].problem or not counted:
            continue
        cpu = [s.seconds for s in counted]
        results[name] = Result(
            seconds=statistics.median(cpu),
            wall=statistics.median(s.wall for s in counted),
            peak_mb=max(s.peak_mb for s in counted),
            rounds=len(counted),
            low=min(cpu),
            high=max(cpu),
            samples=[None if s is None else s.seconds for s in taken],
        )
    return results


def paired_ratio(ours: dict | None, base: dict | None) -> tuple[float, float, float] | None:
    """Median, min and max of ours / baseline taken round by round (both measured in one loop)."""
    if not ours or not base or ours.get("problem") or base.get("problem"):
        return None
    pairs = [a / b for a, b in zip(ours.get("samples") or [], base.get("samples") or [], strict=False) if a and b]
    if not pairs:
        if ours.get("seconds") and base.get("seconds"):
            value = ours["seconds"] / base["seconds"]
            return value, value, value
        return None
    return statistics.median(pairs), min(pairs), max(pairs)


# ---------------------------------------------------------------- what exists in the tree


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def hledger_path() -> str | None:
    return shutil.which("hledger")


def plugin_lines(book: Book) -> list[str]:
    return [
        line.strip()
        for line in book.main.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith('plugin "plugins.')
    ]


# ---------------------------------------------------------------- the costs


def check_commands(book: Book) -> list[Command]:
    """bean-check with our plugins (the budget book cold and warm) and without them, in one loop."""
    bean_check = str(BIN / "bean-check")
    # bean-check exits 1 when the book has errors: the budget plugin reports overruns as errors.
    return [
        Command("plugins.cold", [bean_check, str(book.main)], ok_codes=(0, 1), env=COLD),
        Command("plugins.base", [bean_check, str(book.plain)], ok_codes=(0, 1)),
        Command("plugins.warm", [bean_check, str(book.main)], ok_codes=(0, 1), env=WARM),
    ]


def report_commands(book: Book) -> list[Command]:
    """The budget report cold and warm against hledger's budget report, in one loop."""
    commands = []
    if module_exists("report.variance"):
        commands.append(Command("report.cold", [PYTHON, "-m", "report.variance", str(book.main)], env=COLD))
    if hledger := hledger_path():
        commands.append(Command("hledger.base", [hledger, "-f", str(book.journal), "balance", "--budget", "-Q"]))
    if module_exists("report.variance"):
        commands.append(Command("report.warm", [PYTHON, "-m", "report.variance", str(book.main)], env=WARM))
        commands.append(Command("report.first", [PYTHON, "-m", "report.variance", str(book.main)], env=FIRST))
    return commands


def startup_commands() -> list[Command]:
    """`make report` on the shipped books, cold and warm, against the start-up floor, in one loop."""
    make = shutil.which("make") or "make"
    return [
        Command("startup.pass", [PYTHON, "-c", "pass"]),
        Command("make_report.cold", [make, "-s", "-C", str(REPO), "report"], env=COLD),
        Command("startup.loader", [PYTHON, "-c", "import beancount.loader"]),
        Command("make_report.warm", [make, "-s", "-C", str(REPO), "report"], env=WARM),
    ]


def page_command(book: Book, rounds: int, out_json: Path) -> Command:
    """The page measurement of bench/fava_page.py, in a child process of its own."""
    code = (
        "import json, sys\n"
        "from bench.fava_page import measure_page\n"
        "result = measure_page(sys.argv[1], rounds=int(sys.argv[2]))\n"
        "json.dump(result, open(sys.argv[3], 'w'))\n"
    )
    return Command("page", [PYTHON, "-c", code, str(book.main), str(rounds), str(out_json)])


# ---------------------------------------------------------------- one run


def default_rounds(postings: int) -> int:
    """Rounds per measurement: 7 up to 100k postings (a median of 7 pairs holds still on the shared
    machine; 5 moved by a few hundredths from run to run), 1 above (minutes per command)."""
    if postings <= 100_000:
        return 7
    return 1


def run(sizes: list[int], rounds: int | None, out: Path, seed: int, log=print, on_size=None) -> dict:
    """Measure every size; `on_size(report)` after each (the tables so far are never lost to a long run)."""
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "hledger": _version([hledger_path() or "hledger", "--version"]),
        "sizes": {},
        "notes": [],
    }
    def missing() -> list[str]:
        gaps = []
        if not module_exists("report.variance"):
            gaps.append("report.variance (the budget report): report and hledger rows not measured")
        if not module_exists("bench.fava_page"):
            gaps.append("bench.fava_page (the Begroting page measurement): page rows not measured")
        if not module_exists("importers.__main__"):
            gaps.append("importers (python -m importers extract): import rows not measured")
        if not hledger_path():
            gaps.append("hledger is not installed (make bench installs it): hledger rows not measured")
        return gaps

    for gap in missing():
        log(f"not built: {gap}")

    log("[start-up] python -c pass, import beancount.loader, make report (shipped books) ...")
    startup_rounds = rounds or 9  # short commands: more rounds than the books get
    report["startup"] = {k: v.to_json() for k, v in
                         measure(startup_commands(), startup_rounds, out / "logs" / "startup").items()}

    for postings in sizes:
        label = size_label(postings)
        n_rounds = rounds or default_rounds(postings)
        log(f"[{label}] generating the book ...")
        started = time.perf_counter()
        book = ensure_book(postings, root=out / "books", seed=seed)
        shown = book.main.relative_to(REPO) if book.main.is_relative_to(REPO) else book.main
        log(
            f"[{label}] {book.postings} postings in {shown}"
            f" ({time.perf_counter() - started:.1f} s); {n_rounds} round(s) per measurement"
        )
        row: dict = {"postings": book.postings, "transactions": book.transactions, "rounds": n_rounds,
                     "plugin_lines": plugin_lines(book)}
        logs = out / "logs" / label

        log(f"[{label}] bean-check with and without our plugins ...")
        # The 1M book takes minutes per command: only the warm commands are warmed up there
        # (they need the book's cache written once).
        warm: bool | set[str] = True if postings < 1_000_000 else {"plugins.warm", "report.warm"}
        row["check"] = {k: v.to_json() for k, v in measure(check_commands(book), n_rounds, logs, warm).items()}

        log(f"[{label}] budget report cold, warm and first, hledger ...")
        row["report"] = {k: v.to_json() for k, v in measure(report_commands(book), n_rounds, logs, warm).items()}

        if module_exists("bench.fava_page"):
            log(f"[{label}] Begroting page and Fava's income statement ...")
            out_json = logs / "page.json"
            logs.mkdir(parents=True, exist_ok=True)
            result = measure([page_command(book, n_rounds, out_json)], 0, logs)["page"]
            row["page"] = _page_result(result, out_json)

        if module_exists("importers.__main__"):
            entries = min(postings, 100_000)
            # Statements that continue this book (bench.import_speed: from the day after its last
            # transaction, opening with its bank balance; files of at most 8,000 entries), imported
            # cold beside loading the book alone, paired round by round.
            log(f"[{label}] import of {entries} camt.053 entries, and the book alone ...")
            # A 100k import takes about half a minute: fewer rounds at that size.
            import_rounds = n_rounds if entries < 100_000 else min(n_rounds, rounds or 3)
            row["import"] = {"ledger": "book", **import_speed.measure_import(book, entries, out, import_rounds)}
            if postings >= TARGET_FROM:
                # The other case: a month's 10k entries into the large book.
                log(f"[{label}] import of {SMALL_IMPORT} camt.053 entries, and the book alone ...")
                row["import_small"] = {"ledger": "book",
                                       **import_speed.measure_import(book, SMALL_IMPORT, out, import_rounds)}
        report["sizes"][label] = row
        log(format_row_summary(label, row))
        if on_size is not None:
            on_size(report)
    report["notes"][:0] = [f"not built: {gap}" for gap in missing()]
    return report


def _page_result(result: Result, out_json: Path) -> dict:
    if result.problem:
        problem = {"problem": result.problem}
        return {mode: {"ours": problem, "base": problem} for mode in ("cold", "warm")}
    data = json.loads(out_json.read_text())
    samples = data["samples"]

    def side(values: list[float]) -> dict:
        return {"seconds": statistics.median(values), "low": min(values), "high": max(values),
                "samples": values, "problem": None}

    return {
        "cold": {"ours": side(samples["page"]), "base": side(samples["income"])},
        "warm": {"ours": side(samples["page_warm"]), "base": side(samples["income_warm"])},
        "load_seconds": data["load_seconds"],
    }


def _version(argv: list[str]) -> str | None:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


# ---------------------------------------------------------------- tables


COST_TITLES = {
    "plugins": ("bean-check, our plugins", "bean-check, no plugins"),
    "report": ("budget report (report.variance)", "hledger balance --budget -Q"),
    "page": ("Begroting page", "Fava income statement"),
    "make report": ("make report (shipped books)", "python -c 'import beancount.loader'"),
}


def _pairs(row: dict) -> list[tuple[str, str, dict | None, dict | None]]:
    """(cost, mode, ours, baseline) result dicts of one size."""
    check = row.get("check", {})
    rep = row.get("report", {})
    pairs = []
    for mode in ("cold", "warm"):
        pairs.append(("plugins", mode, check.get(f"plugins.{mode}"), check.get("plugins.base")))
    for mode in ("cold", "warm", "first"):
        if mode != "first" or "report.first" in rep:
            pairs.append(("report", mode, rep.get(f"report.{mode}"), rep.get("hledger.base")))
    for mode in ("cold", "warm"):
        if mode in row.get("page", {}):
            pairs.append(("page", mode, row["page"][mode].get("ours"), row["page"][mode].get("base")))
    return pairs


def target_of(cost: str, mode: str, postings: int) -> tuple[float | None, bool]:
    """The target ratio for a row and whether it binds at this size (else shown in brackets)."""
    steps = TARGETS.get((cost, mode), [])
    applying = [target for start, target in steps if postings >= start]
    only = TARGET_ONLY_AT.get((cost, mode))
    if applying:
        return applying[-1], only is None or postings == only
    return (steps[0][1], False) if steps else (None, False)


def _seconds(result: dict | None) -> str:
    if not result:
        return "not built"
    if result.get("problem"):
        return result["problem"].split(":")[0]
    if result.get("low") is not None and result.get("high") is not None and result["low"] != result["high"]:
        return f"{result['seconds']:.2f} ({result['low']:.2f}–{result['high']:.2f})"
    return f"{result['seconds']:.2f}"


def _ratio(ratio: tuple[float, float, float] | None) -> str:
    if ratio is None:
        return "—"
    value, low, high = ratio
    return f"{value:.2f}× ({low:.2f}–{high:.2f})" if low != high else f"{value:.2f}×"


def _verdict(value: float | None, target: float | None, binding: bool) -> str:
    if value is None or target is None:
        return "—"
    verdict = "pass" if value <= target else "miss"
    return verdict if binding else f"({verdict})"


def ratio_rows(report: dict) -> list[list[str]]:
    rows = []
    startup = report.get("startup") or {}
    for mode in ("cold", "warm"):
        ours, base = startup.get(f"make_report.{mode}"), startup.get("startup.loader")
        if ours is None:
            continue
        ratio = paired_ratio(ours, base)
        target, binding = target_of("make report", mode, 0)
        verdict = _verdict(ratio[0] if ratio else None, target, binding)
        if mode == "warm" and ours.get("seconds") and verdict == "pass" and ours["seconds"] > MAKE_REPORT_SECONDS:
            verdict = f"miss (> {MAKE_REPORT_SECONDS} s)"
        rows.append(["shipped", "make report", mode, COST_TITLES["make report"][0], _seconds(ours),
                     COST_TITLES["make report"][1], _seconds(base), _ratio(ratio),
                     f"≤ {target:.2f}×" + (f", ≤ {MAKE_REPORT_SECONDS} s" if mode == "warm" else "") if target else "—",
                     verdict])
    for label, row in report["sizes"].items():
        for cost, mode, ours, base in _pairs(row):
            target, binding = target_of(cost, mode, row["postings"])
            ratio = paired_ratio(ours, base)
            ours_title, base_title = COST_TITLES[cost]
            rows.append([label, cost, mode, ours_title, _seconds(ours), base_title, _seconds(base), _ratio(ratio),
                         f"≤ {target:.2f}×" if target else "—", _verdict(ratio[0] if ratio else None, target, binding)])
    return rows


def startup_rows(report: dict) -> list[list[str]]:
    startup = report.get("startup") or {}
    titles = {"startup.pass": "python -c pass", "startup.loader": "python -c 'import beancount.loader'",
              "make_report.cold": "make report, cold (BOOKS_CACHE=off)",
              "make_report.warm": "make report, warm"}
    return [[title, _seconds(startup.get(name))] for name, title in titles.items() if name in startup]


def import_rows(report: dict) -> list[list[str]]:
    rows = []
    for label, row in report["sizes"].items():
        for result in (row.get("import_small"), row.get("import")):
            if result:
                rows.append([label, *_import_cells(result, row.get("postings", 0))])
    return rows


def _import_cells(result: dict, postings: int) -> list[str]:
    files = str(result.get("files", 1))
    if result.get("problem"):
        return [f"{result['entries']:,}", files, result["problem"][:200], "", "", "", "", "", ""]
    if "entries_per_second_beyond_load" not in result:      # a report from before the paired import rows
        rate = result["entries"] / result["seconds"]
        return [f"{result['entries']:,}", files, f"{result['seconds']:.2f}", f"{rate:,.0f}", "",
                f"{result['peak_mb']:.0f}", "", "", "—"]
    low, high = result["entries_per_second_range"]
    beyond_low, beyond_high = result["entries_per_second_beyond_load_range"]
    ratio_low, ratio_high = result["peak_ratio_range"]
    beyond, ratio = result["entries_per_second_beyond_load"], result["peak_ratio"]
    verdict = _verdict_of([beyond >= IMPORT_RATE, ratio <= IMPORT_PEAK], postings == TARGET_FROM)
    return [f"{result['entries']:,}", files, f"{result['seconds']:.2f}",
            f"{result['entries_per_second']:,} ({low:,}–{high:,})",
            f"{beyond:,} ({beyond_low:,}–{beyond_high:,}); two processes: {import_speed.paired_rate(result)}",
            f"{result['peak_mb']:.0f} (book {result['book_peak_mb']:.0f})",
            f"{ratio:.2f} ({ratio_low:.2f}–{ratio_high:.2f})",
            f"≥ {IMPORT_RATE:,}/s, ≤ {IMPORT_PEAK}×", verdict]


def _verdict_of(holds: list[bool], binding: bool) -> str:
    verdict = "pass" if all(holds) else "miss"
    return verdict if binding else f"({verdict})"


def growth_rows(report: dict) -> tuple[list[str], list[list[str]]]:
    """Per cost and side: seconds at each size, growth exponents, and a verdict.

    The exponent k between two sizes is log(t2/t1) / log(n2/n1), n the postings of the
    book; for the import n is the number of entries imported (capped at 100k, so from
    100k to 1M only the book grows: no exponent, the time ratio is shown instead).
    """
    labels = list(report["sizes"])
    sizes = [report["sizes"][label]["postings"] for label in labels]
    series: dict[tuple[str, str], list[tuple[int, float] | None]] = {}
    for i, label in enumerate(labels):
        row = report["sizes"][label]
        for cost, mode, ours, base in _pairs(row):
            ours_title, base_title = COST_TITLES[cost]
            keys = [((cost, f"{ours_title}, {mode}"), ours)]
            if mode == "cold":
                keys.append(((cost, base_title), base))
            for key, result in keys:
                seconds = result.get("seconds") if result else None
                series.setdefault(key, [None] * len(labels))[i] = (sizes[i], seconds) if seconds else None
        result = row.get("import")
        if result and not result.get("problem"):
            series.setdefault(("import", "python -m importers extract"), [None] * len(labels))[i] = (
                result["entries"], result["seconds"])
    steps = [f"{labels[i]}→{labels[i + 1]}" for i in range(len(labels) - 1)]
    header = ["cost", "command", *[f"{label} (s)" for label in labels], *[f"exp. {s}" for s in steps], "growth"]
    rows = []
    for (cost, title), points in series.items():
        exponents, cells = [], []
        for a, b in itertools.pairwise(points):
            if a and b and a[0] != b[0]:
                exponent = math.log(b[1] / a[1]) / math.log(b[0] / a[0])
                exponents.append(exponent)
                cells.append(f"{exponent:.2f}")
            elif a and b:
                cells.append(f"same n, ×{b[1] / a[1]:.1f}")
            else:
                cells.append("—")
        rows.append([cost, title, *[f"{p[1]:.2f}" if p else "—" for p in points], *cells, _growth_verdict(exponents)])
    return header, rows


def _growth_verdict(exponents: Sequence[float | None]) -> str:
    known = [e for e in exponents if e is not None]
    if not known:
        return "—"
    last = known[-1]
    if last <= LINEAR_EXPONENT:
        return "linear" if last >= 0.8 else "sub-linear (start-up dominated)"
    return f"super-linear (×{last:.2f})"


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(report: dict) -> str:
    parts = [f"Benchmark of {report['date']} on {report['machine']}"
             + (f"; {report['hledger']}" if report.get("hledger") else "") + "."]
    parts.append("")
    parts.append("Ratios (seconds: median CPU time of a fresh process, (min–max) of the rounds; page rows: wall "
                 "time of one request in a loaded Fava, bench/fava_page.py; ratio = ours / baseline taken round by "
                 "round, both run in one loop, median (min–max); cold = every book loaded afresh, as after an "
                 "edit (BOOKS_CACHE=off), first = the same and then the cache written (BOOKS_CACHE=rebuild, "
                 "shown, not targeted), warm = from books.loader's cache; verdicts in "
                 "brackets are below the size a target is stated for, where start-up costs dominate):")
    parts.append("")
    parts.append(markdown(["size", "cost", "mode", "ours", "s", "baseline", "s", "ratio", "target", "verdict"],
                          ratio_rows(report)))
    startup = startup_rows(report)
    if startup:
        parts += ["", "Start-up (median CPU seconds (min–max) of a fresh process):", "",
                  markdown(["command", "s"], startup)]
    imports = import_rows(report)
    if imports:
        parts += ["", ("camt.053 import (python -m importers extract into the book of that size, cold: "
                       "BOOKS_CACHE=off; statements of at most 8,000 entries; bench.import_speed), median "
                       "(min–max) over the rounds; beyond loading the book = entries / (the import process's CPU "
                       "− the CPU of its own book load), and as a cross-check the same from two processes: entries / "
                       "(import CPU − CPU of loading the book alone, measured beside it)):"), "",
                  markdown(["book", "entries", "files", "s", "entries/s", "beyond loading the book: entries/s",
                            "peak MB", "peak ÷ book", "target (median)", "verdict"], imports)]
    header, rows = growth_rows(report)
    if len(report["sizes"]) > 1:
        parts += ["", (f"Growth (exponent k of time ∝ n^k between sizes, n = postings, for the import n = entries; "
                       f"linear ≈ 1, up to {LINEAR_EXPONENT}):"), "",
                  markdown(header, rows)]
    for note in report.get("notes", []):
        parts.append(f"\nNote: {note}")
    for name, result in (report.get("startup") or {}).items():
        if result.get("problem"):
            parts.append(f"\nProblem at start-up, {name}: {result['problem']}")
    for label, row in report["sizes"].items():
        for group in ("check", "report"):
            for name, result in row.get(group, {}).items():
                if result.get("problem"):
                    parts.append(f"\nProblem at {label}, {name}: {result['problem']}")
        for group in ("page", "import", "import_small"):
            result = row.get(group) or {}
            problem = result.get("problem") or ((result.get("cold") or {}).get("ours") or {}).get("problem")
            if problem:
                parts.append(f"\nProblem at {label}, {group}: {problem}")
    return "\n".join(parts) + "\n"


def format_row_summary(label: str, row: dict) -> str:
    bits = []
    for cost, mode, ours, base in _pairs(row):
        bits.append(f"{cost} {mode} {_seconds(ours)}/{_seconds(base)}")
    return f"[{label}] " + "; ".join(bits)


README_BEGIN = "<!-- bench:begin (python -m bench --readme writes this block) -->"
README_END = "<!-- bench:end -->"


def update_readme(text: str, readme: Path = REPO / "README.md") -> bool:
    content = readme.read_text(encoding="utf-8")
    if README_BEGIN not in content or README_END not in content:
        return False
    head, rest = content.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_BEGIN}\n{text}{README_END}{tail}", encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Our costs against their baselines.")
    parser.add_argument("--sizes", default=os.environ.get("SIZES") or "1k,10k,100k",
                        help="book sizes in postings, e.g. 1k,10k,100k,1M (default 1k,10k,100k)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS") or 0) or None,
                        help="rounds per measurement (default 5 up to 100k, 1 above)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--out", type=Path, default=BUILD, help="working folder (default build/bench)")
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md's performance section")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({parse_size(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError as exc:
        parser.error(str(exc))
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()

    def write(report: dict, final: bool = False) -> str:
        report["wall_seconds"] = round(time.perf_counter() - started, 1)
        text = render(report)
        (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        (args.out / "results.md").write_text(text, encoding="utf-8")
        if args.readme:
            if update_readme(text):
                log("README.md: performance section updated" + ("" if final else " (the sizes so far)"))
            else:
                log(f"README.md has no {README_BEGIN} ... {README_END} block; not updated")
        return text

    args.out.mkdir(parents=True, exist_ok=True)
    report = run(sizes, args.rounds, args.out, args.seed, log=log, on_size=write)
    text = write(report, final=True)
    sys.stdout.write("\n" + text)
    log(f"\nwhole run: {report['wall_seconds']:.0f} s; tables in {args.out / 'results.md'}")
    return 0
