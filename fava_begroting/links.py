"""Links from a figure to the entries behind it: Fava's journal, filtered.

A figure of one account links to `journal/?account=^ACCOUNT$&time=2022-Q1`; a total to the
section's accounts (`^Uitgaven:`); the result to both sections. The `account` parameter is
Fava's account filter (a regular expression on the posting accounts), `time` its time
filter (2022, 2022-Q1, or a range 2022-Q1 - 2022-Q2), `filter` its advanced filter
(e.g. `#toegezegd`, or `-#niet-toegezegd` for everything but that tag).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode


def journal_base(script_root: str, slug: str) -> str:
    """The journal page of the book served under `slug` (script_root: Fava's --prefix, or '')."""
    return f"{script_root.rstrip('/')}/{slug}/journal/"


def account_pattern(account: str) -> str:
    """Exactly this account (not its sub-accounts, not a namesake under another parent)."""
    return f"^{re.escape(account)}$"


def section_pattern(*sections: str) -> str:
    """Every account under these root accounts, e.g. ^(Inkomsten|Uitgaven):."""
    names = "|".join(re.escape(section) for section in sections)
    return f"^({names}):" if len(sections) > 1 else f"^{names}:"


def journal_url(base: str | None, account: str, time: str, tag_filter: str = "") -> str | None:
    """The journal at `base` filtered to the account pattern and period; None without a base."""
    if base is None:
        return None
    params = {"account": account, "time": time}
    if tag_filter:
        params["filter"] = tag_filter
    return f"{base}?{urlencode(params)}"
