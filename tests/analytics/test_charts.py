"""Bar chart geometry: one bar a day, scaled to the busiest day, said in words."""

from datetime import date, timedelta

from bot.analytics.charts import BAR_STEP, HEIGHT, bar_chart

DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(4)]


def test_bars_are_scaled_to_the_busiest_day():
    chart = bar_chart("Conversations", list(zip(DAYS, [2, 8, 0, 4], strict=True)))
    assert chart.width == 4 * BAR_STEP and chart.height == HEIGHT
    assert [bar.x for bar in chart.bars] == [0, BAR_STEP, 2 * BAR_STEP, 3 * BAR_STEP]
    assert [bar.height for bar in chart.bars] == [25, 100, 0, 50]
    assert [bar.y + bar.height for bar in chart.bars] == [HEIGHT] * 4  # standing on the axis
    assert chart.bars[1].label == "2026-11-02: 8"
    assert chart.summary == "Conversations per day: 14 in all, most on 2026-11-02 (8)"


def test_days_without_anything_are_a_flat_line():
    chart = bar_chart("Callback requests", list(zip(DAYS, [0, 0, 0, 0], strict=True)))
    assert {bar.height for bar in chart.bars} == {0}
    assert chart.summary == "Callback requests per day: 0 in all"
