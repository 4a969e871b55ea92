"""Which files an import reads: regular files only, refused with one line otherwise.

The treasurer's downloads folder holds whatever the browser left there. Before any
importer opens a file, it must be a regular file: a FIFO would block the read
forever, a dangling symbolic link or a device cannot be a statement, and a folder is
walked instead. Every refusal is an `ImportFileError` naming the file, so the command
line prints one `error: FILE: ...` line and writes nothing.

A symbolic link to a regular file is read (it is what `ln -s` in a downloads folder
means), but `archive` never moves one (see `importers.archive`).
"""

from __future__ import annotations

import os
import stat
from os import path

from importers.errors import ImportFileError

# What kind of thing a non-regular file is, for the message.
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe), not a file: it is never opened"),
    (stat.S_ISSOCK, "a socket, not a file"),
    (stat.S_ISCHR, "a character device, not a file"),
    (stat.S_ISBLK, "a block device, not a file"),
)


def regular_file(filename: str) -> os.stat_result:
    """The file's status; ImportFileError unless it is (a link to) a readable regular file."""
    try:
        status = os.stat(filename)
    except FileNotFoundError:
        if path.islink(filename):
            raise ImportFileError(filename, None, f"a dangling symbolic link (to {os.readlink(filename)!r})") from None
        raise ImportFileError(filename, None, "no such file or directory") from None
    except OSError as exc:
        raise ImportFileError(filename, None, f"cannot read the file ({exc.strerror})") from None
    if stat.S_ISDIR(status.st_mode):
        raise ImportFileError(filename, None, "a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        for test, kind in _KINDS:
            if test(status.st_mode):
                raise ImportFileError(filename, None, kind)
        raise ImportFileError(filename, None, "not a regular file")
    if not os.access(filename, os.R_OK):
        raise ImportFileError(filename, None, "cannot read the file (permission denied)")
    return status


def bank_files(sources: list[str]) -> list[str]:
    """The files named or found in the folders named, as absolute paths, in order.

    Folders are walked (sorted; names starting with a dot skipped; symbolic links to
    folders inside them not followed). Every file found must be a regular file (`regular_file`).
    """
    files: list[str] = []
    for source in sources:
        if path.isdir(source):
            for root, dirs, names in os.walk(source):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(path.join(root, name) for name in sorted(names) if not name.startswith("."))
        else:
            files.append(source)
    if not files:
        raise ImportFileError(" ".join(sources), None, "no files to import")
    for filename in files:
        regular_file(filename)
    return [path.abspath(f) for f in files]
