"""API hygiene: per-token rate limits, a record of every NIK look-up, token expiry and address
allow-lists, and client errors (forged cursors, oversized bodies) in the JSON error shape."""

import base64
import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from api.models import IntegrationClient, NikLookup
from participants.models import Participant

pytestmark = pytest.mark.django_db

ELIGIBILITY = "/api/v1/eligibility/"
CHANGES = "/api/v1/changes/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _client_of(api) -> IntegrationClient:
    return IntegrationClient.objects.latest("created_at")


def test_a_token_over_its_rate_is_answered_429_in_json(issue_token, worker):
    api = issue_token()
    IntegrationClient.objects.filter(pk=_client_of(api).pk).update(rate_per_minute=3)
    answers = [api.post(ELIGIBILITY, {"nik": worker.nik}, format="json") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["error"]["code"] == "throttled"
    assert int(answers[-1]["Retry-After"]) > 0


def test_every_nik_request_is_recorded_without_the_nik(issue_token, worker):
    api = issue_token()
    api.post(ELIGIBILITY, {"nik": worker.nik}, format="json")
    # Born on another day than every factory participant (17 April 1990), so no one has it.
    api.post(ELIGIBILITY, {"nik": "3174014107850003"}, format="json")
    records = list(NikLookup.objects.order_by("id"))
    assert [(r.endpoint, r.outcome) for r in records] == [
        ("eligibility", "found"),
        ("eligibility", "not_found"),
    ]
    assert records[0].nik_index == Participant.index_for(worker.nik)
    assert worker.nik not in str(NikLookup.objects.values_list())


def test_an_expired_token_is_refused(issue_token, worker):
    api = issue_token()
    IntegrationClient.objects.filter(pk=_client_of(api).pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    answer = api.post(ELIGIBILITY, {"nik": worker.nik}, format="json")
    assert answer.status_code == 401
    assert "kedaluwarsa" in answer.json()["error"]["message"]  # "expired", in Indonesian


def test_a_token_limited_to_an_address_works_only_from_there(issue_token, worker):
    api = issue_token()
    IntegrationClient.objects.filter(pk=_client_of(api).pk).update(
        allowed_networks="203.0.113.0/24"
    )
    far = api.post(ELIGIBILITY, {"nik": worker.nik}, format="json", REMOTE_ADDR="198.51.100.7")
    assert far.status_code == 401
    near = api.post(ELIGIBILITY, {"nik": worker.nik}, format="json", REMOTE_ADDR="203.0.113.9")
    assert near.status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!!",
        base64.b64encode(b"p=abc&r=0").decode(),
        base64.b64encode(b"p=99999999999999999999999&r=0").decode(),
    ],
)
def test_a_forged_changes_cursor_is_a_400(issue_token, cursor):
    answer = issue_token().get(CHANGES, {"since": "2026-01-01T00:00:00Z", "cursor": cursor})
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "cursor"


def test_an_oversized_body_is_a_413_in_json(issue_token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"nik": "' + "1" * 2000 + '"}'
    answer = issue_token().post(ELIGIBILITY, body, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
