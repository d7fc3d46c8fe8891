"""Period and calendar arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from claims.rules import Period, add_months, age_on


def test_period_parse_and_str():
    assert Period.parse("2025-02") == Period(2025, 2)
    assert str(Period(987, 3)) == "0987-03"


@pytest.mark.parametrize(
    "text",
    ["2025-2", "2025-13", "2025-00", "25-02", "2025-02-01", " 2025-02", "2025/02", "0000-01"],
)
def test_period_parse_rejects(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.parse(text)


def test_period_rejects_bad_month():
    with pytest.raises(ValueError, match="month"):
        Period(2025, 13)


def test_period_ordering_and_arithmetic():
    assert Period(2024, 12) < Period(2025, 1) < Period(2025, 2)
    assert Period(2024, 12) + 1 == Period(2025, 1)
    assert Period(2025, 1) - 1 == Period(2024, 12)
    assert Period(2025, 2) - 23 == Period(2023, 3)
    assert Period(2025, 2) - Period(2023, 3) == 23
    assert Period.of(date(2025, 2, 28)) == Period(2025, 2)
    assert sorted([Period(2025, 1), Period(2023, 5), Period(2024, 12)])[0] == Period(2023, 5)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 3, 10), 6, date(2025, 9, 10)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 3, date(2023, 11, 30)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 12, 15), 2, date(2025, 2, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 3, 31), 0, date(2025, 3, 31)),
    ],
)
def test_add_months_clips_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1970, 4, 17), date(2024, 4, 16), 53),
        (date(1970, 4, 17), date(2024, 4, 17), 54),
        (date(1972, 2, 29), date(2026, 2, 28), 53),
        (date(1972, 2, 29), date(2026, 3, 1), 54),
        (date(1972, 2, 29), date(2024, 2, 29), 52),
    ],
)
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age
