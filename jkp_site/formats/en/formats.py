"""English shows dates as the Indonesian screens do (see ``jkp_site.formats.id``): the same
kinds, the month names in English."""

from jkp_site.formats.id.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
