"""Statistical process control: XmR charts with NHS "Making Data Count" rules.

For a monthly series x₁…xₙ: the mean x̄, moving ranges MRᵢ = |xᵢ - xᵢ₋₁|, their mean
MR̄, and natural process limits x̄ ± 2.66 MR̄. Special-cause signals:

- *beyond limits*: a point above the upper or below the lower limit;
- *run*: 7 or more consecutive points on the same side of the mean (a point on the mean
  ends a run);
- *trend*: 7 or more consecutive points each higher than the one before (or each lower);
  an unchanged value ends a trend.

Months without data (``None``) are left out of the calculation and of runs and trends:
the series is read as the values it has, in order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

RUN_LENGTH = 7
TREND_LENGTH = 7
LIMIT_FACTOR = 2.66


@dataclass
class Point:
    index: int
    value: float | None
    beyond: bool = False
    run: bool = False
    trend: bool = False

    @property
    def special(self) -> bool:
        return self.beyond or self.run or self.trend

    @property
    def signals(self) -> list[str]:
        names = []
        if self.beyond:
            names.append("beyond the limits")
        if self.run:
            names.append(f"run of {RUN_LENGTH} or more on one side of the mean")
        if self.trend:
            names.append(f"trend of {TREND_LENGTH} or more")
        return names


@dataclass
class XmR:
    points: list[Point]
    mean: float | None = None
    mr_bar: float | None = None
    upper: float | None = None
    lower: float | None = None
    signals: list[str] = field(default_factory=list)

    @property
    def has_limits(self) -> bool:
        return self.upper is not None


def _flag_runs(known: list[Point], mean: float) -> None:
    streak: list[Point] = []
    side = 0
    for point in [*known, None]:
        value_side = 0
        if point is not None and point.value is not None:
            value_side = (point.value > mean) - (point.value < mean)
        if point is not None and value_side != 0 and value_side == side:
            streak.append(point)
            continue
        if len(streak) >= RUN_LENGTH:
            for p in streak:
                p.run = True
        streak = [point] if point is not None and value_side != 0 else []
        side = value_side


def _flag_trends(known: list[Point]) -> None:
    for direction in (1, -1):
        streak: list[Point] = known[:1]
        for previous, point in itertools.pairwise(known):
            assert previous.value is not None and point.value is not None
            step = (point.value > previous.value) - (point.value < previous.value)
            if step == direction:
                streak.append(point)
                continue
            if len(streak) >= TREND_LENGTH:
                for p in streak:
                    p.trend = True
            streak = [point]
        if len(streak) >= TREND_LENGTH:
            for p in streak:
                p.trend = True


def xmr(values: list[float | None]) -> XmR:
    """The XmR chart of ``values`` (at least two known values for limits)."""
    points = [Point(i, v) for i, v in enumerate(values)]
    known = [p for p in points if p.value is not None]
    chart = XmR(points=points)
    if not known:
        return chart
    numbers = [p.value for p in known if p.value is not None]
    chart.mean = sum(numbers) / len(numbers)
    if len(numbers) >= 2:
        ranges = [abs(b - a) for a, b in itertools.pairwise(numbers)]
        chart.mr_bar = sum(ranges) / len(ranges)
        chart.upper = chart.mean + LIMIT_FACTOR * chart.mr_bar
        chart.lower = chart.mean - LIMIT_FACTOR * chart.mr_bar
        for p in known:
            assert p.value is not None
            p.beyond = p.value > chart.upper or p.value < chart.lower
    _flag_runs(known, chart.mean)
    _flag_trends(known)
    if any(p.beyond for p in known):
        chart.signals.append("a point beyond the process limits")
    if any(p.run for p in known):
        chart.signals.append(f"a run of {RUN_LENGTH} or more points on one side of the mean")
    if any(p.trend for p in known):
        chart.signals.append(f"a trend of {TREND_LENGTH} or more points rising or falling")
    return chart
