"""Property-based test of the API against its own OpenAPI schema (schemathesis, in process).

Every operation receives generated input, valid and invalid, with a token holding every
grant; no response may be a server error or disagree with the schema.
"""

import datetime as dt

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.models import Grant
from api.services import create_integration_client
from tests.factories import (
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    add_contributions,
    add_enrollments,
)


@pytest.fixture(autouse=True)
def keep_test_connection():
    # As Django's test client does: the WSGI handler must not close the connection that holds
    # the test's transaction at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # LocaleMiddleware activates the language of each generated Accept-Language header and
    # leaves it active in this thread: restore it for the tests that follow.
    with translation.override(translation.get_language()):
        yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, branch):
    employer = EmployerFactory(branch=branch)
    participant = ParticipantFactory()
    EmploymentFactory(participant=participant, employer=employer)
    add_enrollments(participant)
    add_contributions(participant, employer, last=dt.date(2026, 9, 1), months=14, wage=5_000_000)
    _client, token = create_integration_client(name="Fuzzer", grants=list(Grant.values))
    CURRENT_TOKEN["value"] = token
    return token


# The schema is generated in process from the project's own views (no server, no network).
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
# The token of the running test; each test creates its own client inside its transaction.
CURRENT_TOKEN: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class IntegrationToken:
    """Schemathesis adds the token itself, so its negative cases can still leave it out."""

    def get(self, case, ctx):
        # Also asked while tests are being collected, before any fixture has made a token.
        return CURRENT_TOKEN.get("value", "")

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schema.parametrize()
@settings(
    # Per operation, as many examples as the Hypothesis profile gives (tests/conftest.py):
    # a quick run locally, a thorough one in CI (HYPOTHESIS_PROFILE=ci).
    max_examples=settings().max_examples,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(
        # Business rules that OpenAPI cannot express (a PHK date inside the programme's years,
        # the reason required with a PHK date, an end date for a PKWT) answer a schema-valid
        # request with a structured 400; every other check runs, server errors included.
        excluded_checks=[positive_data_acceptance],
    )
