"""Learned rules as text for the rules file: each proposal with its evidence as comments.

The text is in the rules file's own language and format (Dutch comments, one rule a
line as `importers.rules.format_rule` writes it), so it can be read, reviewed and
pasted into `importers/regels.txt` as it is, or appended by `regels --schrijf`.
"""

from __future__ import annotations

import collections
import os

from importers.learn import Learned, Place, Proposal, RuleKind, Skipped
from importers.rules import format_rule

WIDTH = 100


def shown_path(filename: str) -> str:
    """A book file's name relative to the working folder where it lies inside it."""
    relative = os.path.relpath(filename) if os.path.isabs(filename) else filename
    return filename if relative.startswith("..") else relative


def places_text(places: tuple[Place, ...], indent: str = "#   ") -> list[str]:
    """`file:12, 40, 88` per file, wrapped to comment lines."""
    by_file: dict[str, list[int]] = collections.defaultdict(list)
    for place in places:
        by_file[shown_path(place.filename)].append(place.lineno)
    lines = []
    for filename, numbers in by_file.items():
        line = f"{indent}{filename}:"
        for i, number in enumerate(sorted(numbers)):
            piece = f"{'' if i == 0 else ','}{number}"
            if len(line) + len(piece) + 1 > WIDTH:
                lines.append(line + ",")
                line = f"{indent}  {number}"
            else:
                line += piece if i == 0 else f", {number}"
        lines.append(line)
    return lines


def proposal_text(proposal: Proposal) -> str:
    who = (
        proposal.pattern
        if proposal.kind is RuleKind.NAME or not proposal.name
        else f"{proposal.name} ({proposal.pattern})"
    )
    header = f"# {who}: {proposal.count}× op {proposal.account} en nooit elders, in"
    return "\n".join(
        [header, *places_text(proposal.places), format_rule(proposal.kind.value, proposal.pattern, proposal.account)]
    )


def skipped_text(skipped: Skipped) -> str:
    return f"#   {skipped.kind.value} {skipped.pattern}: {skipped.detail} ({len(skipped.places)}× gezien)"


def learned_text(learned: Learned, book: str) -> str:
    """The proposals (active rule lines) and, as comments, what was not proposed and why."""
    parts = [
        f"# Voorgestelde regels, geleerd uit {shown_path(book)} (python -m importers regels).",
        "# Elke regel: een tegenpartij die het boek op één begrotingsregel boekte en nooit op een",
        "# andere; erboven hoe vaak en waar (bestand:regel). Controleer ze voor gebruik.",
    ]
    if not learned.proposals:
        parts.append("# (geen nieuwe regels)")
    for proposal in learned.proposals:
        parts.extend(["", proposal_text(proposal)])
    if learned.skipped:
        parts.extend(["", "# Niet voorgesteld:"])
        parts.extend(skipped_text(skipped) for skipped in learned.skipped)
    return "\n".join(parts) + "\n"
