"""Service-level clocks in Indonesian working days, and the claim deadline counted from the PHK.

Working days are Monday to Friday minus Indonesia's public holidays (the ``holidays`` package).
Each state of a claim in progress (submitted up to the decision, ``ClaimState.IN_PROGRESS``) has
a service level in working days; a case is overdue on a day once the working days since it
entered its state exceed that level (``overdue_on``). This is the one definition the queue, the
case page, the dashboard and the Ministry report ask. The queue filters overdue cases in the
database: ``overdue_q`` turns "more than N working days" into one date cut-off per state, so the
filter and the counts cost one query whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from functools import lru_cache

import holidays
from django.db.models import Q
from django.utils import timezone

from claims.models import ClaimState
from claims.rules import NoRuleVersionError, claim_deadline_for

S = ClaimState

# Working days a case in progress may spend in each state before it is flagged overdue. A
# draft is not a claim received yet: it has no clock (the report does not count it either).
STATE_SLA_WORKING_DAYS: dict[str, int] = {
    S.SUBMITTED: 2,
    S.VERIFYING: 5,
    S.ELIGIBILITY_CHECKED: 2,
    S.AWAITING_APPROVAL: 3,
    S.APPEALED: 5,
}


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


@lru_cache(maxsize=64)
def _weekday_holidays_of(year: int) -> tuple[dt.date, ...]:
    """The year's public holidays that fall on a Monday to Friday, in order."""
    return tuple(sorted(day for day in _holidays_of(year) if day.weekday() < 5))


def _weekdays_through(day: dt.date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _weekday_holidays_after(day: dt.date) -> int:
    """Weekday holidays of ``day``'s year after ``day``."""
    year = _weekday_holidays_of(day.year)
    return len(year) - bisect_right(year, day)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start).

    Counted, not walked: the queue asks it for every row, of cases that may have waited in
    their state for years."""
    if end <= start:
        return 0
    weekdays = _weekdays_through(end) - _weekdays_through(start)
    # Weekday holidays after start in its year, plus every later year's up to end's year,
    # less end's year's after end.
    holidays_between = (
        _weekday_holidays_after(start)
        + sum(len(_weekday_holidays_of(year)) for year in range(start.year + 1, end.year + 1))
        - _weekday_holidays_after(end)
    )
    return weekdays - holidays_between


def working_days_left(due: dt.date, today: dt.date) -> int:
    """Working days from ``today`` to ``due``: 0 on the day itself, negative once past it."""
    if due >= today:
        return working_days_between(today, due)
    return -working_days_between(due, today)


def working_days_elapsed(start: dt.date, end: dt.date) -> int:
    """Working days from the working day of ``start`` (``start`` itself, or the next working
    day when it is a weekend or a holiday) to ``end``: 0 when ``end`` falls on that working day
    or before it. Same Day Service (reports.monthly) is a decision with 0 here."""
    first = start if is_working_day(start) else add_working_days(start, 1)
    return working_days_between(first, end)


def sla_due(state: str, entered_on: dt.date) -> dt.date | None:
    days = STATE_SLA_WORKING_DAYS.get(state)
    return None if days is None else add_working_days(entered_on, days)


def entered_on(claim) -> dt.date:
    moment = claim.state_changed_at or claim.created_at
    return timezone.localdate(moment)


def overdue_on(state: str, entered: dt.date, day: dt.date) -> bool:
    """Whether a case that entered ``state`` on ``entered`` is past its service level on
    ``day``: the one rule of "overdue" (``overdue_q`` is the same rule as a filter)."""
    due = sla_due(state, entered)
    return due is not None and day > due


def is_overdue(claim, today: dt.date | None = None) -> bool:
    return overdue_on(claim.state, entered_on(claim), today or timezone.localdate())


def overdue_cutoff(state: str, today: dt.date) -> dt.date:
    """The latest entry date that makes a case in ``state`` overdue on ``today``.

    ``add_working_days`` grows with its start date, so walking back from today finds it.
    """
    days = STATE_SLA_WORKING_DAYS[state]
    day = today - dt.timedelta(days=1)
    while add_working_days(day, days) >= today:
        day -= dt.timedelta(days=1)
    return day


def overdue_q(today: dt.date | None = None) -> Q:
    """A filter for claims past the service level of their current state: per state, entered
    before the day after its cut-off began (in the site's time zone), a range the index on
    (state, state_changed_at) serves."""
    today = today or timezone.localdate()
    zone = timezone.get_default_timezone()
    condition = Q(pk__in=[])
    for state in STATE_SLA_WORKING_DAYS:
        day_after = overdue_cutoff(state, today) + dt.timedelta(days=1)
        condition |= Q(
            state=state,
            state_changed_at__lt=dt.datetime.combine(day_after, dt.time.min, tzinfo=zone),
        )
    return condition


def claim_deadline(phk_date: dt.date, on: dt.date | None = None) -> dt.date | None:
    """The last day a claim may be filed for this PHK, as the engine reads it on ``on`` (the
    claim date; today for a claim not yet filed): D4 counting, D14 across the transition (a
    right lost under V1's three months stays lost)."""
    try:
        return claim_deadline_for(phk_date, on or timezone.localdate()).last_day
    except NoRuleVersionError:
        return None
