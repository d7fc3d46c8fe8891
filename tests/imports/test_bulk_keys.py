"""The import's per-file shortcuts give the same answers as the per-row functions they replace,
and the benchmark's monthly file is valid on every day of the month (issue #14)."""

import datetime as dt

import pytest

from benchmarks.bench_import import file_period, paid_date
from imports.contributions import _check_row
from jkp_site.core.crypto import blind_index, blind_indexer
from participants.models import NIK_INDEX_CONTEXT, Participant


@pytest.mark.parametrize("value", ["3174011701900001", " 3174 0117 0190 0001 ", "001234567890"])
def test_the_bulk_indexer_equals_the_blind_index(value):
    assert blind_indexer(NIK_INDEX_CONTEXT)(value) == blind_index(value, context=NIK_INDEX_CONTEXT)
    assert blind_indexer("bank.account")(value) != blind_indexer(NIK_INDEX_CONTEXT)(value)


def test_a_checked_row_carries_the_participants_index():
    nik = "3174011701900001"
    staged, errors = _check_row(
        [nik, "12345678", "2025-01", "5000000", "2025-02-10"], 2, dt.date(2025, 3, 1), "en"
    )
    assert errors == []
    assert staged.split("\t")[1] == Participant.index_for(nik)


@pytest.mark.parametrize("day", range(1, 29))
def test_the_benchmark_file_pays_last_month_never_in_the_future(day):
    today = dt.date(2026, 12, day)
    period = file_period(today)
    assert period == dt.date(2026, 11, 1)
    assert period < paid_date(period, today) <= today
