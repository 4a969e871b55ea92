"""Categorisation rules: which budget account a bank line goes to.

The rules file (importers/regels.txt) is plain text that the treasurer edits. Each
rule is one line:

    iban   NL12ABCD0123456789     -> Inkomsten:AlgemeneSponsoring:Tulpenfonds
    naam   Tulpenfonds            -> Inkomsten:AlgemeneSponsoring:Tulpenfonds
    tekst  contributie*2022       -> Inkomsten:Contributies:IndividueleLeden

`iban` compares the counterparty's IBAN (spaces and case do not matter); `naam`
looks in the counterparty's name and `tekst` in the remittance text, case
insensitive, anywhere in the text, with `*` standing for any run of characters.
The first rule that matches wins. Lines starting with `#` and empty lines are
ignored. Every account must be opened in the book. A bank line no rule matches is
booked on the suspense account with flag `!`: nothing is guessed.
"""

import dataclasses
import re

from importers import ibans
from importers.errors import ImportFileError

KINDS = ("iban", "naam", "tekst")
_LINE = re.compile(r"^(?P<kind>\S+)\s+(?P<pattern>.*?)\s*->\s*(?P<account>\S+)\s*$")


@dataclasses.dataclass(frozen=True)
class Rule:
    kind: str
    pattern: str
    account: str
    lineno: int
    regex: re.Pattern | None = None

    def matches(self, iban: str | None, name: str | None, text: str | None) -> bool:
        if self.kind == "iban":
            return bool(iban) and ibans.normalise(iban) == self.pattern
        value = name if self.kind == "naam" else text
        return bool(value) and self.regex is not None and self.regex.search(value) is not None


@dataclasses.dataclass
class Rules:
    filename: str
    rules: list[Rule]

    def account_for(self, iban: str | None, name: str | None, text: str | None) -> str | None:
        """The account of the first rule that matches (as `Rule.matches`, done inline: this
        runs for every bank line)."""
        wanted = ibans.normalise(iban) if iban else ""
        for rule in self.rules:
            kind = rule.kind
            if kind == "iban":
                if wanted and wanted == rule.pattern:
                    return rule.account
                continue
            value = name if kind == "naam" else text
            if value and rule.regex is not None and rule.regex.search(value) is not None:
                return rule.account
        return None

    def first_match(self, iban: str | None, name: str | None, text: str | None) -> Rule | None:
        """The rule that decides a bank line: the first one that matches."""
        for rule in self.rules:
            if rule.matches(iban, name, text):
                return rule
        return None


def format_rule(kind: str, pattern: str, account: str) -> str:
    """One rule as a line of the rules file, in the columns of its examples (parse_rules reads it back)."""
    if pattern != pattern.strip():
        pattern = f'"{pattern}"'
    return f"{kind:<6} {pattern:<26} -> {account}"


def parse_rules(filename: str, text: str, open_accounts: set[str]) -> Rules:
    """Read a rules file's text; any line that is not a valid rule is an error."""
    rules = []
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        place = f"line {lineno}"
        if not match:
            raise ImportFileError(filename, place, "a rule is: iban|naam|tekst PATTERN -> ACCOUNT")
        kind, pattern, account = match["kind"].lower(), match["pattern"], match["account"]
        if kind not in KINDS:
            raise ImportFileError(filename, place, f"unknown kind {match['kind']!r}: use iban, naam or tekst")
        if len(pattern) >= 2 and pattern[0] == pattern[-1] == '"':
            pattern = pattern[1:-1]
        if not pattern:
            raise ImportFileError(filename, place, "the pattern is empty")
        if account not in open_accounts:
            raise ImportFileError(filename, place, f"account {account} is not opened in the book")
        regex = None
        if kind == "iban":
            pattern = ibans.normalise(pattern)
            if not ibans.is_iban(pattern):
                raise ImportFileError(filename, place, f"{match['pattern']} does not look like an IBAN")
        else:
            regex = re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.IGNORECASE)
        rules.append(Rule(kind, pattern, account, lineno, regex))
    return Rules(filename, rules)


def load_rules(filename: str, open_accounts: set[str]) -> Rules:
    try:
        with open(filename, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        raise ImportFileError(filename, None, "the rules file was not found") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(filename, f"byte {exc.start}", "the rules file is not UTF-8") from None
    return parse_rules(filename, text, open_accounts)
