"""Shared fixtures: two branches and the personas of design.md in each."""

import pytest

from jkp_site.core.roles import Role
from tests.factories import BranchFactory, KanwilFactory, UserFactory


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


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``postgres`` unless the test database is PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
