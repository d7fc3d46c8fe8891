"""One definition per figure: the queue, the dashboard and the Ministry report count the same
overdue and in-progress claims of a branch on the same day, and the month not over is marked
provisional on every screen and file that shows it."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from claims import clocks
from claims.models import ClaimState
from reports import monthly as reports
from tests.factories import EmployerFactory
from tests.language import InEnglish
from tests.reports.history import at, claim_with_history

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def october(branch, other_branch):
    """Branch A on Wednesday 21 October 2026 (October has no public holiday)."""
    employer = EmployerFactory(branch=branch)
    cases = [
        # submitted 12 Oct, due 14 Oct: overdue
        [(at("2026-10-12"), "submitted")],
        # submitted yesterday: not yet
        [(at("2026-10-20"), "submitted")],
        # verifying since 12 Oct (due 19 Oct): overdue; taken on the 20th, which moves nothing
        [(at("2026-10-09"), "submitted"), (at("2026-10-12"), "verifying")],
        # awaiting approval since 19 Oct, due 22 Oct: overdue only by the month's end
        [(at("2026-10-14"), "submitted"), (at("2026-10-19"), "awaiting_approval")],
        # verifying since 16 Oct, due 23 Oct: overdue only by the month's end
        [(at("2026-10-15"), "submitted"), (at("2026-10-16"), "verifying")],
        # checked since 1 Oct, due 5 Oct: overdue
        [(at("2026-09-29"), "submitted"), (at("2026-10-01"), "eligibility_checked")],
    ]
    for number, moves in enumerate(cases):
        actions = [(at("2026-10-20", 11), "take")] if number == 2 else ()
        claim_with_history(employer, moves, actions=actions)
    # A draft since September is not a claim received: overdue nowhere.
    claim_with_history(employer, [(at("2026-09-01"), "draft")])
    # Branch B's overdue claim is not branch A's.
    claim_with_history(EmployerFactory(branch=other_branch), [(at("2026-10-01"), "submitted")])
    return branch


def figures_on(client, officer, head_office, branch):
    client.force_login(officer)
    queue = client.get("/claims/").context
    client.force_login(head_office)
    dashboard = client.get("/reports/", {"branch": branch.pk}).context["report"].total
    monthly = client.get("/reports/monthly/", {"month": "2026-10"}).context["report"]
    [row] = [row.figures for row in monthly.rows if row.branch == branch]
    return {
        "queue": (queue["overdue_count"], queue["in_progress_count"]),
        "dashboard": (dashboard.overdue, dashboard.in_progress),
        "report": (row.overdue, row.in_progress),
    }


def test_queue_dashboard_and_report_count_the_same_overdue_claims(
    client, october, officer, head_office
):
    with time_machine.travel(at("2026-10-21", 9), tick=False):
        assert figures_on(client, officer, head_office, october) == {
            "queue": (3, 6),
            "dashboard": (3, 6),
            "report": (3, 6),
        }
    # Two days on, without a refresh from beat, the month is judged on the new day everywhere:
    # yesterday's submission and the approval waiting since the 19th are overdue now.
    with time_machine.travel(at("2026-10-23", 9), tick=False):
        assert figures_on(client, officer, head_office, october) == {
            "queue": (5, 6),
            "dashboard": (5, 6),
            "report": (5, 6),
        }


def test_a_finished_month_is_judged_on_its_last_day(october):
    with time_machine.travel(at("2026-11-20"), tick=False):
        report = reports.monthly_report(month=OCTOBER)
    assert not report.provisional
    assert report.judged_on == dt.date(2026, 10, 31)
    assert report.total.overdue == 7  # all six of branch A in progress on 31 October, and B


def test_every_state_with_a_clock_is_a_state_in_progress():
    assert set(clocks.STATE_SLA_WORKING_DAYS) == set(ClaimState.IN_PROGRESS)


def test_the_month_not_over_is_provisional_on_the_screens_and_in_the_files(
    client, october, head_office, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    english = InEnglish(client)
    with time_machine.travel(at("2026-10-21"), tick=False):
        client.force_login(head_office)
        dashboard = english.get("/reports/").text
        assert 'id="provisional"' in dashboard
        assert "10/26*" in dashboard
        monthly = english.get("/reports/monthly/", {"month": "2026-10"}).text
        assert 'id="provisional"' in monthly
        assert "as of 21 Oct 2026" in monthly
        xlsx = reports.generate_report_file(month=OCTOBER, fmt="xlsx", language="en")
        pdf = reports.generate_report_file(month=OCTOBER, fmt="pdf", language="en")
        september = english.get("/reports/monthly/", {"month": "2026-09"}).text
    title = next(load_workbook(tmp_path / xlsx).active.iter_rows(values_only=True))
    assert title[2].startswith("PROVISIONAL: 2026-10 is not over")
    text = PdfReader(io.BytesIO((tmp_path / pdf).read_bytes())).pages[0].extract_text()
    assert "PROVISIONAL" in text
    assert 'id="provisional"' not in september
    with time_machine.travel(at("2026-11-02"), tick=False):
        xlsx = reports.generate_report_file(month=OCTOBER, fmt="xlsx", language="en")
    title = next(load_workbook(tmp_path / xlsx).active.iter_rows(values_only=True))
    assert len([cell for cell in title if cell]) == 2
