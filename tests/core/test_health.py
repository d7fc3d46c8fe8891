"""Health that tells the truth, and a dead Redis that slows the site without breaking it."""

import pytest
from django.test import override_settings

from jkp_site.core.resilience import ResilientRedisCache, degraded_parts, note_recovered

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:9/0"


def test_liveness_and_readiness_answer_on_the_embedded_default(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"]["ok"] is True


@override_settings(REDIS_URL=DEAD_REDIS, CELERY_TASK_ALWAYS_EAGER=False)
def test_readiness_fails_when_redis_is_down(client):
    ready = client.get("/readyz")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["redis"]["ok"] is False
    assert checks["workers"]["ok"] is False


def test_a_dead_redis_cache_answers_a_miss_instead_of_raising():
    cache = ResilientRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    try:
        assert cache.get("anything", "default") == "default"
        cache.set("anything", 1)
        assert cache.add("other", 1) is False
        assert "cache" in degraded_parts()
    finally:
        # The degraded mark lives in the process: later tests in this worker must not see it.
        note_recovered("cache")


def test_staff_see_a_banner_while_a_part_is_down(client, officer):
    from jkp_site.core.resilience import note_degraded, note_recovered

    client.force_login(officer)
    note_degraded("broker")
    try:
        assert 'id="degraded-banner"' in client.get("/claims/").content.decode()
    finally:
        note_recovered("broker")
        note_recovered("cache")
    assert 'id="degraded-banner"' not in client.get("/claims/").content.decode()
