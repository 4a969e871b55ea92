"""The one error type of the importers: bad input, named by file and place.

Every problem with a bank file (or with the book or the rules file the importers
read) is raised as an `ImportFileError`. The command line prints it as one line,

    error: FILE:PLACE: message

and exits non-zero without writing anything. PLACE is a line number (`line 12`),
an element path in an XML file (`Stmt[1]/Ntry[3]/Amt`) or a record (`statement 2`);
it is left out when the whole file is meant.
"""


class ImportFileError(Exception):
    """Bad input: `filename`, `place` (may be empty) and a message for the treasurer."""

    def __init__(self, filename: str, place: str | None, message: str):
        super().__init__(message)
        self.filename = str(filename)
        self.place = place or ""
        self.message = message

    def __str__(self) -> str:
        where = f"{self.filename}:{self.place}" if self.place else self.filename
        return f"{where}: {self.message}"
