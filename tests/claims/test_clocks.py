"""Working-day clocks (Indonesian public holidays) and the claim deadline from the PHK."""

import datetime as dt

import pytest
from django.utils import timezone

from claims import clocks
from claims.models import Claim, ClaimState
from tests.claims.conftest import bare_claim
from tests.factories import ParticipantFactory

S = ClaimState


def test_weekends_and_public_holidays_are_not_working_days():
    assert clocks.is_working_day(dt.date(2026, 8, 14))  # Friday
    assert not clocks.is_working_day(dt.date(2026, 8, 15))  # Saturday
    assert not clocks.is_working_day(dt.date(2026, 8, 17))  # Monday, Independence Day
    assert not clocks.is_working_day(dt.date(2026, 1, 1))  # New Year


def test_add_working_days_skips_weekend_and_holiday():
    # Friday 14 Aug 2026 + 1 working day: Sat, Sun, Mon 17 Aug (holiday) skipped -> Tue 18 Aug.
    assert clocks.add_working_days(dt.date(2026, 8, 14), 1) == dt.date(2026, 8, 18)
    assert clocks.working_days_between(dt.date(2026, 8, 14), dt.date(2026, 8, 18)) == 1


@pytest.mark.parametrize("state", list(clocks.STATE_SLA_WORKING_DAYS))
def test_overdue_cutoff_matches_the_python_clock(state):
    today = dt.date(2026, 8, 20)
    cutoff = clocks.overdue_cutoff(state, today)
    due_at_cutoff = clocks.sla_due(state, cutoff)
    due_after = clocks.sla_due(state, cutoff + dt.timedelta(days=1))
    assert due_at_cutoff < today
    assert due_after >= today


@pytest.mark.django_db
def test_overdue_filter_agrees_with_is_overdue(employer):
    now = timezone.now()
    claims = []
    for days_ago in range(0, 20):
        claim = bare_claim(ParticipantFactory(), employer, S.VERIFYING)
        Claim.objects.filter(pk=claim.pk).update(state_changed_at=now - dt.timedelta(days=days_ago))
        claims.append(claim)
    flagged = set(Claim.objects.filter(clocks.overdue_q()).values_list("pk", flat=True))
    expected = {c.pk for c in Claim.objects.all() if clocks.is_overdue(c)}
    assert flagged == expected
    assert 0 < len(flagged) < len(claims)


def test_claim_deadline_depends_on_the_version_on_the_claim_date():
    phk = dt.date(2025, 3, 10)
    assert clocks.claim_deadline(phk, dt.date(2025, 3, 20)) == dt.date(2025, 9, 10)  # PP 6/2025
    assert clocks.claim_deadline(dt.date(2024, 1, 10), dt.date(2024, 1, 20)) == dt.date(
        2024, 4, 10
    )  # PP 37/2021: 3 months


def test_working_days_between_counts_as_a_day_by_day_walk_does():
    """The counted working days agree with walking the calendar a day at a time, across
    weekends, holidays, year ends and spans of several years."""

    def walked(start: dt.date, end: dt.date) -> int:
        days = (end - start).days
        return sum(clocks.is_working_day(start + dt.timedelta(days=n)) for n in range(1, days + 1))

    origin = dt.date(2024, 12, 20)
    for offset in range(0, 400, 3):
        start = origin + dt.timedelta(days=offset)
        for span in (0, 1, 2, 6, 7, 12, 40, 380, 900):
            end = start + dt.timedelta(days=span)
            assert clocks.working_days_between(start, end) == walked(start, end), (start, end)
    assert clocks.working_days_between(dt.date(2026, 8, 18), dt.date(2026, 8, 14)) == 0
