"""No log line carries personal data: the demo is seeded and its staff and workers walk the main
screens (intake by NIK and by name, the queue's NIK look-up, the API look-up, a failed portal
activation, a case page) while every log record of every logger is captured, as the console
handler writes it (JSON, as in production) and as plain text; none holds a demo NIK, a
participant's name or a bank account number."""

import logging

import pytest
from rest_framework.test import APIClient

from api.models import Grant
from api.services import create_integration_client
from claims.models import Claim
from demo import seed as demo
from jkp_site.core.jsonlog import JsonFormatter
from jkp_site.core.logs import RedactNIK
from jkp_site.core.models import User
from jkp_site.core.requestid import LogContextFilter
from participants.models import Participant

pytestmark = pytest.mark.django_db


def test_a_demo_day_logs_no_nik(client, caplog, settings):
    settings.DEBUG = True  # demo data is refused outside DEBUG
    demo.seed(history=False)
    people = list(Participant.objects.all())
    niks = [p.nik for p in people]
    names = [p.name for p in people]
    accounts = [p.bank_account for p in people if p.bank_account]
    accounts += [c.bank_account for c in Claim.objects.all() if c.bank_account]
    assert names
    assert accounts
    caplog.set_level(logging.DEBUG)
    officer = User.objects.get(username="petugas1")
    client.force_login(officer)
    for person in people[:5]:
        client.post("/claims/intake/", {"q": person.nik})
        client.post("/claims/intake/", {"q": person.name})
        client.post("/claims/find-by-nik/", {"nik": person.nik})
        client.get("/claims/", {"q": person.nik})
        client.get("/claims/", {"q": person.name})
    for claim in Claim.objects.filter(branch=officer.branch)[:3]:
        client.get(claim.get_absolute_url())
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

    assert caplog.records, "the walk should have logged something"
    redact, context, as_json = RedactNIK(), LogContextFilter(), JsonFormatter()
    plain = logging.Formatter("%(name)s %(message)s")
    lines = []
    for record in caplog.records:
        redact.filter(record)
        context.filter(record)
        lines += [plain.format(record), as_json.format(record)]
    handler_output = "\n".join(lines)
    assert [nik for nik in niks if nik in handler_output] == []
    assert [name for name in names if name in handler_output] == []
    assert [account for account in accounts if account in handler_output] == []
