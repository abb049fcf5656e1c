"""XmR charts and the Making Data Count rules, against series worked by hand."""

from __future__ import annotations

import pytest

from governance.charts import bar_svg, nice_ticks, xmr_svg
from governance.spc import xmr


def flagged(chart, rule):
    return [p.index for p in chart.points if getattr(p, rule)]


def test_mean_moving_range_and_limits():
    chart = xmr([10, 11, 9, 10, 12, 10, 11, 9, 10, 40])
    # sum 132 over 10 points; moving ranges 1,2,1,2,2,1,2,1,30: 42 over 9.
    assert chart.mean == pytest.approx(13.2)
    assert chart.mr_bar == pytest.approx(42 / 9)
    assert chart.upper == pytest.approx(13.2 + 2.66 * 42 / 9)
    assert chart.lower == pytest.approx(13.2 - 2.66 * 42 / 9)
    assert flagged(chart, "beyond") == [9]
    # The outlier lifts the mean above the other nine: a run below it too.
    assert flagged(chart, "run") == list(range(9))
    assert chart.signals == [
        "a point beyond the process limits",
        "a run of 7 or more points on one side of the mean",
    ]


def test_one_point_beyond_the_limits_alone():
    chart = xmr([10, 30] * 10 + [200])
    # mean 600/21; moving ranges nineteen 20s and 170: 550/20.
    assert chart.mean == pytest.approx(600 / 21)
    assert chart.upper == pytest.approx(600 / 21 + 2.66 * 27.5)
    assert [p.index for p in chart.points if p.special] == [20]


def test_a_run_of_seven_on_one_side_of_the_mean():
    chart = xmr([9, 1, 9, 1, 9, 1, 6, 6, 6, 6, 6, 6, 6])
    # mean 72/13 = 5.54: the last seven are all above it.
    assert flagged(chart, "run") == [6, 7, 8, 9, 10, 11, 12]
    assert not flagged(chart, "beyond") and not flagged(chart, "trend")


def test_six_on_one_side_is_not_a_run_and_a_point_on_the_mean_ends_one():
    assert not flagged(xmr([9, 1, 9, 1, 9, 1, 9, 1, 6, 6, 6, 6, 6, 6]), "run")
    # mean 5: the 5 sits on the mean and breaks the seven 6s into 3 and 4.
    chart = xmr([6, 6, 6, 5, 6, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 7])
    assert chart.mean == pytest.approx(5.0)
    assert flagged(chart, "run") == [8, 9, 10, 11, 12, 13, 14, 15, 16]


def test_a_trend_of_seven_rising_or_falling():
    assert flagged(xmr([1, 2, 3, 4, 5, 6, 7]), "trend") == list(range(7))
    assert flagged(xmr([9, 8, 7, 6, 5, 4, 3, 5]), "trend") == list(range(7))
    assert not flagged(xmr([1, 2, 3, 4, 5, 6]), "trend")
    # An unchanged value ends a trend.
    assert not flagged(xmr([1, 2, 3, 3, 4, 5, 6, 7]), "trend")


def test_constant_data_has_no_signal():
    chart = xmr([5.0] * 12)
    assert (chart.mean, chart.upper, chart.lower) == (5.0, 5.0, 5.0)
    assert not chart.signals


def test_months_without_data_are_left_out():
    chart = xmr([1, None, 2, 3, None, 4, 5, 6, 7])
    assert chart.mean == pytest.approx(4.0)
    assert flagged(chart, "trend") == [0, 2, 3, 5, 6, 7, 8]
    assert chart.points[1].value is None and not chart.points[1].special
    assert xmr([]).mean is None
    single = xmr([3])
    assert single.mean == 3 and not single.has_limits


def test_the_svg_is_named_described_and_marks_special_causes_by_shape():
    chart = xmr([10, 30] * 10 + [200])
    svg = str(
        xmr_svg(chart_id="c1", title="Notifications <per> month", labels=["Jan"] * 21, chart=chart)
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Notifications &lt;per&gt; month</title>' in svg
    assert "a point beyond the process limits" in svg
    assert svg.count("<rect") == 2  # the special point and its legend key
    assert "stroke-dasharray" in svg


def test_bar_chart_and_ticks():
    svg = str(bar_svg(chart_id="b", title="Themes", rows=[("Dysphagia", 3), ("Epilepsy", 1)]))
    assert "Dysphagia: 3" in svg and svg.count("<rect") == 2
    assert "none in this period" in str(bar_svg(chart_id="e", title="Themes", rows=[]))
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
