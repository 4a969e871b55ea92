"""Python's cyclic garbage collector kept out of loading a book.

Parsing, booking and checking a book allocate millions of small objects (entries,
postings, amounts, metadata) that are never cyclic garbage: they live as long as the
book and are freed by reference counting. The collector cannot know that; each of its
passes over the older generations walks all of them again, and during a load those
passes cost up to 80 % of an unpickle and a tenth of a plugin's run.

- `collector_off()`: off for the body (a load, an unpickle), restored as it was also
  on error; the objects made meanwhile are then frozen (gc.freeze), so that later
  passes skip them.
- `collector_paused`: the same as a decorator, for the book's plugins: they run inside
  Beancount's own loader (bean-check, Fava), where nothing else of ours can keep the
  collector out. Frozen are the book's objects made so far, so that the rest of that
  load (the plugins after ours, Beancount's validation) walks none of them again.

A long-running process that loads books again and again (Fava) gives the frozen objects
back to the collector once a load is done (`release_frozen`, from the Fava extensions'
after_load_file): a reloaded book's old objects must stay collectable.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import TypeVar

F = TypeVar("F", bound=Callable)


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The collector off for the body, then the objects made meanwhile frozen and the collector restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def collector_paused(function: F) -> F:
    """`function` run with the collector off; then the objects made so far frozen and the collector
    restored as it was (also on error)."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        with collector_off():
            return function(*args, **kwargs)

    return paused  # type: ignore[return-value]


def release_frozen() -> None:
    """Give the frozen objects back to the collector (see the module docstring)."""
    gc.unfreeze()
