"""Bar charts as SVG geometry, drawn by the template (bot/web/templates/analytics.html).

Server-side and without scripts, so the staff pages' CSP (no scripts, styles only from our
stylesheet) stays as it is: the template writes plain <rect> elements with coordinates as
attributes and a class for the colour, never a style attribute.
"""

from dataclasses import dataclass
from datetime import date
from typing import List, Sequence, Tuple

# The chart's own coordinates; the stylesheet scales it to the page's width.
HEIGHT = 100
BAR_STEP = 10
BAR_WIDTH = 8


@dataclass(frozen=True)
class Bar:
    x: int
    y: float
    width: int
    height: float
    label: str  # the day and its number, the bar's tooltip (<title>)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: List[Bar]
    summary: str  # the chart said in words, for a screen reader


def bar_chart(what: str, values: Sequence[Tuple[date, int]]) -> BarChart:
    """One bar a day, scaled to the busiest day (a flat line of empty days when all are 0)."""
    top = max((value for _, value in values), default=0)
    bars = [
        Bar(
            x=i * BAR_STEP,
            y=HEIGHT - (value / top * HEIGHT if top else 0),
            width=BAR_WIDTH,
            height=value / top * HEIGHT if top else 0,
            label=f"{day.isoformat()}: {value}",
        )
        for i, (day, value) in enumerate(values)
    ]
    total = sum(value for _, value in values)
    summary = f"{what} per day: {total} in all"
    if top:
        busiest = next(day for day, value in values if value == top)
        summary += f", most on {busiest.isoformat()} ({top})"
    return BarChart(width=max(len(values), 1) * BAR_STEP, height=HEIGHT, bars=bars, summary=summary)
