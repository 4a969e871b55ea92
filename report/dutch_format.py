"""Dutch number format of the budget: 12.345 for amounts, (6.789) for negatives, as the seed writes them."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def format_euro(value: Decimal | int | None, decimals: int = 0) -> str:
    """Format an amount the way the seed writes it: thousands with '.', negatives in parentheses.

    >>> format_euro(Decimal('12345')), format_euro(Decimal('-6789')), format_euro(Decimal('12.5'), 2)
    ('12.345', '(6.789)', '12,50')
    """
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(number):,.{decimals}f}".partition(".")
    text = whole.replace(",", ".") + ("," + fraction if fraction else "")
    return f"({text})" if number < 0 else text


def format_percent(value: Decimal | None, decimals: int = 0) -> str:
    """Format a percentage in Dutch style: 12,5% or (3%) when negative.

    >>> format_percent(Decimal('12.5'), 1), format_percent(Decimal('-3'))
    ('12,5%', '(3%)')
    """
    if value is None:
        return ""
    text = format_euro(abs(Decimal(value)), decimals) + "%"
    return f"({text})" if value < 0 else text


def dutch_date(day: date) -> str:
    """A date the Dutch way: 05-04-2022."""
    return day.strftime("%d-%m-%Y")
