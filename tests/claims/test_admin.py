"""The admin for supervisors: branch-scoped, read-only, searchable by NIK, with reassignment."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from claims.models import CaseEvent, ClaimState
from tests.claims.conftest import bare_claim, eligible_worker

pytestmark = pytest.mark.django_db
S = ClaimState


def other_branch_name_hidden(page, claim):
    """The branch filter lists only branches the user can see."""
    return claim.branch.name not in page


@pytest.fixture
def two_claims(employer, other_employer):
    return (
        bare_claim(eligible_worker(employer), employer, S.SUBMITTED),
        bare_claim(eligible_worker(other_employer), other_employer, S.SUBMITTED),
    )


def test_changelist_is_branch_scoped(client, supervisor, two_claims):
    mine, theirs = two_claims
    client.force_login(supervisor)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert mine.number in page
    assert theirs.number not in page


@pytest.mark.parametrize("url_name", ["admin:claims_claim_change", "admin:claims_claim_history"])
def test_other_branch_object_urls_answer_404(client, supervisor, two_claims, url_name):
    mine, theirs = two_claims
    client.force_login(supervisor)
    assert client.get(reverse(url_name, args=[theirs.pk])).status_code == 404
    assert client.get(reverse(url_name, args=[mine.pk])).status_code == 200


def test_event_and_document_admin_scoped_and_read_only(client, supervisor, two_claims, officer):
    mine, theirs = two_claims
    from claims import workflow

    event = workflow.record_event(theirs, actor=officer, action="take")
    own_event = workflow.record_event(mine, actor=officer, action="take")
    client.force_login(supervisor)
    assert client.get(reverse("admin:claims_caseevent_change", args=[event.pk])).status_code == 404
    assert (
        client.get(reverse("admin:claims_caseevent_change", args=[own_event.pk])).status_code == 200
    )
    assert client.get(reverse("admin:claims_caseevent_add")).status_code == 403
    response = client.post(
        reverse("admin:claims_caseevent_delete", args=[own_event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert CaseEvent.objects.filter(pk=own_event.pk).exists()
    events_page = client.get(reverse("admin:claims_caseevent_changelist")).content.decode()
    assert theirs.number not in events_page
    assert mine.number in events_page
    assert other_branch_name_hidden(events_page, theirs)
    assert client.get(reverse("admin:claims_document_changelist")).status_code == 200
    assert client.get(reverse("admin:claims_decision_changelist")).status_code == 200


def test_search_by_number_and_never_by_nik(client, supervisor, two_claims, employer):
    """The admin's search travels in the address: a NIK finds nothing there (the queue's
    POSTed "Find by NIK" does)."""
    mine, _theirs = two_claims
    other_mine = bare_claim(eligible_worker(employer), employer, S.DRAFT)
    client.force_login(supervisor)
    url = reverse("admin:claims_claim_changelist")
    page = client.get(url, {"q": mine.participant.nik}).content.decode()
    assert mine.number not in page
    assert other_mine.number not in page
    page = client.get(url, {"q": other_mine.number}).content.decode()
    assert other_mine.number in page
    assert mine.number not in page


def test_head_office_sees_all_branches_in_admin(client, head_office, two_claims):
    client.force_login(head_office)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert all(c.number in page for c in two_claims)


def test_reassign_action(client, supervisor, second_officer, two_claims):
    mine, _theirs = two_claims
    client.force_login(supervisor)
    url = reverse("admin:claims_claim_changelist")
    page = client.post(url, {"action": "reassign", ACTION_CHECKBOX_NAME: [mine.pk]})
    assert page.status_code == 200
    assert second_officer.username in page.content.decode() or "Test" in page.content.decode()
    response = client.post(
        url,
        {
            "action": "reassign",
            ACTION_CHECKBOX_NAME: [mine.pk],
            "apply": "1",
            "officer": second_officer.pk,
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.assigned_officer == second_officer
    assert mine.events.filter(action="reassign", actor=supervisor).exists()


def test_officer_has_no_reassign_action(client, officer, two_claims):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from claims.admin import ClaimAdmin

    request = RequestFactory().get("/")
    request.user = officer
    assert "reassign" not in site._registry[type(two_claims[0])].get_actions(request)
    assert isinstance(site._registry[type(two_claims[0])], ClaimAdmin)
