"""No log line carries a NIK: the demo is seeded and its staff and workers walk the main
screens (intake by NIK, the queue's NIK look-up, the API look-up, a failed portal activation)
while every log record of every logger is captured; none holds a demo NIK."""

import logging

import pytest
from rest_framework.test import APIClient

from api.models import Grant
from api.services import create_integration_client
from demo import seed as demo
from jkp_site.core.models import User
from participants.models import Participant

pytestmark = pytest.mark.django_db


def test_a_demo_day_logs_no_nik(client, caplog, settings):
    settings.DEBUG = True  # demo data is refused outside DEBUG
    demo.seed()
    niks = [p.nik for p in Participant.objects.all()]
    caplog.set_level(logging.DEBUG)
    officer = User.objects.get(username="petugas1")
    client.force_login(officer)
    for nik in niks[:5]:
        client.post("/claims/intake/", {"q": nik})
        client.post("/claims/find-by-nik/", {"nik": nik})
        client.get("/claims/", {"q": nik})
    client.logout()
    client.post(
        "/portal/activate/",
        {"nik": niks[0], "kpj_number": "00000000000", "birth_date": "1990-01-01"},
    )
    _client, token = create_integration_client(name="Log", grants=[Grant.ELIGIBILITY_READ])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    api.post("/api/v1/eligibility/", {"nik": niks[1]}, format="json")
    api.post("/api/v1/eligibility/", {"nik": "3174011704909999"}, format="json")

    handler_output = "\n".join(
        logging.Formatter("%(name)s %(message)s").format(record) for record in caplog.records
    )
    assert caplog.records, "the walk should have logged something"
    leaked = [nik for nik in niks if nik in handler_output]
    assert leaked == []
