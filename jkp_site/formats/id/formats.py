"""One date format per kind, the same in both languages (issue #16): prose and headings say
``20 Nov 2026``, tables ``20-11-2026``, months ``November 2026``; times are Asia/Jakarta's.
Templates name the kind (``|date:"SHORT_DATE_FORMAT"``), never a pattern."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
