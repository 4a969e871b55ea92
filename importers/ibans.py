"""IBANs: normalising, recognising, and old Dutch account numbers.

Statements written before the IBAN era (and some MT940 exports still) name the
account by its domestic number: `517852257`, `1291.99.348EUR`,
`TRIODOSBANK/0390123456`. A Dutch IBAN is NLkk BANK followed by that number padded
to ten digits, so such a number is matched against the association's own IBANs by
those ten digits (see `domestic_digits`).
"""

import re

_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")


_SPACE = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """The IBAN without spaces, upper case ('' for None)."""
    if not text:
        return ""
    if text.isalnum():                      # the usual case: nothing to take out
        return text.upper()
    return _SPACE.sub("", text).upper()


def is_iban(text: str | None) -> bool:
    """True if `text` has the shape of an IBAN (country, two digits, 11-30 letters/digits).

    The check digits are not verified: the published sample statements carry IBANs
    whose check digits are wrong, and an IBAN is only ever compared with the book's.
    """
    return bool(_IBAN.match(normalise(text)))


def domestic_digits(text: str) -> str | None:
    """The ten-digit Dutch account number inside an account identification, or None.

    Accepts `0417164300`, `417164300`, `1291.99.348EUR`, `TRIODOSBANK/0390123456`
    and a Dutch IBAN `NL91ABNA0417164300` (its last ten digits).
    """
    value = normalise(text)
    if value.startswith("NL") and is_iban(value):
        return value[-10:]
    value = value.rsplit("/", 1)[-1]
    value = re.sub(r"[A-Z]{3}$", "", value)  # a currency suffix (Rabobank)
    value = value.replace(".", "")
    if re.fullmatch(r"[0-9]{1,10}", value):
        return value.zfill(10)
    return None


def dutch_iban(bank_code: str, number: str) -> str:
    """The Dutch IBAN of an old account number at a bank: NL, check digits, bank code, ten digits.

    `dutch_iban("ABNA", "417164300")` is `NL91ABNA0417164300` (ISO 13616 check digits, mod 97).
    """
    bban = bank_code.upper() + number.zfill(10)
    digits = "".join(str(int(char, 36)) for char in bban + "NL00")
    return f"NL{98 - int(digits) % 97:02d}{bban}"


def has_valid_check_digits(iban: str) -> bool:
    """True if the IBAN's check digits are right (ISO 13616, mod 97)."""
    value = normalise(iban)
    digits = "".join(str(int(char, 36)) for char in value[4:] + value[:4])
    return is_iban(value) and int(digits) % 97 == 1
