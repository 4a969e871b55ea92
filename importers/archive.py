"""Filing bank files into a documents tree: by account and date, never overwriting.

`archive` moves each statement to DESTINATION/<account as folders>/<date>.<name>
(beangulp's layout, `beangulp.archive.filepath`). All files are checked before any is
moved: a symbolic link is refused (moving it would leave its target where it was, or
move the link instead of the statement), and so is a destination that already
exists. A file is moved with `os.link` + `os.unlink`, which fails rather than replace
an existing file, even one created by someone else in the meantime; across file
systems it is copied to a temporary file beside the destination, fsynced, and linked
into place the same way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from os import path

import beangulp

from importers.errors import ImportFileError
from importers.pipeline import identify
from importers.sources import regular_file


def plan(importers: list, files: list[str], destination: str) -> list[tuple[str, str]]:
    """(source, destination) for every file; ImportFileError before anything moves."""
    moves: list[tuple[str, str]] = []
    targets: dict[str, str] = {}
    for filename in files:
        if path.islink(filename):
            raise ImportFileError(filename, None, "a symbolic link: archive moves only the statement itself "
                                                  f"(it points to {os.readlink(filename)!r})")
        regular_file(filename)
        importer = identify(importers, filename)
        try:
            target = path.join(destination, beangulp.archive.filepath(importer, filename))
        except beangulp.exceptions.Error as exc:
            raise ImportFileError(filename, None, " ".join(str(exc).split())) from None
        if target in targets:
            raise ImportFileError(filename, None, f"would be filed as {target}, like {targets[target]}")
        if path.lexists(target):
            raise ImportFileError(filename, None, f"{target} already exists; archive never overwrites a file")
        targets[target] = filename
        moves.append((filename, target))
    return moves


def move(source: str, target: str) -> None:
    """Move `source` to `target` without ever replacing an existing `target`."""
    folder = path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        raise ImportFileError(source, None, f"{target} already exists; archive never overwrites a file") from None
    except OSError:
        _copy_in(source, target)
    _fsync_folder(folder)
    os.unlink(source)
    _fsync_folder(path.dirname(path.abspath(source)))


def _copy_in(source: str, target: str) -> None:
    """Across file systems: a complete fsynced copy, linked into place (never over a file)."""
    folder = path.dirname(target)
    fd, temp = tempfile.mkstemp(prefix=f".{path.basename(target)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(source, temp)
        try:
            os.link(temp, target)
        except FileExistsError:
            raise ImportFileError(source, None, f"{target} already exists; archive never overwrites a file") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _fsync_folder(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
