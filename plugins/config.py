"""Parsing of plugin configuration strings, shared by every plugin in this package.

A plugin's configuration is a Python literal (a dict) written in the ledger, e.g.
`plugin "plugins.query_files" "{'directory': '../queries'}"`. It is read with
`ast.literal_eval`, never `eval`, and a bad configuration becomes an error entry,
never an exception, so that no entry of the book is lost.
"""

import ast
import collections
import math
import re
from os import path

ConfigError = collections.namedtuple("ConfigError", "source message entry")


def plugin_source(options_map, plugin_name):
    """A meta dict pointing at the `plugin "NAME"` line that loads the plugin.

    Beancount keeps no line number for a plugin directive, so the line is found in the
    book's files (the main file first, then its includes); line 0 of the main file when
    it cannot be found (a book loaded from a string).
    """
    filename = options_map.get("filename", "<string>")
    pattern = re.compile(r'^[ \t]*plugin[ \t]+"' + re.escape(plugin_name) + '"', re.MULTILINE)
    for name in [filename, *(options_map.get("include") or [])]:
        lineno = _find_line(name, pattern)
        if lineno:
            return {"filename": name, "lineno": lineno, "plugin": plugin_name}
    return {"filename": filename, "lineno": 0, "plugin": plugin_name}


def _find_line(filename, pattern):
    """The line number of the first line of the file that `pattern` matches at its start; 0 if none."""
    if not filename or filename.startswith("<"):
        return 0
    try:
        with open(filename, encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:
        return 0
    found = pattern.search(text)  # one search of the whole text: an included file can be megabytes
    return text.count("\n", 0, found.start()) + 1 if found else 0


def parse_config(config_str, plugin_name, options_map, known, defaults):
    """Parse a plugin's dict-literal configuration.

    Args:
      config_str: the string after the plugin name in the ledger, or None.
      plugin_name: the plugin's module name, for messages.
      options_map: the ledger's options (for the file name in error sources).
      known: a dict of key -> type (or tuple of types) that the plugin accepts.
      defaults: a dict of default values for keys that may be left out.
    Returns:
      A pair (config dict, list of ConfigError). On error the dict is None.
    """
    def error(message):
        # located only when there is an error: finding the line reads the book's files
        return None, [ConfigError(plugin_source(options_map, plugin_name), f"{plugin_name}: {message}", None)]

    if config_str is None or not config_str.strip():
        value = {}
    else:
        try:
            value = ast.literal_eval(config_str)
        except (ValueError, SyntaxError) as exc:
            return error(f"configuration is not a Python literal: {config_str!r} ({exc.__class__.__name__})")
    if not isinstance(value, dict):
        return error(f"configuration must be a dict, not {type(value).__name__}: {config_str!r}")
    unknown = sorted(set(value) - set(known))
    if unknown:
        return error(f"unknown option {unknown[0]!r}; known options: {', '.join(sorted(known))}")
    config = dict(defaults)
    for key, val in value.items():
        expected = known[key]
        if isinstance(val, bool) and bool not in (expected if isinstance(expected, tuple) else (expected,)):
            return error(f"option {key!r} must be {_type_names(expected)}, not {val!r}")
        if not isinstance(val, expected):
            return error(f"option {key!r} must be {_type_names(expected)}, not {val!r}")
        config[key] = val
    missing = sorted(set(known) - set(config))
    if missing:
        return error(f"missing option {missing[0]!r}")
    return config, []


def resolve_path(options_map, relative):
    """Resolve a path written in the configuration relative to the ledger file."""
    ledger = options_map.get("filename") or ""
    base = path.dirname(path.abspath(ledger)) if ledger and not ledger.startswith("<") else ""
    return path.normpath(path.join(base, relative))


def repository_of(filename):
    """The repository a ledger file belongs to: the nearest folder above it holding `.git` or
    `pyproject.toml`; the ledger's own folder when there is none (a book outside any repository)."""
    folder = path.dirname(path.realpath(filename))
    here = folder
    while True:
        if path.exists(path.join(here, ".git")) or path.exists(path.join(here, "pyproject.toml")):
            return here
        parent = path.dirname(here)
        if parent == here:
            return folder
        here = parent


def contained_path(options_map, relative):
    """(resolved path, error message or ''): a configured path, relative to the ledger, that must stay
    inside the ledger's repository once resolved (symlinks included), so no configuration makes Fava or
    a report read or serve a file from elsewhere (`'../../../etc/passwd'`)."""
    resolved = resolve_path(options_map, relative)
    ledger = options_map.get("filename") or ""
    if not ledger or ledger.startswith("<"):
        return resolved, ""
    root = repository_of(ledger)
    real = path.realpath(resolved)
    if not any(_inside(real, folder) for folder in (root, PROJECT)):
        return resolved, f"path {relative!r} leads outside the repository {root} (to {real})"
    return resolved, ""


# This project's own repository: its ledger/ and queries/ may serve a book kept elsewhere
# (the benchmark's generated books).
PROJECT = path.dirname(path.dirname(path.realpath(__file__)))


def _inside(filename, folder):
    return filename == folder or filename.startswith(folder.rstrip(path.sep) + path.sep)


def finite_non_negative(value):
    """True for a number that is finite and not negative (not 1e400 = inf, nan or -1)."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) and value >= 0


def _type_names(expected):
    types = expected if isinstance(expected, tuple) else (expected,)
    names = {int: "a number", float: "a number", str: "a string", bool: "true or false", list: "a list", dict: "a dict"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))
