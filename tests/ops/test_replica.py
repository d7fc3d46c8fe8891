"""The replica router: reads go to the "replica" database only inside reading_replica() (the
dashboard, the monthly report, the API's change feed and the report files), writes never do,
and a read inside a transaction on the primary stays on the primary.

A second PostgreSQL database stands in for the replica (jkp_site/settings_test.py): it is not a
mirror, so a row written to it alone shows where a read went. Skipped on SQLite.
"""

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.models import Grant
from api.services import create_integration_client
from jkp_site.core.models import Kanwil
from jkp_site.db_router import reading_replica, replica_reads

pytestmark = [
    pytest.mark.skipif(
        "replica" not in settings.DATABASES, reason="needs PostgreSQL (a second database)"
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def replica(settings):
    settings.READ_REPLICA_ALIAS = "replica"
    Kanwil.objects.using("replica").create(code="RPL", name="Only on the replica")
    return "replica"


@pytest.mark.usefixtures("replica")
def test_reads_go_to_the_replica_only_inside_the_context():
    assert not Kanwil.objects.filter(code="RPL").exists()
    with reading_replica():
        assert list(Kanwil.objects.values_list("code", flat=True)) == ["RPL"]
    assert not Kanwil.objects.filter(code="RPL").exists()


@pytest.mark.usefixtures("replica")
def test_writes_never_go_to_the_replica():
    with reading_replica():
        Kanwil.objects.create(code="PRM", name="Written inside the context")
    assert Kanwil.objects.using("default").filter(code="PRM").exists()
    assert not Kanwil.objects.using("replica").filter(code="PRM").exists()


@pytest.mark.usefixtures("replica")
def test_a_read_that_must_see_its_own_write_stays_on_the_primary():
    with reading_replica(), transaction.atomic():
        Kanwil.objects.create(code="OWN", name="Just written")
        assert Kanwil.objects.filter(code="OWN").exists()
        assert not Kanwil.objects.filter(code="RPL").exists()


def test_without_a_replica_configured_everything_reads_the_primary(settings):
    settings.READ_REPLICA_ALIAS = ""
    Kanwil.objects.using("replica").create(code="RPL", name="Only on the replica")
    with reading_replica():
        assert not Kanwil.objects.filter(code="RPL").exists()


@pytest.mark.usefixtures("replica")
def test_the_decorator_reads_the_replica():
    @replica_reads
    def codes():
        return list(Kanwil.objects.values_list("code", flat=True))

    assert codes() == ["RPL"]


@pytest.mark.usefixtures("replica")
@pytest.mark.parametrize("url", ["/reports/", "/reports/monthly/"])
def test_the_report_screens_read_the_replica(client, head_office, url):
    client.force_login(head_office)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(url)
    assert response.status_code == 200
    assert any("claims_" in query["sql"] for query in on_replica.captured_queries)


@pytest.mark.usefixtures("replica")
def test_the_dashboard_shows_what_the_replica_holds(client, head_office):
    client.force_login(head_office)
    # The region filter's choices came from the replica: its own region is offered.
    assert "Only on the replica" in client.get("/reports/").text


@pytest.mark.usefixtures("replica")
def test_the_change_feed_reads_the_replica_after_checking_the_token_on_the_primary():
    _client, token = create_integration_client(name="Feed", grants=[Grant.CHANGES_READ])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = api.get("/api/v1/changes/", {"since": "2020-01-01T00:00:00Z"})
    assert response.status_code == 200, response.content
    assert any("claims_caseevent" in q["sql"] for q in on_replica.captured_queries)
    assert not any("claims_caseevent" in q["sql"] for q in on_primary.captured_queries)
    assert any("api_integrationclient" in q["sql"] for q in on_primary.captured_queries)
