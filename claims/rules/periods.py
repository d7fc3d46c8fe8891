"""Calendar helpers: contribution months (``Period``) and month arithmetic on dates.

Everything here is exact integer arithmetic on the Gregorian calendar; no time zones, no floats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import overload

_PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True, eq=False)
class Period:
    """One calendar month, e.g. the month a contribution was paid for.

    Ordering follows the calendar. ``Period + n`` and ``Period - n`` move by ``n`` months;
    ``Period - Period`` is the number of months between them. ``ordinal`` (months since January
    of year 0) is computed once; equality, hashing and ordering use it.
    """

    year: int
    month: int
    ordinal: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1..9999, got {self.year}")
        object.__setattr__(self, "ordinal", self.year * 12 + self.month - 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``"YYYY-MM"`` strictly (two-digit month, nothing else around it)."""
        cached = _PARSED.get(text) if isinstance(text, str) else None
        if cached is not None:
            return cached
        match = _PERIOD_RE.match(text) if isinstance(text, str) else None
        if match is None or match.group(1) == "0000":
            raise ValueError(f"not a YYYY-MM period: {text!r}")
        period = cls(int(match.group(1)), int(match.group(2)))
        if cls is Period:
            # Periods are immutable; at most 9999 x 12 distinct valid texts exist.
            _PARSED[text] = period
        return period

    @classmethod
    def of(cls, day: date) -> Period:
        """The month that contains ``day``."""
        if cls is Period:
            found = _BY_ORDINAL.get(day.year * 12 + day.month - 1)
            if found is not None:
                return found
        return cls._made(day.year, day.month)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Period:
        if cls is Period:
            found = _BY_ORDINAL.get(ordinal)
            if found is not None:
                return found
        year, month0 = divmod(ordinal, 12)
        return cls._made(year, month0 + 1)

    @classmethod
    def _made(cls, year: int, month: int) -> Period:
        period = cls(year, month)
        if cls is Period:
            # Periods are immutable; at most 9999 x 12 distinct valid ones exist.
            _BY_ORDINAL[period.ordinal] = period
        return period

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Period):
            return self.ordinal == other.ordinal
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.ordinal)

    def __lt__(self, other: Period) -> bool:
        if isinstance(other, Period):
            return self.ordinal < other.ordinal
        return NotImplemented

    def __le__(self, other: Period) -> bool:
        if isinstance(other, Period):
            return self.ordinal <= other.ordinal
        return NotImplemented

    def __gt__(self, other: Period) -> bool:
        if isinstance(other, Period):
            return self.ordinal > other.ordinal
        return NotImplemented

    def __ge__(self, other: Period) -> bool:
        if isinstance(other, Period):
            return self.ordinal >= other.ordinal
        return NotImplemented

    def __add__(self, months: int) -> Period:
        if not isinstance(months, int) or isinstance(months, bool):
            return NotImplemented
        return Period.from_ordinal(self.ordinal + months)

    @overload
    def __sub__(self, other: Period) -> int: ...

    @overload
    def __sub__(self, other: int) -> Period: ...

    def __sub__(self, other: int | Period) -> Period | int:
        if isinstance(other, Period):
            return self.ordinal - other.ordinal
        if isinstance(other, int) and not isinstance(other, bool):
            return Period.from_ordinal(self.ordinal - other)
        return NotImplemented

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


_PARSED: dict[str, Period] = {}
_BY_ORDINAL: dict[int, Period] = {}


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def last_day_of_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clipped to the last day of the target month.

    31 Aug + 3 months is 30 Nov; 31 Jan + 1 month is 28 Feb (29 in a leap year).
    """
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year must be 1..9999, got {year}")
    return date(year, month, min(day.day, last_day_of_month(year, month)))


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
