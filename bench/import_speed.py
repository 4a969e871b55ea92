"""The import's own benchmark: camt.053 entries into a synthetic book, cold.

    python -m bench.import_speed                              # 10k and 100k entries into the 100k book
    python -m bench.import_speed --postings 10k --entries 1k,10k --rounds 3

Every measurement is a fresh process, as the treasurer runs `make import`, cold: with
Beancount's pickle cache off (BEANCOUNT_DISABLE_LOAD_CACHE) and this project's book cache
off (BOOKS_CACHE=off, books.loader): the book is parsed, booked and checked from its
text. Two commands, measured one after the other in each round, alternating which goes
first (median of the rounds; CPU seconds and peak resident memory of the child, from wait4):

  book    loading the book alone (`books.loader.load_book`, without cyclic GC passes, as
          the import loads it): the floor of any import
  import  `python -m importers extract -e BOOK --any-year STATEMENTS` (printed; the
          book is not changed), the statements continuing the book from the day after
          its last entry (bench/camt.py: consecutive files of at most 8,000 entries);
          run through IMPORT below: the importers' own command line, with the CPU time
          spent inside the book's load (books.loader.load_book) counted apart

Reported (median, and min–max over the rounds): entries per second of the whole import
(book load included); of the import beyond loading the book, entries / (the import
process's CPU − the CPU of its own book load), everything else counted (start-up, the
modules it imports, reading, checking, printing); the same beyond-the-load rate as the
difference of the two processes (entries / (import CPU − book CPU), paired round by
round: a cross-check, but the difference of two runs of seconds each, so its spread is
wide at 10k); and the import's peak memory against the book's.
`--any-year` because the synthetic statements continue a 2022 book into 2023, a year
its budget does not cover (a real import refuses that; see importers.pipeline).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import camt as camt_files
from bench.generate import BUILD, REPO, Book, ensure_book, parse_size, size_label

PYTHON = sys.executable
# Loaded as the import loads it: without cyclic GC passes (importers.pipeline.import_files).
LOAD_BOOK = "import gc, sys\ngc.disable()\nfrom books.loader import load_book\nload_book(sys.argv[1])\n"


# The import as `python -m importers` runs it (importers.cli.main), with the CPU time spent
# inside the book's load counted apart; printed last on standard error.
IMPORT = """\
import resource, sys, time
import importers.book
from importers import cli
load, loading = importers.book.load_book_file, [0.0]
def timed(*args, **kwargs):
    started = time.process_time()
    try:
        return load(*args, **kwargs)
    finally:
        loading[0] += time.process_time() - started
importers.book.load_book_file = timed
try:
    status = cli.main(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
usage = resource.getrusage(resource.RUSAGE_SELF)
sys.stderr.write(f"\\n{CPU_MARK} {usage.ru_utime + usage.ru_stime} {loading[0]}\\n")
sys.exit(status)
"""
CPU_MARK = "import-cpu:"


def _own_cpu(stderr: str) -> tuple[float, float] | None:
    """(the import process's CPU, the CPU of its book load) from its last line, if printed."""
    for line in reversed(stderr.strip().splitlines()):
        if line.startswith(CPU_MARK):
            total, load = line.split()[1:3]
            return float(total), float(load)
    return None


def _child(argv: list[str]) -> tuple[float, float, int, str]:
    """(CPU seconds, peak MB, exit status, standard error) of a child process, cold cache."""
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1", BOOKS_CACHE="off", LC_ALL="C.UTF-8")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the compiled modules kept, as on the treasurer's machine
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                                   env=env, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), stderr


def statements(book: Book, entries: int, out: Path, seed: int = 2022) -> tuple[Path, int]:
    """A folder of camt.053 statements of `entries` entries continuing `book`; (folder, files)."""
    folder = out / "camt" / f"{size_label(entries)}-na-{size_label(book.postings)}"
    files = sorted(folder.glob("*.xml"))
    if not files:
        files = camt_files.write_statements(folder, entries, book.iban, seed=seed,
                                            start=book.last_date + datetime.timedelta(days=1),
                                            opening=book.bank_balance)
    return folder, len(files)


def measure_import(book: Book, entries: int, out: Path, rounds: int = 1) -> dict:
    """Import `entries` camt.053 entries into `book`, `rounds` times, beside loading the book alone."""
    folder, files = statements(book, entries, out)
    rules = camt_files.write_rules(out / "camt" / "regels.txt", _budget_accounts())
    load = [PYTHON, "-c", LOAD_BOOK, str(book.main)]
    extract = [PYTHON, "-c", IMPORT.replace("{CPU_MARK}", CPU_MARK), "extract", "-e", str(book.main),
               "--regels", str(rules), "--any-year", str(folder)]
    _child([PYTHON, "-c", "import importers.cli, books.loader"])  # a warm-up: the modules compiled once
    samples: dict[str, list[tuple[float, float]]] = {"book": [], "import": []}
    own: list[float] = []  # per round: the import process's CPU beyond its own book load
    for round_number in range(rounds):
        order = [("book", load), ("import", extract)]
        for name, argv in order if round_number % 2 == 0 else order[::-1]:
            cpu, peak, status, stderr = _child(argv)
            if status != 0:
                lines = [line for line in stderr.strip().splitlines() if not line.startswith(CPU_MARK)]
                return {"entries": entries, "files": files, "problem": lines[-1] if lines else f"exit {status}"}
            samples[name].append((cpu, peak))
            if name == "import":
                measured = _own_cpu(stderr)
                if measured is None:
                    return {"entries": entries, "files": files, "problem": "the import printed no CPU figures"}
                own.append(measured[0] - measured[1])
    book_cpu = statistics.median(cpu for cpu, _ in samples["book"])
    book_peak = statistics.median(peak for _, peak in samples["book"])
    cpu = statistics.median(cpu for cpu, _ in samples["import"])
    peak = statistics.median(peak for _, peak in samples["import"])
    # Per round: the import against the book load measured beside it.
    pairs = list(zip(samples["import"], samples["book"], strict=True))
    whole = [entries / cpu for (cpu, _), _ in pairs]
    beyond = [entries / max(seconds, 1e-9) for seconds in own]
    paired = [entries / max(cpu - book, 1e-9) for (cpu, _), (book, _) in pairs]
    ratios = [peak / book for (_, peak), (_, book) in pairs]
    return {
        "postings": book.postings, "entries": entries, "files": files, "rounds": rounds,
        "book_seconds": round(book_cpu, 2), "book_peak_mb": round(book_peak, 1),
        "seconds": round(cpu, 2), "peak_mb": round(peak, 1),
        "entries_per_second": round(statistics.median(whole)),
        "entries_per_second_range": [round(min(whole)), round(max(whole))],
        "entries_per_second_beyond_load": round(statistics.median(beyond)),
        "entries_per_second_beyond_load_range": [round(min(beyond)), round(max(beyond))],
        "beyond_load_seconds": round(statistics.median(own), 3),
        "entries_per_second_beyond_load_paired": round(statistics.median(paired)),
        "entries_per_second_beyond_load_paired_range": [round(min(paired)), round(max(paired))],
        "peak_ratio": round(statistics.median(ratios), 2),
        "peak_ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
    }


def _budget_accounts() -> dict[str, str]:
    from bench.generate import read_budget

    return {line.account.rsplit(":", 1)[-1]: line.account for line in read_budget()}


def table(results: list[dict]) -> str:
    """The results as a Markdown table."""
    lines = ["| book (postings) | entries | files | import s (CPU) | entries/s (min–max) "
             "| beyond loading the book: entries/s (min–max) | the same, two processes (min–max) "
             "| book alone s | peak MB | book alone MB | peak ÷ book (min–max) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        if "problem" in r:
            lines.append(f"| | {r['entries']} | {r['files']} | failed: {r['problem']} | | | | | | | |")
            continue
        lines.append(f"| {r['postings']:,} | {r['entries']:,} | {r['files']} | {r['seconds']:.2f} | "
                     f"{r['entries_per_second']:,} ({_range(r['entries_per_second_range'])}) | "
                     f"{r['entries_per_second_beyond_load']:,} ({_range(r['entries_per_second_beyond_load_range'])}) | "
                     f"{paired_rate(r)} | "
                     f"{r['book_seconds']:.2f} | {r['peak_mb']:.0f} | {r['book_peak_mb']:.0f} | "
                     f"{r['peak_ratio']:.2f} ({_range(r['peak_ratio_range'], '.2f')}) |")
    return "\n".join(lines)


def paired_rate(result: dict) -> str:
    """The beyond-the-load rate as the difference of the import and the book-alone processes."""
    if "entries_per_second_beyond_load_paired" not in result:
        return "—"
    return (f"{result['entries_per_second_beyond_load_paired']:,} "
            f"({_range(result['entries_per_second_beyond_load_paired_range'])})")


def _range(bounds: list, spec: str = ",") -> str:
    low, high = bounds
    return f"{low:{spec}}–{high:{spec}}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--postings", default="100k", help="size of the synthetic book (default 100k)")
    parser.add_argument("--entries", default="10k,100k", help="entries per import, comma-separated")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BUILD)
    args = parser.parse_args(argv)
    book = ensure_book(parse_size(args.postings), root=args.out / "books")
    results = []
    for entries in (parse_size(size) for size in args.entries.split(",")):
        print(f"[{size_label(book.postings)}] import of {entries} camt.053 entries ...", file=sys.stderr)
        results.append(measure_import(book, entries, args.out, args.rounds))
    (args.out / "import.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
