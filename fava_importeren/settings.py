"""Where the Import page reads and writes: the import folder, the output file, the rules.

Configured on the book's extension line, every path relative to the book's main file:

    2022-01-01 custom "fava-extension" "fava_importeren" "{'folder': '../bankbestanden'}"

| key      | default                                    | meaning                                   |
| -------- | ------------------------------------------ | ----------------------------------------- |
| `folder` | `../bankbestanden`                         | the import folder (uploads land here)     |
| `output` | `<book>/te-controleren.beancount`          | the file new entries are appended to      |
| `rules`  | `importers/regels.txt` (as `make import`)  | the categorisation rules                  |

No path may lead outside the project (the folder that holds the book's folder): a
folder or output that does, after following symbolic links (a `bankbestanden` linked
to elsewhere), or a configured rules file that does, is a configuration error.
"""

from __future__ import annotations

import ast
import dataclasses
from os import path

from importers.pipeline import DEFAULT_RULES

KEYS = ("folder", "output", "rules")


class SettingsError(Exception):
    """A configuration of the extension line that cannot be used; the page shows it."""


@dataclasses.dataclass(frozen=True)
class Settings:
    book: str        # the book's main file (absolute)
    root: str        # the project folder: no path of the page leads outside it
    folder: str      # the import folder
    output: str      # te-controleren.beancount
    rules: str       # regels.txt


def project_root(book: str) -> str:
    """The project folder of a book: the folder that holds the book's folder (the repository)."""
    return path.dirname(path.dirname(path.realpath(book)))


def inside(root: str, filename: str) -> bool:
    """True when `filename`, symbolic links followed, lies inside `root`."""
    real = path.realpath(filename)
    return real == root or real.startswith(root.rstrip(path.sep) + path.sep)


def read_settings(book: str, config: str | None) -> Settings:
    """The page's paths from the extension line's configuration (a dict literal, or nothing)."""
    book = path.abspath(book)
    try:
        value = ast.literal_eval(config) if config and config.strip() else {}
    except (ValueError, SyntaxError):
        raise SettingsError(f"fava_importeren: the configuration is not a Python literal: {config!r}") from None
    if not isinstance(value, dict):
        raise SettingsError(f"fava_importeren: the configuration must be a dict, not {config!r}")
    unknown = sorted(set(value) - set(KEYS))
    if unknown:
        raise SettingsError(f"fava_importeren: unknown option {unknown[0]!r}; known options: {', '.join(KEYS)}")
    for key, item in value.items():
        if not isinstance(item, str) or not item:
            raise SettingsError(f"fava_importeren: option {key!r} must be a path (a string), not {item!r}")
    base = path.dirname(book)
    stem = path.splitext(path.basename(book))[0]
    root = project_root(book)
    folder = path.normpath(path.join(base, value.get("folder", path.join("..", "bankbestanden"))))
    output = path.normpath(path.join(base, value.get("output", path.join(stem, "te-controleren.beancount"))))
    rules = path.normpath(path.join(base, value["rules"])) if "rules" in value else DEFAULT_RULES
    for key, filename in (("folder", folder), ("output", output), ("rules", rules)):
        if (key in value or key != "rules") and not inside(root, filename):
            raise SettingsError(f"fava_importeren: the {key} {value.get(key, filename)} leads outside the "
                                f"project {root} (a symbolic link?)")
    return Settings(book, root, folder, output, rules)
