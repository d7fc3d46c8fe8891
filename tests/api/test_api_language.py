"""Every API error message is in one language: Indonesian by default, English when the client
chose it (the language cookie, as on the screens). Each answer's message is checked against the
words only the other side of the project's catalogue uses (tests/test_page_language.py)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from api.models import IntegrationClient
from tests.test_page_language import WORD, one_sided

pytestmark = pytest.mark.django_db

ELIGIBILITY = "/api/v1/eligibility/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _answers(issue_token, worker, language: str) -> dict[str, dict]:
    """One answer of each kind of error a client meets, in the language it chose."""

    def speaking(client: APIClient) -> APIClient:
        if language != "id":
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    api = speaking(issue_token())
    anonymous = speaking(APIClient())
    forged = speaking(APIClient(headers={"authorization": "Bearer nope"}))
    answers = {
        "no token": anonymous.post(ELIGIBILITY, {"nik": worker.nik}, format="json"),
        "bad token": forged.get("/api/v1/changes/"),
        "unknown parameter": api.get("/api/v1/changes/", {"since": "2026-01-01T00:00:00Z", "x": 1}),
        "bad cursor": api.get("/api/v1/changes/", {"cursor": "forged"}),
        "invalid NIK": api.post(ELIGIBILITY, {"nik": "12"}, format="json"),
        "unknown claim": api.get("/api/v1/claims/JKP-0000-000000/"),
        "wrong method": api.delete(ELIGIBILITY),
        "too large": api.post(ELIGIBILITY, {"nik": "1" * 3_000_000}, format="json"),
    }
    limited = speaking(issue_token(grants=["changes:read"]))
    answers["not granted"] = limited.post(ELIGIBILITY, {"nik": worker.nik}, format="json")
    IntegrationClient.objects.update(rate_per_minute=1)
    api.post(ELIGIBILITY, {"nik": worker.nik}, format="json")
    answers["throttled"] = api.post(ELIGIBILITY, {"nik": worker.nik}, format="json")
    return {kind: answer.json()["error"] for kind, answer in answers.items()}


def _foreign(message: str, foreign: frozenset[str]) -> list[str]:
    return sorted({w.lower() for w in WORD.findall(message)} & foreign)


def test_every_error_is_indonesian_by_default(issue_token, worker):
    english_only, _ = one_sided()
    errors = _answers(issue_token, worker, "id")
    assert {kind: e["code"] for kind, e in errors.items()}["throttled"] == "throttled"
    wrong = {k: (e["message"], _foreign(e["message"], english_only)) for k, e in errors.items()}
    assert not {k: v for k, v in wrong.items() if v[1]}


def test_every_error_is_english_when_chosen(issue_token, worker):
    _, indonesian_only = one_sided()
    errors = _answers(issue_token, worker, "en")
    wrong = {k: (e["message"], _foreign(e["message"], indonesian_only)) for k, e in errors.items()}
    assert not {k: v for k, v in wrong.items() if v[1]}
