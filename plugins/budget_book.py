"""Where an actual book's budget book is, and what it holds: found in one place, loaded in one place.

The actual book names its budget book once, in its guard line

    plugin "plugins.budget_guard" "{'budget': 'begroting-2022.beancount', 'tolerance': 0}"

which also states the policy for "over budget" (tolerance, tolerance_percent,
per_quarter). A book without the guard may name a budget on its Fava extension line,
`custom "fava-extension" "fava_begroting" "{'budget': 'begroting-2022.beancount'}"`.
`budget_setting` reads both (the guard, the page, the reports and the benchmark call
it); `load_budget_book` loads the book through `books.loader.load_book`, once per
change of its files.

A configured path is relative to the ledger and must stay inside the ledger's
repository once resolved (symlinks included); a tolerance must be a finite number, not
negative. Every problem is a located error (the `plugin` line), never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from os import path
from typing import Any

from beancount.core import data

from plugins.budget_model import BudgetLine, ModelError, Policy, budget_entries, budget_lines, quarter_tags
from plugins.config import ConfigError, contained_path, finite_non_negative, parse_config, plugin_source

GUARD = "plugins.budget_guard"
EXTENSION = "fava_begroting"
GUARD_OPTIONS: dict[str, Any] = {"budget": str, "tolerance": (int, float), "tolerance_percent": (int, float),
                                 "per_quarter": bool}
GUARD_DEFAULTS: dict[str, Any] = {"tolerance": 0, "tolerance_percent": 0, "per_quarter": False}


@dataclass(frozen=True)
class BudgetSetting:
    """The budget book an actual book follows: its path (resolved), as written, and the policy."""

    path: str
    written: str
    policy: Policy
    source: dict


@dataclass(frozen=True)
class BudgetBook:
    """A loaded budget book: its entries and options, its budget lines and year, the errors of the
    load (syntax, validation, its own plugins, or a ModelError when missing or empty) and its files."""

    filename: str
    entries: list
    options: dict
    lines: dict[str, BudgetLine]
    year: int
    errors: list
    files: tuple[str, ...]


def guard_setting(options_map: Mapping[str, Any]) -> tuple[BudgetSetting | None, list]:
    """The guard line's budget book and policy; (None, []) when the book has no guard line.

    A bad configuration (unknown option, a tolerance that is not a finite non-negative
    number, a budget path leaving the repository) is (None, [one located error]).
    """
    for name, config_str in options_map.get("plugin") or []:
        if name == GUARD:
            return parse_guard_config(config_str, options_map)
    return None, []


def parse_guard_config(config_str: str | None, options_map: Mapping[str, Any]) -> tuple[BudgetSetting | None, list]:
    """The guard's configuration string as a BudgetSetting, or (None, [a located ConfigError])."""
    config, errors = parse_config(config_str, GUARD, options_map, GUARD_OPTIONS, GUARD_DEFAULTS)
    if errors:
        return None, [_located(error, options_map) for error in errors]
    source = plugin_source(options_map, GUARD)

    def error(message: str) -> tuple[None, list]:
        return None, [ConfigError(source, f"{GUARD}: {message}", None)]

    for key in ("tolerance", "tolerance_percent"):
        if not finite_non_negative(config[key]):
            return error(f"option {key!r} must be a finite number of at least 0, not {config[key]!r}")
    budget_path, leaves = contained_path(options_map, config["budget"])
    if leaves:
        return error(f"option 'budget': {leaves}")
    policy = Policy(Decimal(str(config["tolerance"])), Decimal(str(config["tolerance_percent"])),
                    not config["per_quarter"])
    return BudgetSetting(budget_path, config["budget"], policy, source), []


def budget_setting(entries: Iterable, options_map: Mapping[str, Any]) -> tuple[BudgetSetting | None, list]:
    """The budget book a book follows: the extension line's `budget` if it names one, else the guard's.

    (None, []) when the book names none: it is its own budget (the budget book itself).
    The policy is always the guard's (its defaults without a guard line).
    """
    guard, errors = guard_setting(options_map)
    if errors:
        return None, errors
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "fava-extension" and entry.values \
                and entry.values[0].value == EXTENSION:
            config_str = entry.values[1].value if len(entry.values) > 1 else None
            config, config_errors = parse_config(config_str, EXTENSION, options_map, {"budget": str}, {"budget": ""})
            if config_errors:
                return None, [ConfigError(entry.meta, config_errors[0].message, entry)]
            if config["budget"]:
                budget_path, leaves = contained_path(options_map, config["budget"])
                if leaves:
                    return None, [ConfigError(entry.meta, f"{EXTENSION}: option 'budget': {leaves}", entry)]
                return BudgetSetting(budget_path, config["budget"], guard.policy if guard else Policy(),
                                     entry.meta), []
    return guard, []


def _located(error: ConfigError, options_map: Mapping[str, Any]) -> ConfigError:
    return error._replace(source=plugin_source(options_map, GUARD))


# ---------------------------------------------------------------- loading


_CACHE: dict[str, tuple[tuple, BudgetBook]] = {}
_LOADING: set[str] = set()


def stamp(filenames: Iterable[str]) -> tuple:
    """(file, books.loader.file_stamp) of each file: the loader's notion of "changed"."""
    from books.loader import file_stamp  # here: the loader imports beancount's, which imports the plugins

    return tuple((filename, file_stamp(filename)) for filename in sorted(filenames))


def load_budget_book(filename: str) -> BudgetBook:
    """Load a budget book, cached on its absolute path and the stamps of all its files.

    A repeated load (bean-check, a Fava reload of the actual book, the page) of an unchanged
    budget reads nothing again. A missing file, a book that loads itself through its own
    guard line, or a book without budget entries is a BudgetBook with a ModelError.
    """
    from books.loader import load_book  # here: the loader imports beancount's, which imports the plugins

    filename = path.abspath(filename)
    cached = _CACHE.get(filename)
    if cached and stamp(cached[1].files) == cached[0]:
        return cached[1]
    source = data.new_metadata(filename, 0)
    if not path.isfile(filename):
        return _empty(filename, ModelError(source, f"budget book not found: {filename}", None))
    if filename in _LOADING:
        return _empty(filename, ModelError(
            source, f"budget book {filename} loads itself: its budget plugin names its own file", None))
    _LOADING.add(filename)
    try:
        entries, errors, options = load_book(filename)
    finally:
        _LOADING.discard(filename)
    book = budget_book_of(entries, errors, options, filename)
    _CACHE[filename] = (stamp(book.files), book)
    return book


def budget_book_of(entries: Sequence, errors: list, options: Mapping[str, Any], filename: str) -> BudgetBook:
    """A BudgetBook of entries already loaded (a book that is its own budget, as on Fava's page).

    A book none of whose income or expense transactions carries a quarter tag (#Q1..#Q4)
    is an actual book, not a budget: it has no budget lines.
    """
    income, expenses = options.get("name_income", "Inkomsten"), options.get("name_expenses", "Uitgaven")
    tagged = any(quarter_tags(entry.tags) for entry in budget_entries(entries, income, expenses))
    lines, year = budget_lines(entries, options) if tagged else ({}, 0)
    errors = list(errors)
    if not lines:
        errors.append(ModelError(data.new_metadata(filename, 0), f"budget book {filename} has no budget entries",
                                 None))
    files = tuple(options.get("include") or [filename])
    return BudgetBook(filename, list(entries), dict(options), lines, year, errors, files)


def _empty(filename: str, error: ModelError) -> BudgetBook:
    return BudgetBook(filename, [], {}, {}, 0, [error], (filename,))
