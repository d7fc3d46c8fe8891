import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants.nik import parse_nik

TODAY = dt.date(2026, 11, 25)


def codes(value):
    with pytest.raises(ValidationError) as exc:
        parse_nik(value, today=TODAY)
    return exc.value.code


def test_a_valid_mans_nik_gives_birth_date_and_region():
    info = parse_nik("3174011704900001", today=TODAY)
    assert info.birth_date == dt.date(1990, 4, 17)
    assert info.female is False
    assert info.region_code == "317401"


def test_a_womans_day_is_offset_by_forty():
    info = parse_nik("3174015704900001", today=TODAY)
    assert info.birth_date == dt.date(1990, 4, 17)
    assert info.female is True


def test_spaces_are_ignored():
    assert parse_nik("3174 0117 0490 0001", today=TODAY).birth_date == dt.date(1990, 4, 17)


def test_two_digit_years_in_the_past_century_and_this_one():
    assert parse_nik("3174010101050001", today=TODAY).birth_date == dt.date(2005, 1, 1)
    assert parse_nik("3174010101300001", today=TODAY).birth_date == dt.date(1930, 1, 1)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31740117049000A1", "nik_digits"),
        ("317401170490001", "nik_length"),
        ("31740117049000011", "nik_length"),
        ("9974011704900001", "nik_province"),
        ("3100011704900001", "nik_region"),
        ("3174013204900001", "nik_birth_date"),  # day 32
        ("3174017213900001", "nik_birth_date"),  # woman, day 32 (72-40)
        ("3174011713900001", "nik_birth_date"),  # month 13
        ("3174012902930001", "nik_birth_date"),  # 29 Feb 1993 does not exist
        ("3174011704900000", "nik_serial"),
    ],
)
def test_each_fault_has_its_own_message(value, code):
    assert codes(value) == code


def test_messages_are_indonesian_by_default():
    with pytest.raises(ValidationError) as exc:
        parse_nik("123", today=TODAY)
    assert "NIK harus 16 digit" in exc.value.messages[0]
