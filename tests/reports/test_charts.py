"""The dashboard's charts: round y-axis labels on their lines, as many months drawn as the
selector says, and the figures as a table for screen readers beside each chart."""

import re

import pytest

from reports import monthly as reports

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (5, [0, 2, 4, 6]),
        (12, [0, 5, 10, 15]),
        (100, [0, 50, 100]),
        (18_700_000, [0, 5_000_000, 10_000_000, 15_000_000, 20_000_000]),
    ],
)
def test_nice_ticks(top, ticks):
    assert reports.nice_ticks(top) == ticks


def test_each_label_sits_on_its_line():
    chart = reports.line_chart(title="t", labels=["a", "b"], series=[("s", [0, 5])])
    labels = re.findall(r'y="([\d.]+)"[^>]*class="y-tick">([^<]+)<', chart.svg)
    assert [text for _y, text in labels] == ["0", "2", "4", "6"]
    lines = re.findall(r'<line x1="\d+" y1="([\d.]+)"', chart.svg)
    assert [float(y) + 4 for y in lines] == [float(y) for y, _text in labels]


def test_the_selector_says_what_is_drawn(client, head_office, branch):
    client.force_login(head_office)
    for params, months in (({}, 12), ({"months": "6"}, 6), ({"branch": branch.pk}, 12)):
        response = client.get("/reports/", params)
        body = response.text
        selected = re.search(r'name="months".*?<option value="(\d+)" selected>', body, re.S)
        assert selected, params
        assert int(selected[1]) == months, params
        charts = response.context["charts"]
        assert all(len(chart.labels) == months for chart in charts)
        assert body.count('class="x-label"') == months * len(charts)
        assert body.count('class="visually-hidden chart-data"') == len(charts)
        table = body.split('class="visually-hidden chart-data"', 1)[1].split("</table>", 1)[0]
        assert table.count('<th scope="row">') == months
