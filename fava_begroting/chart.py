"""The chart of the cumulative result through the year, as SVG geometry for the template.

Drawn server-side as inline SVG (no JavaScript, nothing fetched from elsewhere): the
planned cumulative result at each quarter's end, the actual one up to the peildatum, and
the forecast from there to the year's end. Every point links to the entries behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from report.dutch_format import format_euro

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 16, 44


@dataclass(frozen=True)
class SeriesPoint:
    day: date
    value: Decimal
    title: str
    href: str | None = None


@dataclass(frozen=True)
class Series:
    key: str  # css class: begroot, werkelijk, prognose
    label: str
    points: tuple[SeriesPoint, ...]
    dashed: bool = False


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str
    href: str | None


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    dashed: bool
    path: str  # the polyline's points attribute
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    zero: float
    lines: tuple[Line, ...]
    y_ticks: tuple[Tick, ...]
    x_labels: tuple[Tick, ...]
    boundaries: tuple[float, ...]
    peildatum: Tick | None


def nice_step(span: float, count: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts span into about count parts."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def layout(year: int, series: list[Series], peildatum: date | None = None) -> Chart:
    """Place the series on a year-wide x axis and a value axis that always shows 0."""
    first, last = date(year, 1, 1), date(year + 1, 1, 1)
    days = (last - first).days
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    values = [float(p.value) for s in series for p in s.points] + [0.0]
    step = nice_step(max(values) - min(values))
    low, high = math.floor(min(values) / step) * step, math.ceil(max(values) / step) * step
    if high == low:
        high = low + step

    def x(day: date) -> float:
        return round(LEFT + (right - LEFT) * (day - first).days / days, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - TOP) * (value - low) / (high - low), 1)

    lines = []
    for s in series:
        points = tuple(Point(x(p.day), y(float(p.value)), p.title, p.href) for p in s.points)
        lines.append(Line(s.key, s.label, s.dashed, " ".join(f"{p.x},{p.y}" for p in points), points))
    ticks = []
    value = low
    while value <= high + step / 2:
        ticks.append(Tick(y(value), format_euro(Decimal(str(value)))))
        value += step
    starts = [date(year, month, 1) for month in (1, 4, 7, 10)] + [last]
    labels = tuple(Tick(round((x(a) + x(b)) / 2, 1), f"Q{i + 1}") for i, (a, b) in enumerate(pairwise(starts)))
    mark = Tick(x(peildatum), peildatum.strftime("%d-%m")) if peildatum and first <= peildatum < last else None
    return Chart(WIDTH, HEIGHT, LEFT, right, TOP, bottom, y(0.0), tuple(lines), tuple(ticks), labels,
                 tuple(x(day) for day in starts), mark)
