import datetime as dt

import pytest
from rest_framework.test import APIClient

from api.models import Grant
from api.services import create_integration_client
from tests.factories import (
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    add_contributions,
    add_enrollments,
)

ALL_GRANTS = list(Grant.values)


@pytest.fixture
def issue_token(db):
    """issue_token(grants, branch=None, employer=None) -> an APIClient carrying that token."""

    def issue(grants=ALL_GRANTS, *, branch=None, employer=None, name=None):
        _client, token = create_integration_client(
            name=name or f"System {'-'.join(sorted(grants))} {branch} {employer}",
            grants=list(grants),
            branch=branch,
            employer=employer,
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return api

    return issue


@pytest.fixture
def employer(branch):
    return EmployerFactory(branch=branch)


@pytest.fixture
def worker(employer):
    """Employed by `employer` with 30 paid months up to last month."""
    participant = ParticipantFactory()
    EmploymentFactory(participant=participant, employer=employer)
    add_enrollments(participant)
    last = dt.date(2026, 9, 1)
    add_contributions(participant, employer, last=last, months=30, wage=4_000_000)
    return participant
