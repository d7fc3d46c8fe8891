"""Tokens: who may call what, and that every failure has the same JSON shape."""

import pytest
from django.contrib.admin.models import LogEntry
from rest_framework.test import APIClient

from api.models import Grant, IntegrationClient
from api.services import create_integration_client, rotate_integration_token
from jkp_site.core.exceptions import PermissionDeniedError

pytestmark = pytest.mark.django_db

ELIGIBILITY = "/api/v1/eligibility/"


def _error(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]


def test_no_token_is_401_with_structured_error(worker):
    response = APIClient().post(ELIGIBILITY, {"nik": worker.nik}, format="json")
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


def test_wrong_token_is_401(worker):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer jkp_deadbeef_not-the-secret")
    response = api.post(ELIGIBILITY, {"nik": worker.nik}, format="json")
    assert response.status_code == 401
    assert _error(response)["code"] == "authentication_failed"


def test_only_a_hash_of_the_token_is_stored(db):
    client, token = create_integration_client(name="Sisnaker", grants=[Grant.CLAIMS_READ])
    stored = IntegrationClient.objects.get(pk=client.pk)
    assert token not in (stored.token_hash, stored.token_prefix)
    assert stored.token_matches(token)
    assert not stored.service_user.has_usable_password()


def test_rotated_token_replaces_the_old_one(worker, admin_user):
    client, old = create_integration_client(name="Core", grants=[Grant.ELIGIBILITY_READ])
    new = rotate_integration_token(client=client, acting_user=admin_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {old}")
    assert api.post(ELIGIBILITY, {"nik": worker.nik}, format="json").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {new}")
    assert api.post(ELIGIBILITY, {"nik": worker.nik}, format="json").status_code == 200


def test_inactive_client_is_refused(worker):
    client, token = create_integration_client(name="Old", grants=[Grant.ELIGIBILITY_READ])
    IntegrationClient.objects.filter(pk=client.pk).update(is_active=False)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.post(ELIGIBILITY, {"nik": worker.nik}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("method", "url", "grant"),
    [
        ("post", ELIGIBILITY, Grant.ELIGIBILITY_READ),
        ("post", "/api/v1/phk-reports/", Grant.PHK_WRITE),
        ("get", "/api/v1/claims/JKP-1/", Grant.CLAIMS_READ),
        ("get", "/api/v1/changes/?since=2026-01-01T00:00:00Z", Grant.CHANGES_READ),
    ],
)
def test_each_operation_needs_its_grant(issue_token, method, url, grant):
    others = [g for g in Grant.values if g != grant]
    response = getattr(issue_token(others), method)(url, {}, format="json")
    assert response.status_code == 403
    assert _error(response)["code"] == "permission_denied"


def test_session_login_does_not_open_the_api(client, head_office, worker):
    client.force_login(head_office)
    response = client.post(ELIGIBILITY, {"nik": worker.nik}, content_type="application/json")
    assert response.status_code == 401


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/eligibility/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"<style>" not in docs.content


def test_command_prints_a_working_token(worker, branch):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "create_api_client",
        "Sisnaker",
        "--grant",
        "eligibility:read",
        "--branch",
        "JKT",
        stdout=out,
    )
    token = out.getvalue().strip().split(": ", 1)[1]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.post(ELIGIBILITY, {"nik": worker.nik}, format="json").status_code == 200


def test_admin_edits_grants_from_the_known_list(client, db):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True, branch=None)
    api_client, _token = create_integration_client(name="Core", grants=[Grant.CLAIMS_READ])
    client.force_login(root)
    url = f"/admin/api/integrationclient/{api_client.pk}/change/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"name": "Core", "grants": ["root:all"], "is_active": "on"})
    assert refused.status_code == 200
    client.post(
        url, {"name": "Core", "grants": [Grant.CLAIMS_READ, Grant.CHANGES_READ], "is_active": "on"}
    )
    api_client.refresh_from_db()
    assert sorted(api_client.grants) == [Grant.CHANGES_READ, Grant.CLAIMS_READ]


def test_rotating_a_token_needs_the_change_permission(head_office, admin_user, client):
    """Head office may look at the API clients; only whoever may change them rotates tokens."""
    api_client, _token = create_integration_client(name="Core", grants=[Grant.CLAIMS_READ])
    with pytest.raises(PermissionDeniedError):
        rotate_integration_token(client=api_client, acting_user=head_office)
    before = IntegrationClient.objects.get(pk=api_client.pk).token_hash
    url = "/admin/api/integrationclient/"
    client.force_login(head_office)
    client.post(url, {"action": "rotate_token", "_selected_action": [api_client.pk]})
    assert IntegrationClient.objects.get(pk=api_client.pk).token_hash == before

    client.force_login(admin_user)
    response = client.post(
        url, {"action": "rotate_token", "_selected_action": [api_client.pk]}, follow=True
    )
    assert IntegrationClient.objects.get(pk=api_client.pk).token_hash != before
    assert "jkp_" in response.text
    entry = LogEntry.objects.get(object_id=str(api_client.pk))
    assert entry.user == admin_user
