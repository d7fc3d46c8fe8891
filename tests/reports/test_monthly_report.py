"""The Kemnaker monthly report: a seeded month against figures computed here independently,
reproducibility from recorded events, the XLSX and PDF files, and the screens' access."""

import datetime as dt
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from claims.models import CaseEvent, CashInstalment, Claim, Termination
from reports import monthly as reports
from tests.factories import EmployerFactory, ParticipantFactory
from training.models import TrainingProgram, TrainingProvider, TrainingReferral

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
OCTOBER = dt.date(2026, 10, 1)
IN_PROGRESS = {"submitted", "verifying", "eligibility_checked", "awaiting_approval", "appealed"}
# Working days each state may last (claims.clocks); October 2026 has no public holiday.
SLA = {"submitted": 2, "verifying": 5, "eligibility_checked": 2, "awaiting_approval": 3,
       "appealed": 5}  # fmt: skip


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=JAKARTA)


# branch, final (current) state, [(day, to_state, reason)], [(paid day, amount)],
# [(referred day, completed day or None)]
CASES = [
    ("A", "approved", [("2026-09-28", "submitted", ""), ("2026-10-05", "approved", "")], [], []),
    ("A", "rejected", [("2026-10-02", "submitted", ""),
                       ("2026-10-20", "rejected", "not_eligible")], [], []),
    # Verifying since 12 Oct at the end of October (overdue); approved since, which the report
    # for October must not see.
    ("A", "approved", [("2026-10-10", "submitted", ""), ("2026-10-12", "verifying", ""),
                       ("2026-11-05", "approved", "")], [], []),
    ("A", "submitted", [("2026-10-30", "submitted", "")], [], []),
    ("A", "rejected", [("2026-10-15", "submitted", ""),
                       ("2026-11-03", "rejected", "deadline_passed")], [], []),
    ("B", "stopped", [("2026-06-01", "submitted", ""), ("2026-06-10", "approved", ""),
                      ("2026-06-11", "benefit_active", ""),
                      ("2026-10-25", "stopped", "reemployed")],
     [("2026-09-14", 2_400_000), ("2026-10-14", 2_400_000)], []),
    ("B", "benefit_active", [("2026-07-01", "submitted", ""), ("2026-07-09", "approved", ""),
                             ("2026-07-10", "benefit_active", "")],
     [("2026-10-20", 1_800_000)], [("2026-10-03", "2026-10-28"), ("2026-09-03", None)]),
    ("B", "awaiting_approval", [("2026-10-05", "submitted", ""),
                                ("2026-10-06", "awaiting_approval", "")], [], []),
    ("B", "rejected", [("2026-09-01", "submitted", ""), ("2026-10-01", "rejected", "other"),
                       ("2026-10-09", "appealed", ""), ("2026-10-30", "rejected", "other")],
     [], []),
]  # fmt: skip


def working_days_after(start: dt.date, end: dt.date) -> int:
    days, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        days += day.weekday() < 5
    return days


def expected_october() -> dict[str, Counter]:
    """The figures of October 2026, computed from CASES without the report code."""
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    result = {"A": Counter(), "B": Counter()}
    for branch, _state, moves, payments, referrals in CASES:
        figures = result[branch]
        first_submitted = min(dt.date.fromisoformat(d) for d, s, _r in moves if s == "submitted")
        figures["received"] += start <= first_submitted <= end
        last = None
        for day, state, reason in moves:
            when = dt.date.fromisoformat(day)
            if when <= end:
                last = (state, when)
            if start <= when <= end:
                figures["approved"] += state == "approved"
                figures["rejected"] += state == "rejected"
                if state == "rejected":
                    figures[f"rejected:{reason}"] += 1
                figures["reemployments"] += state == "stopped" and reason == "reemployed"
        if last and last[0] in IN_PROGRESS:
            figures["in_progress"] += 1
            figures["overdue"] += working_days_after(last[1], end) > SLA[last[0]]
        paid = [amount for day, amount in payments if start <= dt.date.fromisoformat(day) <= end]
        figures["beneficiaries_paid"] += bool(paid)
        figures["amount_paid"] += sum(paid)
        for referred, completed in referrals:
            figures["referrals"] += start <= dt.date.fromisoformat(referred) <= end
            figures["completions"] += (
                bool(completed) and start <= dt.date.fromisoformat(completed) <= end
            )
    return result


@pytest.fixture
def seeded(branch, other_branch):
    branches = {"A": branch, "B": other_branch}
    program = TrainingProgram.objects.create(
        provider=TrainingProvider.objects.create(name="BLK", kind="BLK", ownership="government"),
        title="Welding",
        competency="Welding",
        duration_hours=120,
        cost=2_000_000,
    )
    for number, (key, state, moves, payments, referrals) in enumerate(CASES, start=1):
        employer = EmployerFactory(branch=branches[key])
        participant = ParticipantFactory()
        with time_machine.travel(at(moves[0][0], 8), tick=False):
            termination = Termination.objects.create(
                participant=participant,
                employer=employer,
                phk_date=dt.date(2026, 5, 1),
                reason="efficiency",
                contract_type="PKWTT",
            )
            claim = Claim.objects.create(
                number=f"JKP-2026-{number:06d}",
                participant=participant,
                termination=termination,
                branch=branches[key],
                state=state,
            )
        previous = "draft"
        for hour, (day, to_state, reason) in enumerate(moves):
            with time_machine.travel(at(day, 9 + hour), tick=False):
                CaseEvent.objects.create(
                    claim=claim,
                    action="transition",
                    from_state=previous,
                    to_state=to_state,
                    reason_code=reason,
                )
            previous = to_state
        for month, (day, amount) in enumerate(payments, start=1):
            CashInstalment.objects.create(
                claim=claim,
                month=month,
                due_date=dt.date.fromisoformat(day),
                percent=60,
                amount=amount,
                rule_version="PP6-2025",
                status="paid",
                paid_at=at(day, 14),
            )
        for referred, completed in referrals:
            with time_machine.travel(at(referred), tick=False):
                TrainingReferral.objects.create(
                    claim=claim,
                    program=program,
                    state="completed" if completed else "enrolled",
                    completed_on=dt.date.fromisoformat(completed) if completed else None,
                )
    return branches


def test_october_matches_the_independent_count(seeded):
    report = reports.monthly_report(month=OCTOBER)
    expected = expected_october()
    by_code = {row.branch.code: row.figures for row in report.rows}
    for key, branch in seeded.items():
        figures = by_code[branch.code]
        for name in reports.Figures.COUNTS:
            assert getattr(figures, name) == expected[key][name], (key, name)
        assert dict(figures.rejected_by_reason) == {
            name.split(":", 1)[1]: n for name, n in expected[key].items() if ":" in name and n
        }
    total = sum(expected.values(), Counter())
    assert report.total.received == total["received"] == 5
    assert report.total.in_progress == total["in_progress"] == 4
    assert report.total.overdue == total["overdue"] == 3
    assert report.total.amount_paid == total["amount_paid"] == 4_200_000
    assert report.total.rejected_by_reason == Counter({"not_eligible": 1, "other": 2})


def test_a_past_month_does_not_move_with_later_events(seeded, branch):
    before = reports.monthly_report(month=OCTOBER)
    claim = Claim.objects.filter(branch=branch, state="submitted").get()
    with time_machine.travel(at("2026-11-20"), tick=False):
        CaseEvent.objects.create(claim=claim, action="transition", to_state="approved")
    after = reports.monthly_report(month=OCTOBER)
    assert [r.figures for r in after.rows] == [r.figures for r in before.rows]


def test_region_filter_keeps_only_its_branches(seeded, branch):
    report = reports.monthly_report(month=OCTOBER, region_id=branch.kanwil_id)
    assert [row.branch for row in report.rows] == [branch]
    assert report.total.received == expected_october()["A"]["received"]


def test_xlsx_and_pdf_files(seeded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    xlsx_path = reports.generate_report_file(month=OCTOBER, fmt="xlsx", language="en")
    sheet = load_workbook(tmp_path / xlsx_path).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    total = rows[-1]
    assert total[0] == "Total"
    assert total[header.index("Claims received")] == 5
    assert total[header.index("Amount paid (Rp)")] == 4_200_000
    pdf_path = reports.generate_report_file(month=OCTOBER, fmt="pdf", language="en")
    assert (tmp_path / pdf_path).read_bytes().startswith(b"%PDF")


def test_head_office_generates_and_downloads_the_files(
    client, head_office, seeded, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(head_office)
    # The generation is owed in the request's transaction and published after it commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/monthly/generate/", {"month": "2026-10"})
    assert response.status_code == 302
    page = client.get("/reports/monthly/?month=2026-10")
    assert page.status_code == 200
    download = client.get("/reports/monthly/2026-10/xlsx/")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.active.title == "2026-10"
    assert client.get("/reports/monthly/2026-10/pdf/").status_code == 200
    assert client.get("/reports/monthly/2026-13/pdf/").status_code == 404
    assert client.get("/reports/monthly/2026-10/exe/").status_code == 404


def test_dashboard_charts_and_queue_links(client, head_office, seeded, branch):
    client.force_login(head_office)
    response = client.get("/reports/", {"month": "2026-10", "months": "6"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") >= 4
    assert "/claims/?state=awaiting_approval" in body
    assert "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', "")
    filtered = client.get("/reports/", {"month": "2026-10", "branch": branch.pk})
    assert filtered.context["report"].total.received == expected_october()["A"]["received"]


@pytest.mark.parametrize("url", ["/reports/", "/reports/monthly/", "/reports/monthly/2026-10/pdf/"])
def test_report_screens_need_the_report_permission(client, officer, supervisor, url):
    for user in (officer, supervisor):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_dashboard_queries_do_not_grow_with_the_claims(client, head_office, seeded, branch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(head_office)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reports/", {"month": "2026-10", "months": "6"}).status_code == 200
        return len(queries)

    count()  # the first view computes the six months once and keeps them
    before = count()
    # 13: one for the open over- and underpayments per branch (claims.reassessment_selectors).
    assert before <= 13
    employer = EmployerFactory(branch=branch)
    for number in range(20):
        participant = ParticipantFactory()
        with time_machine.travel(at("2026-10-07"), tick=False):
            claim = Claim.objects.create(
                number=f"JKP-2026-9{number:05d}",
                participant=participant,
                termination=Termination.objects.create(
                    participant=participant,
                    employer=employer,
                    phk_date=dt.date(2026, 9, 1),
                    reason="efficiency",
                    contract_type="PKWTT",
                ),
                branch=branch,
                state="submitted",
            )
            CaseEvent.objects.create(claim=claim, action="submit", to_state="submitted")
    assert count() == before


# --- the kept figures (reports.models) ---------------------------------------------------------

NOVEMBER = dt.date(2026, 11, 1)


def kept_equal_fresh(month):
    kept = reports.kept_figures([month])[month]
    fresh = reports.compute_figures(month)
    assert kept == fresh
    return kept


def test_kept_figures_equal_a_fresh_computation_after_more_moves(seeded, branch):
    before = kept_equal_fresh(NOVEMBER)
    claim = Claim.objects.filter(branch=branch, state="submitted").get()
    with time_machine.travel(at("2026-11-20"), tick=False):
        CaseEvent.objects.create(
            claim=claim, action="transition", from_state="submitted", to_state="verifying"
        )
        CaseEvent.objects.create(
            claim=claim, action="transition", from_state="verifying", to_state="rejected",
            reason_code="not_eligible",
        )  # fmt: skip
        # The kept month is not recomputed on reading: the beat job does it.
        assert reports.kept_figures([NOVEMBER])[NOVEMBER] == before
        assert reports.refresh_open_months() == [dt.date(2026, 10, 1), NOVEMBER]
    after = kept_equal_fresh(NOVEMBER)
    assert after[branch.pk].rejected == before.get(branch.pk, reports.Figures()).rejected + 1
    kept_equal_fresh(OCTOBER)


def test_the_refresh_task_is_on_the_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.refresh_monthly_figures_task" in tasks


def test_the_refresh_task_recomputes_the_open_months(seeded):
    from reports.models import ReportMonth
    from reports.tasks import refresh_monthly_figures_task

    with time_machine.travel(at("2026-11-20"), tick=False):
        assert refresh_monthly_figures_task.delay().get() == ["2026-10-01", "2026-11-01"]
    assert set(ReportMonth.objects.values_list("month", flat=True)) == {OCTOBER, NOVEMBER}
    kept_equal_fresh(OCTOBER)


def test_rebuild_command_for_one_month_and_for_all(seeded):
    from django.core.management import CommandError, call_command

    from reports.models import MonthlyFigures, ReportMonth

    out = io.StringIO()
    call_command("rebuild_monthly_figures", "--month", "2026-10", stdout=out)
    assert "2026-10: 2 branch rows" in out.getvalue()
    kept_equal_fresh(OCTOBER)
    # A rebuild replaces what was kept, whatever it was.
    MonthlyFigures.objects.filter(month=OCTOBER).update(received=999)
    call_command("rebuild_monthly_figures", "--month", "2026-10", stdout=io.StringIO())
    kept_equal_fresh(OCTOBER)
    with time_machine.travel(at("2026-12-05"), tick=False):
        call_command("rebuild_monthly_figures", stdout=io.StringIO())
    months = set(ReportMonth.objects.values_list("month", flat=True))
    assert months == {dt.date(2026, m, 1) for m in range(6, 13)}
    for bad in ("2026-13", "October", "2999-01"):
        with pytest.raises(CommandError):
            call_command("rebuild_monthly_figures", "--month", bad)


def test_report_and_dashboard_read_the_kept_figures_in_fixed_queries(
    client, head_office, seeded, django_assert_max_num_queries
):
    client.force_login(head_office)
    for url, params in (
        ("/reports/", {"month": "2026-10", "months": "24"}),
        ("/reports/monthly/", {"month": "2026-10"}),
    ):
        client.get(url, params)  # the first view computes the months once
        # 13: one for the open over- and underpayments per branch.
        with django_assert_max_num_queries(13):
            assert client.get(url, params).status_code == 200
