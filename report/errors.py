"""The one error type of our commands: a message for the user, never a traceback."""


class ReportError(Exception):
    """Bad input (a missing ledger, a ledger error, a query that does not parse).

    The message names the file (and line where known) and says what is wrong.
    """
