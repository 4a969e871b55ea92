"""The error types of the policy plugins, and the one way to say "the first error and N more".

A policy finding says the book does not follow the budget (an overrun, a posting
without a budget line); the book itself is sound. Callers that go on despite the
findings (the importer, `make inkomsten`) match them by type: `isinstance(error, FINDINGS)`.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

OverrunError = collections.namedtuple("OverrunError", "source message entry")
UnbudgetedError = collections.namedtuple("UnbudgetedError", "source message entry")
FundError = collections.namedtuple("FundError", "source message entry")  # plugins.fund_guard
ConditionError = collections.namedtuple("ConditionError", "source message entry")  # plugins.condition_guard

# A change inside a closed period (plugins.closed_period_guard) is no finding: the book itself
# is wrong there, and an import dated in a closed period must be refused.
FINDINGS: tuple[type, ...] = (OverrunError, UnbudgetedError, FundError, ConditionError)


def is_finding(error: Any) -> bool:
    """True for a policy finding (see FINDINGS), False for an error of the book itself."""
    return isinstance(error, FINDINGS)


def first_and_more(errors: list, describe: Callable[[Any], str] | None = None) -> str:
    """The first error's message and how many more there are: 'message (and 3 more)'; '' for none."""
    if not errors:
        return ""
    first = describe(errors[0]) if describe else str(getattr(errors[0], "message", errors[0]))
    return f"{first} (and {len(errors) - 1} more)" if len(errors) > 1 else first
