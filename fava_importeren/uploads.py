"""Bank files on the Import page: the files in the import folder, and saving an upload there.

An uploaded file's name comes from the browser and is not trusted: only its last
component is kept, reduced to letters, digits, `.`, `_` and `-`, without a leading dot
(no hidden files, no `..`), at most 100 characters. The file lands in the import folder
and nowhere else; it never replaces a file there: the same content again is the same
file, other content under a taken name gets `-1`, `-2`, ... before its extension. It is
written to a temporary file, fsynced, and linked into place (`os.link` fails rather than
overwrite), so a half-uploaded file is never seen by an import.

A file is picked by name from the folder's listing (regular files directly in the folder,
not hidden, no symbolic links), so no name from a request can point elsewhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from os import path
from typing import IO

#: Larger uploads are refused (a year of a busy account's camt.053 is a few MB).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024


class UploadError(Exception):
    """An upload that is not saved; the message is for the page."""


@dataclasses.dataclass(frozen=True)
class BankFile:
    name: str
    size: int
    modified: datetime.datetime


def safe_name(name: str | None) -> str:
    """The browser's file name reduced to a plain, harmless name inside the import folder."""
    name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip("._-")[:100].rstrip("._-")
    if not name or name in {".", ".."}:
        raise UploadError("de bestandsnaam is leeg of bestaat alleen uit leestekens")
    return name


def bank_files(folder: str) -> list[BankFile]:
    """The files in the import folder that can be picked: regular, visible, not symbolic links."""
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    files = []
    for name in names:
        full = path.join(folder, name)
        if name.startswith(".") or path.islink(full) or not path.isfile(full):
            continue
        status = os.stat(full)
        files.append(BankFile(name, status.st_size, datetime.datetime.fromtimestamp(status.st_mtime)))
    return files


def picked_file(folder: str, name: str | None) -> str | None:
    """The full path of the file named `name` in the folder's listing, or None."""
    if not name:
        return None
    for file in bank_files(folder):
        if file.name == name:
            return path.join(folder, file.name)
    return None


def _candidates(name: str) -> Iterable[str]:
    stem, dot, extension = name.partition(".")
    yield name
    for number in range(1, 1000):
        yield f"{stem}-{number}{dot}{extension}"


def _same_content(filename: str, temp: str) -> bool:
    if path.islink(filename) or not path.isfile(filename) or path.getsize(filename) != path.getsize(temp):
        return False
    with open(filename, "rb") as one, open(temp, "rb") as other:
        while True:
            a, b = one.read(_CHUNK), other.read(_CHUNK)
            if a != b:
                return False
            if not a:
                return True


def save_upload(folder: str, name: str | None, stream: IO[bytes]) -> str:
    """Save an uploaded file into the import folder; returns the name it has there."""
    wanted = safe_name(name)
    os.makedirs(folder, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=folder)
    try:
        size = 0
        with os.fdopen(fd, "wb") as handle:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise UploadError(f"het bestand is groter dan {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if size == 0:
            raise UploadError("het bestand is leeg")
        for candidate in _candidates(wanted):
            target = path.join(folder, candidate)
            if _same_content(target, temp):
                return candidate
            try:
                os.link(temp, target)      # never replaces an existing file
            except FileExistsError:
                continue
            return candidate
        raise UploadError(f"te veel bestanden met de naam {wanted}")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
