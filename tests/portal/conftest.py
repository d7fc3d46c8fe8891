"""Workers for the portal tests: a participant with a portal account, and a second one."""

import datetime as dt

import pytest

from jkp_site.core.roles import Role
from tests.factories import (
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    UserFactory,
    add_contributions,
    add_enrollments,
)


def make_worker(*, branch, username: str, months: int = 30, wage: int = 5_500_000):
    """A participant of `branch`'s employer with a portal account and a paid history."""
    user = UserFactory(username=username, branch=None, role=Role.PESERTA)
    participant = ParticipantFactory(user=user)
    employer = EmployerFactory(branch=branch)
    EmploymentFactory(participant=participant, employer=employer)
    add_enrollments(participant)
    add_contributions(participant, employer, last=dt.date(2025, 5, 1), months=months, wage=wage)
    return participant


@pytest.fixture
def worker(branch):
    return make_worker(branch=branch, username="pekerja1")


@pytest.fixture
def other_worker(other_branch):
    return make_worker(branch=other_branch, username="pekerja2")
