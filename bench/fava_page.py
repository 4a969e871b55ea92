"""The Begroting page against Fava's own income statement, on the same book, in one Fava.

    python -m bench.fava_page [ledger/boekhouding-2022.beancount] [--rounds 7]

A measurement, not a test: it prints the medians and their ratio, and `measure_page` returns
them for bench/run.py. Both pages are fetched through Fava's own WSGI app (its test client:
no sockets, so loopback noise stays out), read-only, with the book loaded once beforehand.

- cold: what the first viewer pays after the book changed (a bank import, an edit). For the
  Begroting page its cached page is dropped (the budget book stays loaded, as it does in a
  running Fava); for the income statement Fava's filtered-ledger cache is dropped. The
  income statement is what the board's browser fetches for it: the page shell
  (income_statement/) plus its data (api/income_statement?interval=quarter, the books'
  default page). The Begroting page is one request: its data is in the HTML.
- warm: the same requests again, nothing dropped.

Rounds alternate which page goes first; the median of the rounds is reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LEDGER = REPO / "ledger" / "boekhouding-2022.beancount"


def _timed(client, urls: list[str]) -> float:
    start = time.perf_counter()
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        response.get_data()
    return time.perf_counter() - start


def measure_page(ledger: str | Path = DEFAULT_LEDGER, rounds: int = 7) -> dict:
    """Median seconds of the Begroting page and of Fava's income statement on the same book.

    Returns page_seconds and income_statement_seconds (cold, the headline figures), the
    same warm, their ratios, the book's load time and every round's samples.
    """
    from fava.application import create_app

    start = time.perf_counter()
    app = create_app([str(Path(ledger).resolve())], read_only=True)
    client = app.test_client()
    fava_ledger = app.config["LEDGERS"].ledgers[0]
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    load_seconds = time.perf_counter() - start
    extension = fava_ledger.extensions.get_extension("Begroting")
    if extension is None:
        raise RuntimeError(f"{ledger}: the fava_begroting extension is not enabled in this book")
    page = [f"/{slug}/extension/Begroting/"]
    income = [f"/{slug}/income_statement/?interval=quarter", f"/{slug}/api/income_statement?interval=quarter"]

    def cold_page() -> float:
        extension._page = None  # noqa: SLF001 - what a changed book does to the page's cache
        return _timed(client, page)

    def cold_income() -> float:
        fava_ledger.get_filtered.cache_clear()
        return _timed(client, income)

    cold_page(), cold_income()  # warm-up: templates, the budget book, query parsing
    samples: dict[str, list[float]] = {"page": [], "income": [], "page_warm": [], "income_warm": []}
    for round_ in range(max(rounds, 1)):
        order = [("page", cold_page), ("income", cold_income)]
        for name, run in order if round_ % 2 == 0 else reversed(order):
            samples[name].append(run())
            samples[f"{name}_warm"].append(_timed(client, page if name == "page" else income))
    median = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "ledger": str(ledger),
        "rounds": max(rounds, 1),
        "load_seconds": load_seconds,
        "page_seconds": median["page"],
        "income_statement_seconds": median["income"],
        "ratio": median["page"] / median["income"],
        "page_warm_seconds": median["page_warm"],
        "income_statement_warm_seconds": median["income_warm"],
        "ratio_warm": median["page_warm"] / median["income_warm"],
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fava_page", description=__doc__.splitlines()[0])
    parser.add_argument("ledger", nargs="?", default=str(DEFAULT_LEDGER), help="a book with fava_begroting enabled")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    result = measure_page(args.ledger, args.rounds)
    print(f"{result['ledger']}: loaded in {result['load_seconds']:.2f} s; median of {result['rounds']} rounds")
    print(f"  cold  Begroting page {result['page_seconds'] * 1000:8.1f} ms   income statement "
          f"{result['income_statement_seconds'] * 1000:8.1f} ms   ratio {result['ratio']:.2f}")
    print(f"  warm  Begroting page {result['page_warm_seconds'] * 1000:8.1f} ms   income statement "
          f"{result['income_statement_warm_seconds'] * 1000:8.1f} ms   ratio {result['ratio_warm']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
