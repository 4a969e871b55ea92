"""A closed period stays as it was closed: any change to it is an error at its closing record.

Rule: for every `custom "periode-afgesloten"` record (written by `make afsluiten`), the
fingerprint of the book's entries dated on or before its date must equal the one it
recorded. An entry of the closed period that is added, removed or changed breaks it;
the error is reported at the closing record, e.g.

    the closed period up to 2022-03-31 (closed with Kascommissie, verslag 2022-04-12) has
    changed: 58 entries now, 57 when it was closed (fingerprint sha256:… != recorded
    sha256:…); undo the change and book the correction after 2022-03-31

Moving entries between files or reordering them changes nothing (plugins.closed_periods
says what the fingerprint covers). A malformed record is an error at its line.

    plugin "plugins.closed_period_guard"
"""

import collections

from books.collector import collector_paused
from plugins.closed_periods import fingerprint, read_closings

__plugins__ = ("closed_period_guard",)

ClosedPeriodError = collections.namedtuple("ClosedPeriodError", "source message entry")


@collector_paused
def closed_period_guard(entries, options_map, config_str=None):
    """Report each closed period whose entries differ from when it was closed."""
    closings, record_errors = read_closings(entries)
    errors = [ClosedPeriodError(e.source, e.message, e.entry) for e in record_errors]
    for closing in closings:
        now = fingerprint(entries, options_map, closing.date)
        if now.digest == closing.fingerprint:
            continue
        counts = (f"{now.count} entries now, {closing.count} when it was closed"
                  if closing.count is not None else f"{now.count} entries now")
        errors.append(ClosedPeriodError(closing.meta, (
            f"the closed period up to {closing.date} (closed with {closing.approved_by}) has changed: {counts} "
            f"(fingerprint {now.digest[:19]}… != recorded {closing.fingerprint[:19]}…); undo the change and "
            f"book the correction after {closing.date}"), None))
    return entries, errors
