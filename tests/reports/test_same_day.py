"""Same Day Service: per branch, the claims decided on the working day their file became
complete, the median working days from complete to decided, and the cases that missed it,
kept with the month and listed to the staff who see them."""

import datetime as dt
from collections import Counter

import pytest
import time_machine

from claims import clocks
from reports import monthly as reports
from reports.models import SameDayMiss
from tests.factories import EmployerFactory, UserFactory
from tests.language import InEnglish
from tests.reports.history import at, claim_with_history

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)


def test_working_days_elapsed_counts_from_the_working_day_the_file_was_complete():
    friday, holiday, tuesday = dt.date(2026, 8, 14), dt.date(2026, 8, 17), dt.date(2026, 8, 18)
    assert clocks.working_days_elapsed(tuesday, tuesday) == 0
    assert clocks.working_days_elapsed(friday, tuesday) == 1  # Monday 17 August is a holiday
    assert clocks.working_days_elapsed(holiday, tuesday) == 0  # complete on a holiday
    assert clocks.working_days_elapsed(dt.date(2026, 8, 15), friday + dt.timedelta(days=2)) == 0


def test_median_of_a_histogram():
    assert reports.median_of(Counter()) is None
    assert reports.median_of(Counter({0: 3, 1: 1, 4: 1})) == 0
    assert reports.median_of(Counter({0: 3, 1: 2, 4: 1})) == 0.5
    assert reports.median_of(Counter({2: 1})) == 2


def checked_then(decided: str, *moves):
    return [(at("2026-09-28", 8), "submitted"), (at("2026-09-28", 9), "verifying"), *moves]


@pytest.fixture
def decisions(branch, other_branch):
    """October 2026 (no public holiday): five claims of branch A decided after a complete file,
    one of branch B, and three that do not count."""
    a, b = EmployerFactory(branch=branch), EmployerFactory(branch=other_branch)
    made = {}
    cases = {
        "same_day": (a, [(at("2026-10-05", 10), "eligibility_checked"),
                         (at("2026-10-05", 11), "awaiting_approval"),
                         (at("2026-10-05", 15), "approved")]),
        "next_day": (a, [(at("2026-10-09", 15), "eligibility_checked"),
                         (at("2026-10-09", 16), "awaiting_approval"),
                         (at("2026-10-12", 9), "approved")]),
        # Complete on a Saturday, decided on Monday: the same working day.
        "weekend": (a, [(at("2026-10-10", 10), "eligibility_checked"),
                        (at("2026-10-10", 11), "awaiting_approval"),
                        (at("2026-10-12", 14), "rejected")]),
        # Sent back to verification: complete again on the 20th, rejected that day.
        "sent_back": (a, [(at("2026-10-13"), "eligibility_checked"),
                          (at("2026-10-13", 11), "awaiting_approval"),
                          (at("2026-10-14"), "verifying"),
                          (at("2026-10-20", 9), "eligibility_checked"),
                          (at("2026-10-20", 10), "awaiting_approval"),
                          (at("2026-10-20", 16), "rejected")]),
        "four_days": (a, [(at("2026-10-01"), "eligibility_checked"),
                          (at("2026-10-01", 11), "awaiting_approval"),
                          (at("2026-10-07"), "approved")]),
        "branch_b": (b, [(at("2026-10-05"), "eligibility_checked"),
                         (at("2026-10-05", 11), "awaiting_approval"),
                         (at("2026-10-06"), "approved")]),
        # First decided in September: its appeal's decision in October does not count.
        "appeal": (a, [(at("2026-09-30", 10), "eligibility_checked"),
                       (at("2026-09-30", 11), "awaiting_approval"),
                       (at("2026-09-30", 15), "rejected"),
                       (at("2026-10-02"), "appealed"),
                       (at("2026-10-08"), "awaiting_approval"),
                       (at("2026-10-26"), "approved")]),
        # Complete in October, not decided yet.
        "waiting": (a, [(at("2026-10-26"), "eligibility_checked")]),
    }  # fmt: skip
    for name, (employer, moves) in cases.items():
        made[name] = claim_with_history(employer, checked_then("", *moves))
    # Decided without a recorded verification: not counted.
    made["unverified"] = claim_with_history(
        a, [(at("2026-10-05", 8), "submitted"), (at("2026-10-05", 9), "approved")]
    )
    return made


def test_the_branch_figures_and_the_total(decisions, branch, other_branch):
    with time_machine.travel(at("2026-11-10"), tick=False):
        report = reports.monthly_report(month=OCTOBER)
    rows = {row.branch: row.figures for row in report.rows}
    a, b, total = rows[branch], rows[other_branch], report.total
    assert (a.same_day_decided, a.same_day_met, a.same_day_missed) == (5, 3, 2)
    assert a.same_day_percent == 60.0
    assert a.decision_working_days == Counter({0: 3, 1: 1, 4: 1})
    assert a.median_working_days == 0
    assert (b.same_day_decided, b.same_day_met, b.median_working_days) == (1, 0, 1)
    assert (total.same_day_decided, total.same_day_met) == (6, 3)
    assert total.median_working_days == 0.5
    assert set(SameDayMiss.objects.values_list("claim__number", "working_days")) == {
        (decisions["next_day"].number, 1),
        (decisions["four_days"].number, 4),
        (decisions["branch_b"].number, 1),
    }


def test_the_month_is_rebuilt_with_its_misses(decisions, branch):
    with time_machine.travel(at("2026-11-10"), tick=False):
        reports.rebuild_month(OCTOBER)
        reports.rebuild_month(OCTOBER)
        kept = reports.kept_figures([OCTOBER])[OCTOBER]
    assert SameDayMiss.objects.count() == 3
    assert kept == reports.compute_figures(OCTOBER)
    assert kept[branch.pk].decision_working_days == Counter({0: 3, 1: 1, 4: 1})


def test_the_dashboard_and_the_report_show_it_with_links_to_the_misses(
    client, decisions, head_office, branch
):
    english = InEnglish(client)
    with time_machine.travel(at("2026-11-10"), tick=False):
        client.force_login(head_office)
        for url, params in (("/reports/", {"month": "2026-10"}), ("/reports/monthly/", {})):
            page = english.get(url, {**params, "month": "2026-10"}).text
            assert f'data-same-day="{branch.pk}">60.0%' in page
            assert f'href="/reports/same-day/2026-10/?office={branch.pk}"' in page
            assert 'id="same-day-help"' in page
            assert "How Same Day Service is measured" in page


def test_staff_see_the_misses_of_their_branch(
    client, decisions, officer, outsider, head_office, branch, django_assert_num_queries
):
    with time_machine.travel(at("2026-11-10"), tick=False):
        reports.rebuild_month(OCTOBER)
        client.force_login(officer)
        with django_assert_num_queries(6):
            page = client.get("/reports/same-day/2026-10/").text
        assert page.count("data-claim=") == 2
        # slowest first
        assert page.index(decisions["four_days"].number) < page.index(decisions["next_day"].number)
        assert decisions["branch_b"].number not in page
        client.force_login(outsider)
        page = client.get("/reports/same-day/2026-10/").text
        assert page.count("data-claim=") == 1
        assert (
            client.get(f"/reports/same-day/2026-10/?office={branch.pk}").text.count("data-claim=")
            == 0
        )
        client.force_login(head_office)
        assert client.get("/reports/same-day/2026-10/").text.count("data-claim=") == 3
        assert client.get("/reports/same-day/2026-12/").status_code == 404
        assert client.get("/reports/same-day/2026-13/").status_code == 404
        client.force_login(UserFactory(username="nobody"))
        assert client.get("/reports/same-day/2026-10/").status_code == 403
