"""Publish the BQL files of a folder as the ledger's named queries.

Rule: every `*.bql` file in the configured folder becomes one `query` directive,
named after the file (without `.bql`), whose text is the file's text unchanged. The
files stay the only copy of each query: Fava's Query page, `bean-query`'s `.run NAME`
and the `make report` command all read the same text.

Configuration (a dict literal, paths relative to the ledger file):

    plugin "plugins.query_files" "{'directory': '../queries'}"

A missing folder, an unreadable file or a name of 25 characters or more (Fava's
sidebar cuts longer names) is reported as an error; the book's entries are kept.
"""

import collections
import datetime
import os
from os import path

from beancount.core import data

from plugins.config import parse_config, plugin_source, resolve_path

__plugins__ = ("query_files",)

QueryFileError = collections.namedtuple("QueryFileError", "source message entry")

MAX_NAME_LENGTH = 24
SUFFIX = ".bql"


def query_files(entries, options_map, config_str=None):
    """Append one Query directive per query file of the configured folder."""
    config, errors = parse_config(config_str, __name__, options_map, {"directory": str}, {})
    if errors:
        return entries, errors
    directory = resolve_path(options_map, config["directory"])
    source = plugin_source(options_map, __name__)
    if not path.isdir(directory):
        return entries, [QueryFileError(source, f"query folder does not exist: {directory}", None)]

    date = min((entry.date for entry in entries), default=datetime.date(1970, 1, 1))
    queries = []
    for name in sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX)):
        filename = path.join(directory, name)
        meta = data.new_metadata(filename, 1)
        query_name = name[: -len(SUFFIX)]
        if len(query_name) > MAX_NAME_LENGTH:
            errors.append(
                QueryFileError(meta, f"query name {query_name!r} is longer than {MAX_NAME_LENGTH} characters", None)
            )
            continue
        try:
            with open(filename, encoding="utf-8") as file:
                text = file.read().strip()
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(QueryFileError(meta, f"cannot read query file: {exc}", None))
            continue
        queries.append(data.Query(meta, date, query_name, text))
    return entries + queries, errors

