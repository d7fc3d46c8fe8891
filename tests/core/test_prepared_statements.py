"""PostgreSQL keeps a statement a connection runs often prepared (settings:
DATABASE_PREPARE_THRESHOLD), so a page's joins are planned once per connection."""

import pytest
from django.conf import settings
from django.db import connection

from claims.models import Claim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared_reads_of_claims() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "claims_claim"."id"%'],
        )
        return cursor.fetchone()[0]


def test_a_statement_run_often_on_a_connection_is_kept_prepared():
    before = _prepared_reads_of_claims()
    for _ in range(settings.DATABASE_PREPARE_THRESHOLD + 1):
        list(Claim.objects.filter(number="none such").select_related("participant"))
    assert _prepared_reads_of_claims() == before + 1
