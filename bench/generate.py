"""Synthetic actual books for the benchmark: bank traffic against the 2022 budget lines.

    python -m bench.generate 10k                      # build/bench/books/10k/
    python -m bench.generate 1k 10k --camt 1k,10k     # two books, and camt.053 files
    python -m bench.generate 100k --years 5 --seed 7  # another spread, another draw

A book of N postings is N/2 transactions, each one posting on a budget account and one
on the bank account, dated over the years 2022..2022+Y-1 (Y is 1 unless asked, see
`default_years`). Every figure comes from the real books at run time:

- the budget lines and their amounts per quarter are read from the budget book
  (`ledger/begroting-2022.beancount`) through beanquery, never typed here;
- the main file is the actual book's main file (`ledger/boekhouding-2022.beancount`)
  with the same options, plugins and includes: its include of the chart of accounts and
  the paths in its plugin configurations (the budget book, the query folder) are
  rewritten to point at the real files; its own postings folder is replaced by the
  generated year files. A twin main file without the `plugins.*` lines is the
  baseline for bean-check;
- the bank account and its IBAN are those of the actual book.

The quarter total of each line is the budget times a random factor around 0.95 (so
about a third of the lines overrun), split over that quarter's transactions. The same
data is written as an hledger journal whose `~ quarterly` budget rules are generated
from the budget book's entries. Everything is deterministic given the seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import random
import re
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ACTUAL_BOOK = REPO / "ledger" / "boekhouding-2022.beancount"
BUILD = REPO / "build" / "bench"
FIRST_YEAR = 2022
CENT = Decimal("0.01")
# Bumped whenever the output for a given (size, seed, years) changes, so cached books are rebuilt.
GENERATOR_VERSION = 5

OUR_PLUGIN = re.compile(r'^\s*plugin\s+"plugins\.')
# A dict-literal configuration in a string: plugin lines and custom "fava-extension" lines.
CONFIG_STRING = re.compile(r'"(\{(?:[^"\\]|\\.)*\})"')
INCLUDE_LINE = re.compile(r'^(\s*include\s+)"([^"]+)"(.*)$')


def parse_size(text: str) -> int:
    """'1k' -> 1000, '1M' -> 1000000, '2500' -> 2500."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 1k, 10k, 1M or a number)")
    factor = {"": 1, "k": 1000, "m": 1000000}[match.group(2).lower()]
    return int(Decimal(match.group(1)) * factor)


def size_label(postings: int) -> str:
    for factor, suffix in ((1000000, "M"), (1000, "k")):
        if postings >= factor and postings % factor == 0:
            return f"{postings // factor}{suffix}"
    return str(postings)


def default_years(postings: int) -> int:
    """Years of books: one, 2022, whatever the size.

    The actual book is kept per budget year: plugins.budget_guard holds it to the one
    budget book it names and reports every posting outside that budget year, and the
    budget-versus-actual report covers that year. A multi-year book (`--years N`) is
    possible, but then most postings are errors by design and the benchmark would
    measure the printing of errors. Decades of books are decades of such yearly books;
    the sizes here are how busy one year gets.
    """
    return 1


# ---------------------------------------------------------------- reading the real books


@dataclasses.dataclass(frozen=True)
class BudgetLine:
    account: str
    label: str
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]  # as booked: income negative


def read_budget(budget_book: Path | None = None) -> list[BudgetLine]:
    """The budget lines of the budget book and their amounts per quarter, from the budget model.

    Without budget_book: the one the actual book names (plugins.budget_book, as bean-check finds it).
    """
    from plugins.budget_book import load_budget_book

    book = load_budget_book(str(budget_book or BUDGET_BOOK))
    if book.errors:
        raise SystemExit(f"{book.filename}: the budget book has errors; run bean-check on it")
    def signed(line, quarter: int) -> Decimal:
        return -line.quarters[quarter] if line.income else line.quarters[quarter]

    return [BudgetLine(line.account, line.label, (signed(line, 1), signed(line, 2), signed(line, 3), signed(line, 4)))
            for line in sorted(book.lines.values(), key=lambda line: line.account)]


def named_budget_book(actual_book: Path) -> Path:
    """The budget book that the actual book's guard line names (parsed, not loaded: no plugins run)."""
    from beancount.parser import parser

    from plugins.budget_book import guard_setting

    _, _, options = parser.parse_file(str(actual_book))
    setting, errors = guard_setting(options)
    if setting is None:
        raise SystemExit(f"{actual_book}: names no budget book in a plugin \"plugins.budget_guard\" line "
                         + (errors[0].message if errors else ""))
    return Path(setting.path)


BUDGET_BOOK = named_budget_book(ACTUAL_BOOK)


def read_bank(actual_book: Path = ACTUAL_BOOK) -> tuple[str, str]:
    """The actual book's bank account and its IBAN (from the `iban:` of its open directive)."""
    from beancount import loader
    from beancount.core import data

    entries, _, _ = loader.load_file(str(actual_book))
    for entry in entries:
        if isinstance(entry, data.Open) and entry.meta.get("iban"):
            return entry.account, str(entry.meta["iban"]).replace(" ", "")
    raise SystemExit(f"{actual_book}: no open directive with an iban: metadata")


# ---------------------------------------------------------------- realistic traffic

SURNAMES = (
    "de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Smit", "Meijer", "van den Berg", "Mulder",
    "de Boer", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
    "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "Yilmaz", "El Amrani", "Schouten",
)
INITIALS = "ABCDEFGHIJKLMNOPRSTWY"

# Per budget line (the last part of the account name): the counterparties, the narration
# (formatted with year, quarter, month, n) and the typical size of one bank transaction in
# euro, which sets how many transactions a line gets. Lines not named here get a default.
TRAFFIC = {
    "IndividueleLeden": ((None,), "Contributie {year} lidnr {n}", 24),
    "CollectieveLedenZorgCo": (("Zorg&Co Cooperatie U.A.",), "Collectieve contributie {year} Q{quarter} deel {n}", 600),
    "Seats2Meet": (("Seats2Meet B.V.", "Society 3.0 Foundation"), "Sponsorbijdrage {year} termijn {n}", 2500),
    "Tulpenfonds": (("Stichting Tulpenfonds",), "Bijdrage Tulpenfonds {year} kenmerk TF-{n}", 2500),
    "SharePeople": (("SharePeople B.V.",), "Sponsoring {year} factuur SP{n}", 2500),
    "BitesBusiness": (("Bites& Business",), "Bijdrage leden Bites& Business {year} deel {n}", 500),
    "Uniforce": (("Uniforce Groep B.V.",), "Toezegging Uniforce {year}", 300),
    "OverigeMedestanders": ((None,), "Gift medestander {year}", 100),
    "Podcast": (
        ("Stichting Podcastfonds", "Studio Geluid Amsterdam", "Audiohuis Utrecht"),
        "Podcast aflevering {n} {year}",
        400,
    ),
    "PodcastBuitenland": (("European Podcast Foundation",), "Sponsoring podcast buitenland {year}", 1500),
    "CrowdfundingRechtzaak": ((None,), "Donatie rechtzaak via Voordekunst {n}", 35),
    "Onderzoek": (
        ("Fonds Werk en Inkomen", "Stichting Arbeidsonderzoek"),
        "Subsidie onderzoek {year} termijn {n}",
        2500,
    ),
    "Deuglat": (("Deuglat",), "Opbrengst Deuglat {year}-{month:02d}", 75),
    "RaadVanAnders": (("Raad van Anders",), "Vergoeding Raad van Anders {year}-{month:02d}", 50),
    "Kernteam": ((None,), "Factuur {year}-{n:04d} kernteam {year}-{month:02d}", 1150),
    "ExternAdvies": (("Adviesbureau Terra B.V.", "Blauw & Partners Advocaten"), "Factuur advies {year}-{n:04d}", 750),
    "OverigeInhuur": ((None,), "Inhuur ondersteuning factuur {year}-{n:04d}", 250),
    "RechtzaakTegenDeStaat": (
        ("Blauw & Partners Advocaten", "Griffie Rechtbank Den Haag"),
        "Rechtzaak tegen de staat declaratie {n}",
        1250,
    ),
    "Crowdfunding": (("Voordekunst B.V.",), "Platformkosten crowdfunding {year}-{month:02d}", 100),
    "VergelijkendOnderzoek": (
        ("Onderzoeksbureau Panteia", "Universiteit Utrecht"),
        "Vergelijkend onderzoek factuur {n}",
        2000,
    ),
    "Festival": (
        ("Zaalverhuur De Kroon", "Catering Smaakvol", "Podiumtechniek Oost"),
        "Festival {year} factuur {n}",
        500,
    ),
    "Magazine": (("Drukkerij Van der Linden", "PostNL Zakelijk"), "Magazine {year} nr {n}", 400),
    "PlatformVerbinden": (("Webbureau Verbinding B.V.",), "Platform verbinden factuur {year}-{n:04d}", 300),
    "DagModernWerkenden": (
        ("Evenementenlocatie De Fabriek", "Catering Smaakvol"),
        "Dag vd Modern Werkenden {year} factuur {n}",
        250,
    ),
    "MarketingSocial": (
        ("Meta Platforms Ireland Ltd", "LinkedIn Ireland", "Drukwerkdeal"),
        "Advertenties {year}-{month:02d} ref {n}",
        60,
    ),
    "Automatisering": (
        ("TransIP B.V.", "Microsoft Ireland Operations"),
        "Abonnement {year}-{month:02d} factuur {n}",
        25,
    ),
    "Administratie": (("Administratiekantoor Zuid",), "Administratie {year}-{month:02d}", 40),
    "OverigeKantoorkosten": (("Bol.com", "Staples Nederland"), "Bestelling {n} kantoorartikelen", 25),
    "Bankkosten": (("Triodos Bank",), "Kosten betaalrekening {year}-{month:02d}", 3),
}
DEFAULT_TRAFFIC = ((None,), "Betaling {year}-{month:02d} ref {n}", 100)


def _traffic(account: str):
    return TRAFFIC.get(account.rsplit(":", 1)[-1], DEFAULT_TRAFFIC)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(INITIALS)}. {rng.choice(SURNAMES)}"


@dataclasses.dataclass(frozen=True)
class Txn:
    date: datetime.date
    payee: str
    narration: str
    account: str
    amount: Decimal  # on the budget account, as booked (income negative); the bank gets -amount


def plan_cells(budget: list[BudgetLine], years: int, rng: random.Random):
    """Per (year, quarter, line): the actual total to reach. Returns a list of (y, q, line, total)."""
    cells = []
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        for line in budget:
            for quarter, planned in enumerate(line.quarters, start=1):
                if planned:
                    factor = max(0.3, rng.gauss(0.95, 0.12))
                    total = (abs(planned) * Decimal(str(round(factor, 4)))).quantize(CENT)
                elif rng.random() < 0.1:
                    # Now and then something is booked on a line in a quarter without budget.
                    total = (Decimal(_traffic(line.account)[2]) * rng.randint(1, 3)).quantize(CENT)
                else:
                    continue
                sign = -1 if planned < 0 or (not planned and line.account.startswith("Inkomsten:")) else 1
                cells.append((year, quarter, line, sign * total))
    return cells


def allocate(weights: list[float], total: int) -> list[int]:
    """Split `total` over the cells: one each first (while it lasts), the rest by weight."""
    counts = [0] * len(weights)
    if total <= 0 or not weights:
        return counts
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    base = min(total, len(weights))
    for i in order[:base]:
        counts[i] = 1
    rest = total - base
    if rest:
        wsum = sum(weights) or 1.0
        shares = [rest * w / wsum for w in weights]
        floors = [int(s) for s in shares]
        for i, f in enumerate(floors):
            counts[i] += f
        left = rest - sum(floors)
        for i in sorted(range(len(weights)), key=lambda i: floors[i] - shares[i])[:left]:
            counts[i] += 1
    return counts


def _quarter_dates(year: int, quarter: int) -> tuple[datetime.date, int]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, (end - start).days


def split_amount(total: Decimal, n: int, rng: random.Random) -> list[Decimal]:
    """Split a total into n amounts of varying size, each at least one cent.

    The amounts add up to the total, except when the total has fewer cents than n:
    then each amount is one cent.
    """
    if n == 1:
        return [total]
    sign = -1 if total < 0 else 1
    cents = int(abs(total) / CENT)
    if cents <= n:
        return [sign * CENT] * n
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    spare = cents - n
    wsum = sum(weights)
    parts = [1 + int(spare * w / wsum) for w in weights]
    parts[-1] += cents - sum(parts)
    return [sign * Decimal(p) * CENT for p in parts]


def generate_transactions(budget: list[BudgetLine], transactions: int, years: int, seed: int) -> list[Txn]:
    rng = random.Random(seed)
    cells = plan_cells(budget, years, rng)
    weights = [float(abs(total)) / _traffic(line.account)[2] for _, _, line, total in cells]
    counts = allocate(weights, transactions)
    txns: list[Txn] = []
    serial: defaultdict[str, int] = defaultdict(int)
    for (year, quarter, line, total), count in zip(cells, counts, strict=True):
        if not count:
            continue
        payees, narration, _ = _traffic(line.account)
        start, days = _quarter_dates(year, quarter)
        for amount in split_amount(total, count, rng):
            date = start + datetime.timedelta(days=rng.randrange(days))
            serial[line.account] += 1
            payee = rng.choice(payees) or _person(rng)
            text = narration.format(year=year, quarter=quarter, month=date.month, n=serial[line.account])
            txns.append(Txn(date, payee, text, line.account, amount))
    txns.sort(key=lambda t: t.date)
    return txns


# ---------------------------------------------------------------- writing the books

ROOT_OPTIONS = (
    'option "name_assets"      "Activa"\n'
    'option "name_liabilities" "Passiva"\n'
    'option "name_equity"      "Vermogen"\n'
    'option "name_income"      "Inkomsten"\n'
    'option "name_expenses"    "Uitgaven"\n'
)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def write_beancount_year(filename: Path, year: int, txns: list[Txn], bank: str) -> None:
    with open(filename, "w", encoding="utf-8") as out:
        out.write(f"; Synthetische bankboekingen {year} (bench/generate.py; niet bewerken).\n\n")
        out.write(ROOT_OPTIONS)
        out.write("\n")
        write = out.write
        for t in txns:
            write(
                f'{t.date} * "{_quote(t.payee)}" "{_quote(t.narration)}"\n'
                f"  {t.account}  {t.amount} EUR\n"
                f"  {bank}  {-t.amount} EUR\n\n"
            )


def _rewrite_config(config: str, source_dir: Path, target_dir: Path) -> str:
    """Point relative paths of a plugin configuration (a dict literal) at the real files."""
    import ast

    try:
        value = ast.literal_eval(config)
    except (ValueError, SyntaxError):
        return config
    if not isinstance(value, dict):
        return config

    def fix(item):
        if isinstance(item, str) and item and not os.path.isabs(item) and (source_dir / item).exists():
            return os.path.relpath(source_dir / item, target_dir)
        if isinstance(item, list):
            return [fix(i) for i in item]
        return item

    return repr({key: fix(val) for key, val in value.items()})


def write_main_files(source: Path, target_dir: Path, year_files: list[str]) -> tuple[Path, Path]:
    """The actual book's main file, re-pointed; and its twin without our plugin lines."""
    source_dir = source.parent
    own_folder = source.stem + "/"
    lines: list[str] = []
    replaced = False
    for line in source.read_text(encoding="utf-8").splitlines():
        include = INCLUDE_LINE.match(line)
        if include:
            name = include.group(2)
            if name.startswith(own_folder):
                # The book's own postings: replaced by the generated year files (once).
                if not replaced:
                    lines.extend(f'include "{f}"' for f in year_files)
                    replaced = True
                continue
            if not os.path.isabs(name):
                name = os.path.relpath(source_dir / name, target_dir)
            line = f'{include.group(1)}"{name}"{include.group(3)}'
        elif not line.lstrip().startswith(";"):
            line = CONFIG_STRING.sub(
                lambda m: '"' + _quote(_rewrite_config(m.group(1).replace('\\"', '"'), source_dir, target_dir)) + '"',
                line,
            )
        lines.append(line)
    if not replaced:
        lines.append("")
        lines.extend(f'include "{f}"' for f in year_files)
    header = f"; Synthetisch boek (bench/generate.py) naar het model van {os.path.relpath(source, REPO)}.\n"
    main = target_dir / "boekhouding.beancount"
    plain = target_dir / "boekhouding-zonder-plugins.beancount"
    main.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    plain_lines = [
        "; zonder plugin: " + line.strip() if OUR_PLUGIN.match(line) else line for line in lines
    ]
    plain.write_text(header + "\n".join(plain_lines) + "\n", encoding="utf-8")
    return main, plain


def write_hledger(
    filename: Path, txns: list[Txn], budget: list[BudgetLine], years: int, bank: str, budget_book: Path
) -> None:
    """The same data as an hledger journal, with `~ quarterly` rules from the budget entries."""
    counter = _budget_counter_account(budget_book)
    with open(filename, "w", encoding="utf-8") as out:
        out.write("; Synthetic books (bench/generate.py): the same transactions as the Beancount book,\n")
        out.write(
            f"; with budget rules generated from {os.path.relpath(budget_book, REPO)} (one per quarter per year).\n"
        )
        out.write("decimal-mark .\ncommodity 1000.00 EUR\n\n")
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            for quarter in range(1, 5):
                rows = [(line.account, line.quarters[quarter - 1]) for line in budget if line.quarters[quarter - 1]]
                if not rows:
                    continue
                start, days = _quarter_dates(year, quarter)
                end = start + datetime.timedelta(days=days)
                out.write(f"~ quarterly from {start} to {end}  ; begroting Q{quarter}\n")
                for account, amount in rows:
                    out.write(f"    {account}  {amount} EUR\n")
                out.write(f"    {counter}\n\n")
        write = out.write
        for t in txns:
            narration = f"{t.payee} | {t.narration}".replace(";", ",")
            write(f"{t.date} * {narration}\n    {t.account}  {t.amount} EUR\n    {bank}  {-t.amount} EUR\n\n")


def _budget_counter_account(budget_book: Path) -> str:
    """The counter-account of the budget entries (the posting that is not a budget line)."""
    from beancount import loader
    from beancount.core import data

    entries, _, _ = loader.load_file(str(budget_book))
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if not posting.account.startswith(("Inkomsten:", "Uitgaven:")):
                    return posting.account
    return "Activa:GeplandeLiquiditeit"


@dataclasses.dataclass
class Book:
    """A generated book: its folder, its files and what it holds."""

    directory: Path
    main: Path
    plain: Path
    journal: Path
    postings: int
    transactions: int
    years: int
    seed: int
    bank: str
    iban: str
    last_date: datetime.date
    bank_balance: Decimal

    @classmethod
    def load(cls, directory: Path) -> "Book":
        info = json.loads((directory / "book.json").read_text())
        return cls(
            directory=directory,
            main=directory / info["main"],
            plain=directory / info["plain"],
            journal=directory / info["journal"],
            postings=info["postings"],
            transactions=info["transactions"],
            years=info["years"],
            seed=info["seed"],
            bank=info["bank"],
            iban=info["iban"],
            last_date=datetime.date.fromisoformat(info["last_date"]),
            bank_balance=Decimal(info["bank_balance"]),
        )


def generate_book(
    postings: int,
    out_dir: Path,
    seed: int = 2022,
    years: int | None = None,
    actual_book: Path = ACTUAL_BOOK,
    budget_book: Path = BUDGET_BOOK,
) -> Book:
    """Write a synthetic actual book of `postings` postings into out_dir."""
    years = years or default_years(postings)
    transactions = postings // 2
    out_dir.mkdir(parents=True, exist_ok=True)
    budget = read_budget(budget_book)
    bank, iban = read_bank(actual_book)
    txns = generate_transactions(budget, transactions, years, seed)
    postings_dir = out_dir / "boekingen"
    postings_dir.mkdir(exist_ok=True)
    for old in postings_dir.glob("*.beancount"):
        old.unlink()
    by_year = defaultdict(list)
    for t in txns:
        by_year[t.date.year].append(t)
    year_files = []
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        name = f"boekingen/{year}.beancount"
        write_beancount_year(out_dir / name, year, by_year.get(year, []), bank)
        year_files.append(name)
    main, plain = write_main_files(actual_book, out_dir, year_files)
    journal = out_dir / "boekhouding.journal"
    write_hledger(journal, txns, budget, years, bank, budget_book)
    info = {
        "generator": GENERATOR_VERSION,
        "main": main.name,
        "plain": plain.name,
        "journal": journal.name,
        "postings": 2 * len(txns),
        "transactions": len(txns),
        "years": years,
        "seed": seed,
        "bank": bank,
        "iban": iban,
        # Where a bank statement continues this book: the bank balance after the last day.
        "last_date": str(txns[-1].date) if txns else f"{FIRST_YEAR - 1}-12-31",
        "bank_balance": str(-sum((t.amount for t in txns), Decimal(0))),
        "sources": _source_stamp(actual_book, budget_book),
    }
    (out_dir / "book.json").write_text(json.dumps(info, indent=2) + "\n")
    return Book.load(out_dir)


def _source_stamp(actual_book: Path, budget_book: Path) -> dict:
    """What a generated book depends on: the source books' text (a cache key)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(
        {actual_book, budget_book, *actual_book.parent.glob("*.beancount"), *budget_book.parent.glob("*/*.beancount")}
    ):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return {"sha256": digest.hexdigest()}


def ensure_book(postings: int, root: Path = BUILD / "books", seed: int = 2022, years: int | None = None) -> Book:
    """The generated book of this size, regenerated only when missing or out of date."""
    directory = root / size_label(postings)
    info_file = directory / "book.json"
    years = years or default_years(postings)
    if info_file.exists():
        try:
            info = json.loads(info_file.read_text())
        except ValueError:
            info = {}
        if (
            info.get("generator") == GENERATOR_VERSION
            and info.get("seed") == seed
            and info.get("years") == years
            and info.get("transactions") == postings // 2
            and info.get("sources") == _source_stamp(ACTUAL_BOOK, BUDGET_BOOK)
        ):
            return Book.load(directory)
    return generate_book(postings, directory, seed=seed, years=years)


def main(argv: list[str] | None = None) -> int:
    from bench import camt

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", default=["1k"], help="books to write, in postings (1k, 10k, 100k, 1M)")
    parser.add_argument(
        "--out", type=Path, default=BUILD / "books", help="folder for the books (default build/bench/books)"
    )
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument(
        "--years", type=int, help="years of books from 2022 (default 1: the budget year; see default_years)"
    )
    parser.add_argument("--camt", default="", help="also write camt.053 files of these entry counts, e.g. 1k,10k,100k, "
                        "each continuing the first book")
    args = parser.parse_args(argv)
    try:
        sizes = [parse_size(s) for s in args.sizes] or [1000]
        camt_sizes = [parse_size(s) for s in args.camt.split(",") if s.strip()]
    except ValueError as exc:
        parser.error(str(exc))
    for size in sizes:
        book = generate_book(size, args.out / size_label(size), seed=args.seed, years=args.years)
        last_year = FIRST_YEAR + book.years - 1
        print(f"{book.main}: {book.postings} postings, {book.transactions} transactions,"
              f" years {FIRST_YEAR}..{last_year}")
    if camt_sizes:
        # Each statement continues the smallest book written (its bank balance and last day).
        book = Book.load(args.out / size_label(min(sizes)))
        start = book.last_date + datetime.timedelta(days=1)
        for n in camt_sizes:
            if n <= camt.MAX_ENTRIES_PER_FILE:
                target = args.out.parent / "camt" / f"camt053-{size_label(n)}.xml"
                camt.write_statement(target, n, book.iban, seed=args.seed, start=start, opening=book.bank_balance)
            else:  # beangulp reads files of at most 8 MiB: consecutive statements in a folder
                target = args.out.parent / "camt" / f"camt053-{size_label(n)}"
                camt.write_statements(target, n, book.iban, seed=args.seed, start=start, opening=book.bank_balance)
            print(f"{target}: {n} entries for {book.iban}, continuing {book.main}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
