"""The decided claims of the participants a contribution import touched: one query with every
id as one array parameter on PostgreSQL, a few thousand ids at a time on SQLite; the same
claims either way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.reassessment import PARTICIPANTS_AT_ONCE, affected_claims
from tests.benefits.builders import build_claims

pytestmark = pytest.mark.django_db


def test_the_claims_of_the_participants_named_whatever_their_number(branch):
    claims = build_claims(branch, 3)
    undecided = claims[2]
    Claim.objects.filter(pk=undecided.pk).update(state=Claim.State.SUBMITTED)
    unknown = list(range(10**9, 10**9 + 2 * PARTICIPANTS_AT_ONCE + 1))
    named = sorted([c.participant_id for c in claims] + unknown)
    with CaptureQueriesContext(connection) as queries:
        found = affected_claims(participant_ids=named)
    assert found == sorted(c.pk for c in claims[:2])
    chunks = 1 if connection.vendor == "postgresql" else -(-len(named) // PARTICIPANTS_AT_ONCE)
    assert len(queries.captured_queries) == chunks


def test_no_participants_no_query(branch):
    build_claims(branch, 1)
    with CaptureQueriesContext(connection) as queries:
        assert affected_claims(participant_ids=[]) == []
    assert queries.captured_queries == []
