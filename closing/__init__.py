"""Closing a period of the actual book (`make afsluiten`): the record and its fingerprint.

The model (closing records, fingerprints) is plugins.closed_periods; the check on every
load is plugins.closed_period_guard; this package writes the record (close.py) and is
its command line (__main__.py).
"""
