"""Staff screens: branch scoping (404), permissions (403), actions, and fixed query counts."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import CaseEvent, Claim, ClaimState, Decision
from tests.claims.conftest import bare_claim, eligible_worker, open_draft, pdf
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
S = ClaimState


def claims_of(employer, n, state=S.SUBMITTED):
    return [bare_claim(ParticipantFactory(), employer, state) for _ in range(n)]


# --- branch scoping --------------------------------------------------------------------------


def test_queue_lists_only_the_branchs_claims(client, officer, employer, other_employer):
    mine = claims_of(employer, 2)
    theirs = claims_of(other_employer, 3)
    client.force_login(officer)
    page = client.get(reverse("claims:list")).content.decode()
    assert all(c.number in page for c in mine)
    assert not any(c.number in page for c in theirs)


def test_head_office_sees_every_branch(client, head_office, employer, other_employer):
    claims = claims_of(employer, 1) + claims_of(other_employer, 1)
    client.force_login(head_office)
    page = client.get(reverse("claims:list")).content.decode()
    assert all(c.number in page for c in claims)


@pytest.mark.parametrize("name", ["claims:detail", "claims:approval"])
def test_guessed_urls_of_another_branch_answer_404(client, outside_supervisor, employer, name):
    claim = claims_of(employer, 1, S.AWAITING_APPROVAL)[0]
    client.force_login(outside_supervisor)
    assert client.get(reverse(name, args=[claim.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "claims:submit",
        "claims:withdraw",
        "claims:start_verification",
        "claims:run_eligibility",
        "claims:recommend",
        "claims:edit",
        "claims:appeal",
        "claims:document_upload",
    ],
)
def test_officer_of_another_branch_gets_404_on_every_officer_url(client, outsider, employer, name):
    claim = claims_of(employer, 1, S.DRAFT)[0]
    client.force_login(outsider)
    method = client.get if name == "claims:edit" else client.post
    assert method(reverse(name, args=[claim.pk])).status_code == 404
    claim.refresh_from_db()
    assert claim.state == S.DRAFT


@pytest.mark.parametrize(
    "name", ["claims:approve", "claims:reject", "claims:reopen", "claims:stop", "claims:reassign"]
)
def test_supervisor_of_another_branch_gets_404_on_supervisor_urls(
    client, outside_supervisor, employer, name
):
    claim = claims_of(employer, 1, S.AWAITING_APPROVAL)[0]
    client.force_login(outside_supervisor)
    assert client.post(reverse(name, args=[claim.pk])).status_code == 404


def test_missing_claim_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("claims:detail", args=[999999])).status_code == 404


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["claims:approve", "claims:reject", "claims:approval"])
def test_officer_gets_403_on_decision_urls(client, officer, employer, name):
    claim = claims_of(employer, 1, S.AWAITING_APPROVAL)[0]
    client.force_login(officer)
    method = client.get if name == "claims:approval" else client.post
    assert method(reverse(name, args=[claim.pk])).status_code == 403
    assert not Decision.objects.exists()


def test_supervisor_gets_403_on_intake(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("claims:intake")).status_code == 403


def test_worker_gets_403_on_staff_screens(client, worker_user):
    client.force_login(worker_user)
    assert client.get(reverse("claims:list")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("claims:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_actions_are_post_only(client, officer, employer):
    claim = claims_of(employer, 1, S.SUBMITTED)[0]
    client.force_login(officer)
    assert client.get(reverse("claims:start_verification", args=[claim.pk])).status_code == 405


# --- screens and actions ---------------------------------------------------------------------


def test_intake_finds_the_worker_by_nik_and_opens_a_draft(client, officer, participant, employer):
    client.force_login(officer)
    page = client.post(reverse("claims:intake"), {"q": participant.nik}).content.decode()
    assert participant.name in page
    url = reverse("claims:create", args=[participant.pk])
    response = client.post(
        url,
        {
            "employer": employer.pk,
            "phk_date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
            "reason": "efficiency",
            "contract_type": "PKWTT",
            "bank_name": "BRI",
            "bank_account": "0012 3456 7890",
            "bank_account_holder": participant.name,
            "kapk_signed": "on",
        },
    )
    claim = Claim.objects.get(participant=participant)
    assert response.status_code == 302
    assert response["Location"] == claim.get_absolute_url()
    assert claim.bank_account == "001234567890"
    assert claim.kapk_signed_at is not None


def test_intake_does_not_show_other_branches_workers(client, outsider, participant):
    client.force_login(outsider)
    page = client.post(reverse("claims:intake"), {"q": participant.nik}).content.decode()
    assert participant.name not in page
    assert client.get(reverse("claims:create", args=[participant.pk])).status_code == 404


def test_pkwt_without_end_date_is_a_form_error(client, officer, participant, employer):
    client.force_login(officer)
    response = client.post(
        reverse("claims:create", args=[participant.pk]),
        {
            "employer": employer.pk,
            "phk_date": timezone.localdate().isoformat(),
            "reason": "contract_early_end",
            "contract_type": "PKWT",
        },
    )
    assert response.status_code == 200
    assert not Claim.objects.exists()


def test_approval_screen_for_a_recommended_claim(client, make_claim, supervisor, officer):
    claim = make_claim(S.AWAITING_APPROVAL)
    client.force_login(supervisor)
    page = client.get(reverse("claims:approval", args=[claim.pk])).content.decode()
    assert 'id="approve-form"' in page
    assert 'data-check="contribution_months"' in page
    assert 'id="recommendation"' in page
    approve = reverse("claims:approve", args=[claim.pk])
    response = client.post(approve, {"approve-note": "ok"})
    assert response.status_code == 200
    assert 'id="confirm-form"' in response.text
    claim.refresh_from_db()
    assert claim.state == S.AWAITING_APPROVAL
    response = client.post(approve, {"approve-note": "ok", "confirmed": "1"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == S.APPROVED
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Rp 2.400.000" in page


def test_second_supervisor_sees_a_clear_message(client, make_claim, supervisor, second_supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    client.force_login(supervisor)
    client.post(reverse("claims:approve", args=[claim.pk]), {"confirmed": "1"})
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    other.force_login(second_supervisor)
    # The second supervisor confirms on a page opened before the first one acted.
    response = other.post(
        reverse("claims:approve", args=[claim.pk]), {"confirmed": "1"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert "now Approved" in messages[0]
    assert "reload the page" in messages[0]
    assert Decision.objects.filter(claim=claim).count() == 1


def test_reject_without_reason_is_refused(client, make_claim, supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    client.force_login(supervisor)
    client.post(reverse("claims:reject", args=[claim.pk]), {"reject-reason_code": ""})
    claim.refresh_from_db()
    assert claim.state == S.AWAITING_APPROVAL


def test_take_next_button(client, officer, employer, worker_user, participant):
    claim = open_draft(participant, employer, worker_user, channel="portal")
    for doc_type in ("phk_acceptance", "phk_report_receipt"):
        from claims import services

        services.add_document(
            claim_id=claim.pk, doc_type=doc_type, uploaded_file=pdf(), acting_user=worker_user
        )
    services.submit_claim(claim_id=claim.pk, acting_user=worker_user)
    client.force_login(officer)
    response = client.post(reverse("claims:take_next"))
    assert response["Location"] == claim.get_absolute_url()
    assert CaseEvent.objects.filter(claim=claim, action="take", actor=officer).exists()


def test_queue_filters_and_overdue_highlight(client, officer, employer):
    fresh = bare_claim(ParticipantFactory(), employer, S.SUBMITTED)
    late = bare_claim(ParticipantFactory(), employer, S.SUBMITTED)
    Claim.objects.filter(pk=late.pk).update(state_changed_at=timezone.now() - dt.timedelta(days=30))
    client.force_login(officer)
    page = client.get(reverse("claims:list"), {"overdue": "on"}).content.decode()
    assert late.number in page
    assert fresh.number not in page
    assert 'class="overdue table-warning"' in page
    page = client.get(reverse("claims:list"), {"state": "draft"}).content.decode()
    assert late.number not in page
    page = client.get(reverse("claims:list"), {"q": late.participant.kpj_number}).content.decode()
    assert late.number in page
    assert fresh.number not in page


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 50])
def test_queue_query_count_is_fixed(n, client, officer, employer, django_assert_max_num_queries):
    claims_of(employer, n)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("claims:list"))
    assert response.status_code == 200


def test_queue_filter_fields_are_drawn_once_per_office_language_and_filters(
    client, officer, second_officer
):
    """The filter fields are kept for a minute: the next page of the same office in the same
    language does not read the office's officers again, and still offers them; another
    language or other filters draw their own."""
    cache.clear()
    client.force_login(officer)
    url = reverse("claims:list")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as again:
        page = client.get(url).content.decode()

    def officer_lists(queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in queries.captured_queries if 'DISTINCT "core_user"' in q["sql"]]

    assert officer_lists(first)
    assert not officer_lists(again)
    assert f'value="{second_officer.pk}"' in page
    assert "Alasan PHK" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "PHK reason" in english
    assert "Alasan PHK" not in english
    filtered = client.get(url, {"officer": second_officer.pk}).content.decode()
    assert f'value="{second_officer.pk}" selected' in filtered


@pytest.mark.parametrize("n", [5, 50])
def test_detail_query_count_is_fixed(
    n, client, officer, supervisor, employer, django_assert_max_num_queries
):
    claim = open_draft(eligible_worker(employer), employer, officer)
    from claims import services

    for _ in range(n):
        services.add_document(
            claim_id=claim.pk, doc_type="phk_acceptance", uploaded_file=pdf(), acting_user=officer
        )
    for viewer in (officer, supervisor):
        client.force_login(viewer)
        with django_assert_max_num_queries(19):
            response = client.get(claim.get_absolute_url())
        assert response.status_code == 200
    client.force_login(supervisor)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("claims:approval", args=[claim.pk]))
    assert response.status_code == 200


def test_the_case_names_its_people_read_in_one_query_after_the_claim(
    make_claim, officer, supervisor, django_assert_num_queries
):
    """The officer, the one who opened it, who verified and who recommended it come from one
    query of their own (not four joins in the claim's), and cost nothing more to show."""
    from claims import selectors

    claim = make_claim(S.AWAITING_APPROVAL)
    shown = selectors.claim_detail(user=supervisor, pk=claim.pk)
    with django_assert_num_queries(0):
        people = [getattr(shown, field) for field in selectors.CASE_PEOPLE]
    assert people == [claim.assigned_officer, claim.created_by, officer, officer]


def test_unfiled_claim_past_its_deadline_is_flagged(client, officer, employer):
    late = bare_claim(ParticipantFactory(), employer, S.DRAFT)
    late.termination.phk_date = timezone.localdate() - dt.timedelta(days=250)
    late.termination.save()
    bare_claim(ParticipantFactory(), employer, S.DRAFT)
    client.force_login(officer)
    page = client.get(reverse("claims:list")).content.decode()
    assert page.count("text-danger fw-semibold") == 1
    row = page[page.index(f'data-claim="{late.number}"') :]
    assert row.index("text-danger fw-semibold") < row.index("</tr>")


def test_a_nik_never_travels_in_a_url(client, officer, participant, employer):
    """Intake and the queue's NIK look-up are POSTed; the queue's GET search ignores a NIK."""
    claim = open_draft(participant, employer, officer)
    client.force_login(officer)
    assert 'method="post"' in client.get(reverse("claims:intake")).content.decode()
    assert (
        participant.name
        not in client.get(reverse("claims:intake"), {"q": participant.nik}).content.decode()
    )
    queue = client.get(reverse("claims:list"), {"q": participant.nik}).content.decode()
    assert claim.number not in queue
    found = client.post(reverse("claims:find_by_nik"), {"nik": participant.nik})
    assert found["Location"] == claim.get_absolute_url()
    assert client.get(reverse("claims:find_by_nik")).status_code == 405


def test_log_lines_never_carry_a_nik(caplog):
    import logging

    from jkp_site.core.logs import RedactNIK

    record = logging.LogRecord("x", logging.INFO, "", 0, "GET /?q=%s", ("3174011704900001",), None)
    RedactNIK().filter(record)
    assert "3174011704900001" not in record.getMessage()
    assert "[NIK]" in record.getMessage()
