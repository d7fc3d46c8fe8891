"""Shared fixtures: two branches and the personas of design.md in each; the Hypothesis
profiles; and, under xdist, a cache of its own for each worker."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from jkp_site.core.roles import Role
from tests.factories import BranchFactory, KanwilFactory, UserFactory

# Hypothesis: "quick" by default (the edit-and-test loop); "ci" in CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci): ten times the examples, on Hypothesis' own CI profile (derandomized,
# so a failure there reproduces; no example database; the failing blob printed). Every property
# test without its own max_examples follows the profile, the schemathesis run included.
hypothesis_settings.register_profile("quick", max_examples=50, deadline=None)
hypothesis_settings.register_profile(
    "ci", hypothesis_settings.get_profile("ci"), max_examples=500, deadline=None
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_report_header(config):
    return f"hypothesis profile: {hypothesis_settings.get_current_profile_name()}"


def pytest_configure(config):
    _cache_of_its_own_per_xdist_worker()


def _cache_of_its_own_per_xdist_worker() -> None:
    """Under xdist, point each worker's Redis cache at a Redis database of its own.

    In CI the cache and the Celery broker share REDIS_URL's database, and a test that clears the
    cache empties the whole database (FLUSHDB): run beside it, the other worker would lose its
    throttle counters and the real Celery worker its queue. Worker gwN takes the N+1th database
    below REDIS_URL's (15 -> 14, 13, ...). The local-memory cache is per process already.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    cache = settings.CACHES["default"]
    if not worker.startswith("gw") or not cache["BACKEND"].endswith("RedisCache"):
        return
    url = urlsplit(cache["LOCATION"])
    base = int(url.path.strip("/") or 0)
    database = (base - 1 - int(worker.removeprefix("gw"))) % 16
    own = {**cache, "LOCATION": urlunsplit(url._replace(path=f"/{database}"))}
    override_settings(CACHES={**settings.CACHES, "default": own}).enable()


@pytest.fixture
def branch(db):
    return BranchFactory(code="JKT", name="Jakarta", kanwil=KanwilFactory(code="DKI"))


@pytest.fixture
def other_branch(db):
    return BranchFactory(code="SRG", name="Serang Raya", kanwil=KanwilFactory(code="BTN"))


@pytest.fixture
def officer(branch):
    return UserFactory(username="petugas", branch=branch, role=Role.PETUGAS)


@pytest.fixture
def second_officer(branch):
    return UserFactory(username="petugas_b", branch=branch, role=Role.PETUGAS)


@pytest.fixture
def supervisor(branch):
    return UserFactory(username="kepala", branch=branch, role=Role.KEPALA_BIDANG, is_staff=True)


@pytest.fixture
def second_supervisor(branch):
    return UserFactory(username="kepala_b", branch=branch, role=Role.KEPALA_BIDANG, is_staff=True)


@pytest.fixture
def counsellor(branch):
    return UserFactory(username="konselor", branch=branch, role=Role.PENGANTAR_KERJA)


@pytest.fixture
def head_office(db):
    return UserFactory(username="pusat", branch=None, role=Role.KANTOR_PUSAT, is_staff=True)


@pytest.fixture
def outsider(other_branch):
    """An officer of another branch: must see nothing of `branch`."""
    return UserFactory(username="petugas_lain", branch=other_branch, role=Role.PETUGAS)


@pytest.fixture
def outside_supervisor(other_branch):
    return UserFactory(
        username="kepala_lain", branch=other_branch, role=Role.KEPALA_BIDANG, is_staff=True
    )


def _commits(request) -> bool:
    """Whether the test writes for real: a transactional database, a live server."""
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _month_partitions_dropped_after_committing_tests(request, django_db_blocker):
    """A test that commits (a transactional database, a live server, a real Celery worker)
    leaves behind the month partitions its imports attached: the flush after it empties the
    tables and drops none. They are dropped here (PostgreSQL), so the next test on the same
    database finds the contribution table as the migrations made it."""
    yield
    if not _commits(request):
        return
    from django.db import connection

    from participants.partitions import partition_months, partition_name

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for month in partition_months():
                cursor.execute(f"DROP TABLE {partition_name(month)}")


@pytest.fixture(autouse=True)
def _interface_language_restored():
    """Each test starts and ends in the site's default language (Indonesian). A request sets
    the thread's language from its cookie or Accept-Language header and nothing resets it, so
    an English page in one test would otherwise make the next test's messages English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``postgres`` unless the test database is PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
