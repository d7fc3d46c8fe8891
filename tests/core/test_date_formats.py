"""One date format per kind in both languages (README, jkp_site/formats): prose `20 Nov 2026`,
tables `20-11-2026`, a month `November 2026`; templates ask for a kind, never a pattern."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

DAY = dt.date(2026, 11, 20)
MOMENT = dt.datetime(2026, 11, 20, 14, 5)
# Machine formats are not for reading: an ISO timestamp (`c`) and a month's query value (`Y-m`).
MACHINE = {"c", "Y-m"}
NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["20 Nov 2026", "20-11-2026", "20-11-2026 14:05", "November 2026"]),
        ("en", ["20 Nov 2026", "20-11-2026", "20-11-2026 14:05", "November 2026"]),
    ],
)
def test_each_kind_reads_the_same_in_both_languages(language, expected):
    template = Template(
        '{{ day|date:"DATE_FORMAT" }}|{{ day|date:"SHORT_DATE_FORMAT" }}|'
        '{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ day|date:"YEAR_MONTH_FORMAT" }}'
    )
    with translation.override(language):
        shown = template.render(Context({"day": DAY, "moment": MOMENT})).split("|")
    assert shown == expected


def test_an_indonesian_month_is_named_in_indonesian():
    with translation.override("id"):
        shown = Template('{{ day|date:"DATE_FORMAT" }} {{ day|date:"YEAR_MONTH_FORMAT" }}')
        text = shown.render(Context({"day": dt.date(2026, 8, 17)}))
    assert text == "17 Agu 2026 Agustus 2026"


def test_templates_name_a_kind_never_a_pattern():
    used = re.compile(r"""\|date:["']([^"']+)["']""")
    wrong = [
        f"{path.relative_to(settings.BASE_DIR)}: {found}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for found in used.findall(path.read_text())
        if found not in NAMED | MACHINE
    ]
    assert not wrong
