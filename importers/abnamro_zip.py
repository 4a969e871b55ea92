"""ABN AMRO's camt.053 download: a zip archive whose every member is a camt.053 statement.

ABN AMRO hands out camt.053 zipped (one XML document per account and period). Each
member is read in memory, never extracted to disk, by the camt.053 reader
(`importers.camt053.parse_document`), so the entries, references and import ids are
exactly those of the same XML imported unzipped: importing the zip and the loose
XML of the same days adds each entry once.

The archive is recognised by its content: a zip whose first member is a camt.053
document. Refused, with the member named (`error: FILE:MEMBER: message`):

- a member that is not a camt.053 document (a PDF, a CSV, a zip inside the zip);
- a member name with a path in it (`../x.xml`, `map/x.xml`, `/x.xml`, `C:x.xml`):
  the bank writes flat archives, and a name is never used as a path;
- an encrypted member;
- a member that declares more bytes than beangulp's limit for a file, or members that
  declare more than `MAX_TOTAL_BYTES` together (a zip bomb). `zipfile` never inflates a
  member beyond the size it declares (a member that lies fails its CRC check), and at
  most the limit plus one byte is asked for; at most `MAX_MEMBERS` members are read.

Places in messages are the member followed by the camt.053 place:
`maart.xml:Stmt[1]/Ntry[2]/Amt`, `maart.xml:line 12`.
"""

import re
import zipfile

from beangulp.identify import FILE_TOO_LARGE_THRESHOLD

from importers.base import BankImporter
from importers.camt053 import is_camt053, parse_document
from importers.errors import ImportFileError
from importers.statement import Statement

#: The most bytes one member may inflate to (beangulp's limit for a whole file).
MAX_MEMBER_BYTES = FILE_TOO_LARGE_THRESHOLD
#: The most members one archive may hold, and the most bytes they may inflate to together.
MAX_MEMBERS = 1000
MAX_TOTAL_BYTES = 8 * FILE_TOO_LARGE_THRESHOLD
_ZIP_MAGIC = b"PK\x03\x04"
_PATHLIKE = re.compile(r"[/\\]|^\.\.?$|^[A-Za-z]:")


class AbnAmroCamtZipImporter(BankImporter):
    """ABN AMRO camt.053 statements in a zip archive."""

    format_name = "camt.053 zip file"

    def sniff(self, filepath: str) -> bool:
        with open(filepath, "rb") as file:
            if file.read(4) != _ZIP_MAGIC:
                return False
        try:
            with zipfile.ZipFile(filepath) as archive:
                members = [info for info in archive.infolist() if not info.is_dir()]
                if not members or members[0].flag_bits & 0x1:
                    return False
                with archive.open(members[0]) as member:
                    return is_camt053(member.read(4096))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError):
            return False

    def parse(self, filepath: str) -> list[Statement]:
        try:
            archive = zipfile.ZipFile(filepath)
        except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise ImportFileError(filepath, None, f"not a readable zip archive ({exc})") from None
        statements: list[Statement] = []
        with archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ImportFileError(
                    filepath, None, f"the archive holds {len(members)} members, more than {MAX_MEMBERS}"
                )
            total = sum(info.file_size for info in members)
            if total > MAX_TOTAL_BYTES:
                raise ImportFileError(
                    filepath, None, f"the members inflate to {total} bytes, more than {MAX_TOTAL_BYTES}"
                )
            for info in members:
                statements.extend(self._member(filepath, archive, info))
        return statements

    def _member(self, filepath: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[Statement]:
        name = info.filename
        if _PATHLIKE.search(name.rstrip("/")) or info.is_dir():
            raise ImportFileError(
                filepath,
                name,
                "a member name with a path (or a folder) in the archive; the bank's archive holds only statement files",
            )
        if info.flag_bits & 0x1:
            raise ImportFileError(filepath, name, "the member is encrypted")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ImportFileError(filepath, name, f"the member is {info.file_size} bytes, more than {MAX_MEMBER_BYTES}")
        try:
            with archive.open(info) as member:
                raw = member.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
            raise ImportFileError(filepath, name, f"the member cannot be read ({exc})") from None
        if len(raw) > MAX_MEMBER_BYTES:
            raise ImportFileError(filepath, name, f"the member inflates to more than {MAX_MEMBER_BYTES} bytes")
        if not is_camt053(raw[:4096]):
            raise ImportFileError(
                filepath, name, "the member is not a camt.053 statement; an ABN AMRO zip holds only camt.053 documents"
            )
        try:
            statements = parse_document(filepath, raw)
        except ImportFileError as exc:
            raise ImportFileError(filepath, f"{name}:{exc.place}" if exc.place else name, exc.message) from None
        for statement in statements:
            statement.place = f"{name}:{statement.place}"
            for entry in statement.entries:
                entry.place = f"{name}:{entry.place}"
        return statements
