"""The next year's books as text: a draft budget with last year's lines and an actual book that opens
with last year's closing balances.

One book per year (README: "The year cycle"): `make nieuw-jaar JAAR=2023` writes new files
beside 2022's and changes none of them, so 2022's reports stay byte-identical, and each
actual book keeps the budget guard's rule that every income and expense posting falls in
its budget year. The new files:

    ledger/begroting-2023.beancount             the draft budget book (outline: options, includes, plugins)
    ledger/begroting-2023/posten.beancount      one entry per 2022 budget line and quarter, amount 0 EUR to
                                                fill in, 2022's begroting and realisatie beside it as metadata
    ledger/boekhouding-2023.beancount           the actual book of 2023 (outline)
    ledger/boekhouding-2023/beginbalans.beancount  the opening balances: 2022's closing balans
    ledger/boekhouding-2023/bank.beancount      reviewed bank entries of 2023 (empty)
    ledger/boekhouding-2023/te-controleren.beancount  what make import adds (empty)

The opening balances are the jaarrekening's balans per 31 December (annual.model): every
asset and liability carried over, each bestemmingsfonds with its closing amount, and the
rest of the equity (the algemene reserve, last year's result included) on
Vermogen:AlgemeneReserve. The chart of accounts (rekeningen.beancount) and the queries are
shared by all years and included, not copied.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from annual.books import YearBooks
from annual.model import Jaarrekening
from plugins.budget_model import actuals_by_quarter, budget_entries, quarter_of

GENERAL_RESERVE = "Vermogen:AlgemeneReserve"
ZERO = Decimal(0)
OWN_META = {"filename", "lineno"}
ROOT_OPTIONS = (("name_assets", "Activa"), ("name_liabilities", "Passiva"), ("name_equity", "Vermogen"),
                ("name_income", "Inkomsten"), ("name_expenses", "Uitgaven"))


@dataclass(frozen=True)
class YearFiles:
    """The files of one year's two books inside a ledger folder."""

    ledger: Path
    year: int

    @property
    def budget(self) -> Path:
        return self.ledger / f"begroting-{self.year}.beancount"

    @property
    def budget_entries(self) -> Path:
        return self.ledger / f"begroting-{self.year}" / "posten.beancount"

    @property
    def actual(self) -> Path:
        return self.ledger / f"boekhouding-{self.year}.beancount"

    @property
    def opening(self) -> Path:
        return self.ledger / f"boekhouding-{self.year}" / "beginbalans.beancount"

    @property
    def bank(self) -> Path:
        return self.ledger / f"boekhouding-{self.year}" / "bank.beancount"

    @property
    def to_review(self) -> Path:
        return self.ledger / f"boekhouding-{self.year}" / "te-controleren.beancount"

    def new_files(self) -> list[Path]:
        """Every file nieuw-jaar writes, main files last (a book is complete once its main file is there)."""
        return [self.budget_entries, self.opening, self.bank, self.to_review, self.budget, self.actual]


def quarter_tags_of(entry: data.Transaction) -> list[str]:
    """The quarter tags (#Q1..#Q4) of a budget entry."""
    return [tag for tag in entry.tags or () if len(tag) == 2 and tag[0] == "Q" and tag[1] in "1234"]


def amount_text(number: Decimal) -> str:
    return f"{number} EUR"


def _root_options(options: dict) -> str:
    return "\n".join(f'option "{name}"{" " * (17 - len(name))}"{options.get(name, default)}"'
                     for name, default in ROOT_OPTIONS)


INCLUDED_HEADER = """; Beancount leest een opgenomen bestand met zijn eigen opties: de Nederlandse namen van
; de hoofdrekeningen moeten daarom ook hier staan (gelijk aan het hoofdbestand).
"""


def _rename_year(text: str, previous: int, year: int) -> str:
    """A line of last year's main file made this year's: its book names and dates move one year on."""
    text = re.sub(rf"\b(begroting|boekhouding)-{previous}\b", rf"\g<1>-{year}", text)
    if text.startswith('option "title"'):
        text = re.sub(rf"\b{previous}\b", str(year), text)
    return re.sub(rf"^{previous}-01-01\b", f"{year}-01-01", text)


def _lines_of(main_file: str, pattern: str) -> list[str]:
    """The lines of a book's main file that match pattern (with the continuation lines of a directive)."""
    found = []
    with open(main_file, encoding="utf-8") as handle:
        for line in handle:
            if re.match(pattern, line):
                found.append(line.rstrip("\n"))
    return found


def _own_opens(entries: list, main_file: str, year: int, keep: Iterable[str] = ()) -> list[data.Open]:
    """The open directives written in the book's own files (not in shared files like rekeningen.beancount).

    A book's own files are its main file and the folder named after it (boekhouding-2022/…).
    Accounts closed during the year are left out.
    """
    main = os.path.abspath(main_file)
    folder = main.removesuffix(".beancount") + os.sep
    closed = {entry.account for entry in entries if isinstance(entry, data.Close)}
    opens = []
    for entry in entries:
        if not isinstance(entry, data.Open) or entry.account in closed:
            continue
        filename = os.path.abspath(str(entry.meta.get("filename", "")))
        if filename == main or filename.startswith(folder) or entry.account in keep:
            opens.append(entry)
    return opens


def _open_text(entry: data.Open, year: int) -> str:
    currencies = " ".join(entry.currencies or [])
    lines = [f"{year}-01-01 open {entry.account}{' ' + currencies if currencies else ''}".rstrip()]
    lines += [f"  {key}: {_meta_text(value)}" for key, value in entry.meta.items()
              if key not in OWN_META and not key.startswith("_")]
    return "\n".join(lines)


def _meta_text(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


# ---------------------------------------------------------------- the actual book


def opening_entry(report: Jaarrekening, year: int) -> tuple[list[tuple[str, Decimal]], str]:
    """The postings of the opening balance (as booked: assets positive, liabilities and equity negative)."""
    b = report.balance
    postings = [(line.account or "", line.amount) for line in (*b.cash, *b.receivables)]
    postings += [(line.account or "", -line.amount) for line in b.liabilities]
    postings += [(line.account or "", -line.amount) for line in b.funds]
    postings.append((GENERAL_RESERVE, -b.general_reserve.amount))
    postings = [(account, amount) for account, amount in postings if amount != 0]
    narration = f"Slotbalans 31 december {report.year} (jaarrekening {report.year})"
    return postings, narration


def actual_texts(books: YearBooks, report: Jaarrekening, files: YearFiles) -> dict[Path, str]:
    """The new actual book: main file, opening balances, empty bank and review files."""
    previous, year = report.year, files.year
    prev_main = books.actual.filename
    options = books.actual.options
    opens = _own_opens(books.actual.entries, prev_main, previous)
    opened = {entry.account for entry in books.actual.entries if isinstance(entry, data.Open)}
    postings, narration = opening_entry(report, year)
    for account, _ in postings:
        if account not in opened and account != GENERAL_RESERVE:
            raise ValueError(f"{account} has a balance but no open directive")  # cannot happen after bean-check
    reserve_open = [] if GENERAL_RESERVE in opened else [
        f'{year}-01-01 open {GENERAL_RESERVE} EUR\n  label: "Algemene reserve"']
    width = max([len(account) for account, _ in postings] + [40])
    opening_lines = [f'{year}-01-01 * "Beginbalans 1 januari {year}" "{narration}"',
                     f'  jaarrekening: "{os.path.basename(prev_main)}"']
    opening_lines += [f"  {account:<{width}}  {amount_text(amount)}" for account, amount in postings]
    opening = (f"""; Beginbalans {year}: de slotbalans per 31 december {previous} uit de jaarrekening {previous}.
;
; Geschreven door make nieuw-jaar JAAR={year} uit {os.path.basename(prev_main)} (balans uit
; queries/balans.bql, bestemmingsfondsen uit queries/fondsmutaties.bql). Activa en schulden
; lopen door; elk bestemmingsfonds houdt wat er per 31 december in zat; de rest van het
; eigen vermogen, het resultaat {previous} inbegrepen, staat op de algemene reserve.
; Verandert de jaarrekening {previous} nog (een correctie na de kascontrole), pas dit dan aan.

{INCLUDED_HEADER}{_root_options(options)}

;; ---------------------------------------------------------------- Rekeningen van de vereniging

; Overgenomen uit {os.path.basename(prev_main)}: de bankrekening(en) met hun IBAN (make import
; herkent een afschrift daaraan) en de andere balansrekeningen.
""" + "\n".join(_open_text(entry, year) for entry in opens) + "\n"
               + ("\n".join(reserve_open) + "\n" if reserve_open else "")
               + "\n;; ---------------------------------------------------------------- Beginbalans\n\n"
               + ("\n".join(opening_lines) + "\n" if postings else
                  f"; Geen saldi per 31 december {previous}: er is geen beginbalans te boeken.\n"))
    bank = (f"""; Gecontroleerde boekingen uit de bankafschriften van {year}.
; make import JAAR={year} schrijft nieuwe boekingen naar te-controleren.beancount; de penningmeester
; controleert ze (vlag "!" = nog te rubriceren) en verplaatst ze daarna naar dit bestand.

{INCLUDED_HEADER}{_root_options(options)}
""")
    review = (f"""; Nieuwe boekingen uit de bankafschriften van {year}, nog te controleren.
;
; make import JAAR={year} voegt hier alleen boekingen toe die nog niet in het boek staan (herkend
; aan hun import-id). Controleer ze: een boeking met vlag "!" staat op Passiva:NogTeRubriceren
; omdat geen categorieregel (importers/regels.txt) paste. Zet er de juiste begrotingsrekening
; neer, maak van de "!" een "*" en verplaats de boeking naar bank.beancount.

{INCLUDED_HEADER}{_root_options(options)}
""")
    return {files.opening: opening, files.bank: bank, files.to_review: review,
            files.actual: _main_text(prev_main, previous, year, "Boekhouding", [
                ("Beginbalans: de slotbalans van " + str(previous) + " (make nieuw-jaar).", files.opening),
                (("Ingelezen en gecontroleerde bankafschriften (make import schrijft eerst naar\n"
                 f"; boekhouding-{year}/te-controleren.beancount; na controle hierheen verplaatsen)."), files.bank),
                ("Wat make import nieuw uit de bank inlas en nog gecontroleerd moet worden.", files.to_review)])}


def _main_text(prev_main: str, previous: int, year: int, kind: str, own: list[tuple[str, Path]]) -> str:
    """A new main file, an outline like last year's: its options, Fava lines, shared includes and plugins.

    Options, `custom "fava-…"` lines and plugin lines are taken over from last year's main
    file with the year moved on (the plugins keep their configuration, the guard now names
    this year's budget); includes of last year's own files are replaced by this year's.
    """
    prev_name = os.path.basename(prev_main).removesuffix(".beancount")
    folder = Path(prev_main).parent
    options = [_rename_year(line, previous, year) for line in _lines_of(prev_main, r'option "')]
    favas = [_rename_year(line, previous, year) for line in _lines_of(prev_main, r'\d{4}-\d\d-\d\d custom "fava-')]
    shared = [line for line in _lines_of(prev_main, r'include "')
              if not re.match(rf'include "{re.escape(prev_name)}[/.]', line)]
    plugins = [_rename_year(line, previous, year) for line in _lines_of(prev_main, r'plugin "')]
    own_includes = "\n\n".join(f"; {comment}\ninclude \"{path.relative_to(folder).as_posix()}\""
                               for comment, path in own)
    what = ("de begroting zoals de ALV haar vaststelt (eerst een concept uit make nieuw-jaar)" if kind == "Begroting"
            else "wat er werkelijk binnenkwam en uitging")
    return f"""; {kind} {year} van de vereniging: {what}.
;
; Geschreven door make nieuw-jaar JAAR={year} naar het voorbeeld van {os.path.basename(prev_main)}:
; dezelfde opties, Fava-regels, gedeelde bestanden en plugins, met het jaar {year}. Eén boek per
; jaar: het boek van {previous} blijft zoals het is (zie README: "The year cycle").
;
; Controleren:   make check JAAR={year}

;; ---------------------------------------------------------------- Opties

{chr(10).join(options)}

; Fava: taal, getalnotatie, startpagina en de pagina's van de vereniging (als in {previous}).
{chr(10).join(favas)}

;; ---------------------------------------------------------------- Rekeningen en boekingen

; Gedeeld door alle jaren: het rekeningschema (één rekening per begrotingsregel).
{chr(10).join(shared)}

{own_includes}

;; ---------------------------------------------------------------- Plugins

; Dezelfde plugins als in {previous}, voor het jaar {year}.
{chr(10).join(plugins)}
"""


# ---------------------------------------------------------------- the draft budget


def budget_texts(books: YearBooks, files: YearFiles) -> dict[Path, str]:
    """The draft budget book: last year's lines with amount 0 EUR, last year's figures beside each."""
    budget, actual = books.budget, books.actual
    options = budget.options
    income_root, expenses_root = options["name_income"], options["name_expenses"]
    entries = list(budget_entries(budget.entries, income_root, expenses_root))
    previous = entries[0].date.year if entries else files.year - 1
    year = files.year
    actuals = actuals_by_quarter(actual.entries, previous, actual.options["name_income"],
                                 actual.options["name_expenses"])
    # One draft entry per line and quarter, in last year's order (an amendment adds to its line's quarter).
    cells: dict[tuple[int, str], dict] = {}
    for entry in entries:
        quarter = quarter_of(entry.date)
        for posting in entry.postings:
            if posting.account.split(":")[0] not in (income_root, expenses_root) or posting.units is None:
                continue
            cell = cells.setdefault((quarter, posting.account), {
                "narration": entry.narration, "tags": sorted(set(entry.tags or ()) - set(quarter_tags_of(entry))),
                "budget": ZERO, "meta": [],
                "counter": next((p.account for p in entry.postings if p.account != posting.account), None)})
            sign = -1 if posting.account.split(":")[0] == income_root else 1
            cell["budget"] += sign * posting.units.number
            cell["meta"] += [f"{key}: {_meta_text(value)}" for key, value in entry.meta.items()
                             if key not in OWN_META and not key.startswith("_")]
    # A quarter in which a line brought in or spent money without a budget entry gets one too,
    # so that every euro of last year's realisatie stands beside a line of the draft.
    for account, quarters in actuals.items():
        known = next((cell for (_, a), cell in cells.items() if a == account), None)
        if known is None:
            continue  # no budget line (the guard would have stopped last year's books)
        for quarter, realised in quarters.items():
            if realised and (quarter, account) not in cells:
                cells[(quarter, account)] = {**known, "budget": ZERO, "meta": []}
    cells = dict(sorted(cells.items(), key=lambda item: item[0][0]))
    counter = next((cell["counter"] for cell in cells.values() if cell["counter"]), "Activa:GeplandeLiquiditeit")
    parts = [f"""; Concept-begrotingsposten {year}: de regels van {previous}, elk bedrag nog 0 EUR.
;
; Geschreven door make nieuw-jaar JAAR={year}. Per regel en kwartaal van {previous} één post, gedateerd
; op de eerste dag van het kwartaal. Vul per post het bedrag van {year} in (de inkomstenregel
; negatief, de tegenrekening even groot met het andere teken), zoals in begroting-{previous}/posten.
; Ter vergelijking staat bij elke post:
;   begroting-{previous}   wat voor dat kwartaal in {previous} begroot was
;   realisatie-{previous}  wat er in dat kwartaal van {previous} werkelijk op de regel geboekt is
; De toelichting van {previous} (aantallen, tarieven) staat als commentaar boven de post.
; De tag #toegezegd / #niet-toegezegd is die van {previous}: controleer hem voor {year}.
; Regels die in {year} vervallen: verwijder de post; nieuwe regels: rekeningen.beancount.

{INCLUDED_HEADER}{_root_options(options)}
"""]
    for quarter in (1, 2, 3, 4):
        quarter_cells = [(account, cell) for (q, account), cell in cells.items() if q == quarter]
        if not quarter_cells:
            continue
        parts.append(f"\n;; ---------------------------------------------------------------- Q{quarter} {year}\n")
        for account, cell in quarter_cells:
            realised = actuals.get(account, {}).get(quarter, ZERO)
            tags = " ".join(f"#{tag}" for tag in [f"Q{quarter}", *cell["tags"]])
            comment = "".join(f"; {previous}: {item}\n" for item in cell["meta"])
            width = max(len(account), len(counter), 40)
            parts.append(f"""
{comment}{year}-{3 * quarter - 2:02d}-01 * "{cell['narration']}" {tags}
  begroting-{previous}: {amount_text(cell['budget'])}
  realisatie-{previous}: {amount_text(realised)}
  {account:<{width}}  0 EUR
  {counter:<{width}}  0 EUR
""")
    entries_text = "".join(parts)

    prev_main = budget.filename
    opens = _own_opens(budget.entries, prev_main, previous)
    adopted = "\n".join(f'{year}-01-01 custom "begroting-vastgesteld" "Q{q}" 0 EUR 0 EUR 0 EUR'
                        for q in sorted({quarter for quarter, _ in cells}))
    main = _main_text(prev_main, previous, year, "Begroting", [])
    opens_text = "\n".join(_open_text(entry, year) for entry in opens)
    main = main.replace(
        "\n;; ---------------------------------------------------------------- Plugins\n",
        f"""; Eigen rekeningen van de begroting (overgenomen uit {os.path.basename(prev_main)}).
{opens_text}

;; ---------------------------------------------------------------- De vastgestelde begroting

; CONCEPT: nog niet vastgesteld. De ALV stelt de begroting {year} vast; zet dan hier per kwartaal
; de vastgestelde totalen (TOTAAL inkomsten, TOTAAL uitgaven, RESULTAAT), zoals in
; begroting-{previous}.beancount. De plugin budget_rules controleert dat de posten erop uitkomen.
{adopted}

;; ---------------------------------------------------------------- Posten

include "begroting-{year}/posten.beancount"

;; ---------------------------------------------------------------- Plugins
""")
    return {files.budget_entries: entries_text, files.budget: main}
