"""Parsing of plugin configuration strings, shared by every plugin in this package.

A plugin's configuration is a Python literal (a dict) written in the ledger, e.g.
`plugin "plugins.query_files" "{'directory': '../queries'}"`. It is read with
`ast.literal_eval`, never `eval`, and a bad configuration becomes an error entry,
never an exception, so that no entry of the book is lost.
"""

import ast
import collections
from os import path

ConfigError = collections.namedtuple("ConfigError", "source message entry")


def plugin_source(options_map, plugin_name):
    """Return a meta dict pointing at the ledger that loads the plugin."""
    return {"filename": options_map.get("filename", "<string>"), "lineno": 0, "plugin": plugin_name}


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
    source = plugin_source(options_map, plugin_name)

    def error(message):
        return None, [ConfigError(source, f"{plugin_name}: {message}", None)]

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


def _type_names(expected):
    types = expected if isinstance(expected, tuple) else (expected,)
    names = {int: "a number", float: "a number", str: "a string", bool: "true or false", list: "a list", dict: "a dict"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))
