"""The BQL files in queries/: finding, reading and running them.

Each file holds one statement; the file is the only copy of its text (Fava's Query
page gets the same text through the `plugins.query_files` plugin).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from books.loader import (
    CACHE_FOLDER,
    cache_mode,
    cached_result,
    read_pickled,
    write_pickled,
)
from report.errors import ReportError

if TYPE_CHECKING:  # pragma: no cover
    import beanquery

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"


def query_path(name: str, query_dir: Path = QUERY_DIR) -> Path:
    """The file of the named query (the file name without `.bql`)."""
    return Path(query_dir) / f"{name}.bql"


def read_query(name: str, query_dir: Path = QUERY_DIR) -> str:
    """The text of the named query; ReportError when the file is missing or unreadable."""
    filename = query_path(name, query_dir)
    try:
        return filename.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{filename}: cannot read query file ({exc.__class__.__name__}: {exc})") from None


def run_query(entries: list, options: dict, name: str, query_dir: Path = QUERY_DIR) -> list[dict]:
    """Run the named query file on loaded entries; return its rows as dicts by column name.

    The rows are kept with the version of the book (books.loader.cached_result, keyed by
    the query's text): the same query on an unchanged book is neither parsed nor run
    again, in this process or the next. Beanquery is imported only when a query runs.
    """
    filename = query_path(name, query_dir)
    text = read_query(name, query_dir)
    return cached_result(
        entries, f"bql:{_beanquery_stamp()}:{text}", lambda: _execute(entries, options, filename, text)
    )


@functools.lru_cache(maxsize=1)
def _beanquery_stamp() -> str:
    """Which beanquery runs the queries (its package file's size and mtime), without importing it."""
    spec = importlib.util.find_spec("beanquery")
    origin = spec.origin if spec else None
    try:
        stat = os.stat(origin) if origin else None
    except OSError:
        stat = None
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}" if stat else "?"


def _execute(entries: list, options: dict, filename: Path, text: str) -> list[dict]:
    import beanquery

    connection = beanquery.connect("beancount:", entries=entries, errors=[], options=options)
    try:
        cursor = connection.execute(_parse(text, filename))
    except beanquery.ParseError as exc:
        raise ReportError(f"{filename}: query does not parse: {_first_line(exc)}") from None
    except beanquery.CompilationError as exc:
        raise ReportError(f"{filename}: query does not compile: {_first_line(exc)}") from None
    except beanquery.Error as exc:
        raise ReportError(f"{filename}: query failed: {_first_line(exc)}") from None
    columns = [column.name for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@functools.lru_cache(maxsize=64)
def _parse(text: str, filename: Path | None = None) -> beanquery.parser.ast.Node:
    """The statement parsed once per text: beanquery's parser costs far more than running it.

    Kept across runs too, in `.cache/` beside the query file, keyed by the text and the
    versions of Python and beanquery: a changed file is parsed anew, an unchanged one
    never twice.
    """
    import beanquery
    import beanquery.parser

    if filename is None or cache_mode() == "off":
        return beanquery.parser.parse(text)
    key = (sys.version, beanquery.__version__, text)
    cache = str(Path(filename).parent / CACHE_FOLDER / f"{Path(filename).name}.parsed.pickle")
    stored = read_pickled(cache, 2)
    if stored and stored[0] == key:
        return stored[1]
    statement = beanquery.parser.parse(text)
    write_pickled(cache, [key, statement], _AstPickler)
    return statement


def _ast_node(name: str, values: dict[str, Any]) -> Any:
    from beanquery.parser import ast

    return getattr(ast, name)(**values)


class _AstPickler(pickle.Pickler):
    """Beanquery's AST classes are made at run time (module 'types'): pickled by name and fields, no parseinfo."""

    def reducer_override(self, obj: Any) -> Any:
        from beanquery.parser import ast

        if isinstance(obj, ast.Node) and getattr(ast, type(obj).__name__, None) is type(obj):
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name != "parseinfo"}
            return _ast_node, (type(obj).__name__, fields)
        return NotImplemented


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__
