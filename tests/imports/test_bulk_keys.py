"""The import's per-file shortcuts give the same answers as the per-row functions they replace,
and the benchmark's monthly file is valid on every day of the month (issue #14)."""

import base64
import datetime as dt
import hashlib
import hmac

import pytest
from django.core.exceptions import ValidationError

from benchmarks.bench_import import file_period, paid_date
from imports.contributions import _check_row, _nik_index
from jkp_site.core.crypto import blind_index, blind_indexer
from participants.models import NIK_INDEX_CONTEXT, Participant
from participants.nik import PROVINCE_CODES, parse_nik

TODAY = dt.date(2026, 12, 2)
FAULTY_NIKS = [
    "3174011701900001",  # valid
    "3174015701900001",  # valid, a woman (day + 40)
    "3174012902000001",  # 29 Feb 2000
    "3174012902010001",  # 29 Feb 2001: no such day
    "3174013102900001",  # 31 Feb
    "3174017201900001",  # day 72
    "3174010000900001",  # day 00
    "3174014113900001",  # month 13
    "3174010112270001",  # 2027: read as 1927, valid
    "3174010212260001",  # 2 Dec 2026: today
    "3174010312260001",  # 3 Dec 2026: tomorrow
    "3174011701900000",  # serial 0000
    "3100011701900001",  # regency 00
    "3174001701900001",  # district 00
    "0074011701900001",  # no such province
    "317401170190001",  # 15 digits
    "31740117019000011",  # 17 digits
    "3174 0117 0190 0001",  # spaces inside: valid once joined
    "31740117019\u0660\u0660001",  # Arabic-Indic digits
    "317401170190000A",
    "",
]


@pytest.mark.parametrize("value", ["3174011701900001", " 3174 0117 0190 0001 ", "001234567890"])
def test_the_bulk_indexer_equals_the_blind_index(value, settings):
    assert blind_indexer(NIK_INDEX_CONTEXT)(value) == blind_index(value, context=NIK_INDEX_CONTEXT)
    assert blind_indexer("bank.account")(value) != blind_indexer(NIK_INDEX_CONTEXT)(value)
    # Both are the HMAC-SHA256 of "context:value" without spaces, by the standard library's
    # own reading: the bulk shortcut through OpenSSL's object changes no index.
    key = base64.urlsafe_b64decode(settings.BLIND_INDEX_KEY)
    text = f"{NIK_INDEX_CONTEXT}:{''.join(value.split())}".encode()
    expected = hmac.new(key, text, hashlib.sha256).hexdigest()
    assert blind_indexer(NIK_INDEX_CONTEXT)(value) == expected


def _parse_nik_verdict(nik: str) -> tuple[str, str]:
    try:
        parse_nik(nik, today=TODAY)
    except ValidationError as exc:
        return "", exc.messages[0]
    return Participant.index_for(nik), ""


@pytest.mark.parametrize(
    "nik", FAULTY_NIKS + [f"{code}74011701900001" for code in sorted(PROVINCE_CODES)]
)
def test_the_import_judges_a_nik_as_parse_nik_does(nik):
    assert _nik_index(nik, TODAY) == _parse_nik_verdict(nik)


def test_a_checked_row_carries_the_participants_index():
    nik = "3174011701900001"
    staged, errors = _check_row(
        [nik, "12345678", "2025-01", "5000000", "2025-02-10"], 2, dt.date(2025, 3, 1)
    )
    assert errors == []
    assert staged.split("\t")[1] == Participant.index_for(nik)


@pytest.mark.parametrize("day", range(1, 29))
def test_the_benchmark_file_pays_last_month_never_in_the_future(day):
    today = dt.date(2026, 12, day)
    period = file_period(today)
    assert period == dt.date(2026, 11, 1)
    assert period < paid_date(period, today) <= today
