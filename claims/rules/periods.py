"""Calendar helpers: contribution months (``Period``) and month arithmetic on dates.

Everything here is exact integer arithmetic on the Gregorian calendar; no time zones, no floats.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """One calendar month, e.g. the month a contribution was paid for.

    Ordering follows the calendar. ``Period + n`` and ``Period - n`` move by ``n`` months;
    ``Period - Period`` is the number of months between them.
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1..9999, got {self.year}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``"YYYY-MM"`` strictly (two-digit month, nothing else around it)."""
        match = _PERIOD_RE.match(text) if isinstance(text, str) else None
        if match is None or match.group(1) == "0000":
            raise ValueError(f"not a YYYY-MM period: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        """The month that contains ``day``."""
        return cls(day.year, day.month)

    @property
    def ordinal(self) -> int:
        """Months since January of year 0; handy for arithmetic."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Period:
        year, month0 = divmod(ordinal, 12)
        return cls(year, month0 + 1)

    def __add__(self, months: int) -> Period:
        if not isinstance(months, int) or isinstance(months, bool):
            return NotImplemented
        return Period.from_ordinal(self.ordinal + months)

    def __sub__(self, other: int | Period) -> Period | int:  # type: ignore[override]
        if isinstance(other, Period):
            return self.ordinal - other.ordinal
        if isinstance(other, int) and not isinstance(other, bool):
            return Period.from_ordinal(self.ordinal - other)
        return NotImplemented

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clipped to the last day of the target month.

    31 Aug + 3 months is 30 Nov; 31 Jan + 1 month is 28 Feb (29 in a leap year).
    """
    target = Period.of(day) + months
    return date(
        target.year, target.month, min(day.day, last_day_of_month(target.year, target.month))
    )


def age_on(birth_date: date, day: date) -> int:
    """Age in completed years on ``day`` (someone born on 29 Feb turns a year older on 1 Mar)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def parse_iso_date(text: str) -> date:
    """Parse exactly ``YYYY-MM-DD`` (``date.fromisoformat`` alone also accepts other forms)."""
    if not isinstance(text, str) or not _DATE_RE.match(text):
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return date.fromisoformat(text)
