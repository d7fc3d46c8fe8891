"""Personal data is masked in the admin; a whole number is shown only on request, recorded."""

import pytest

from participants.models import PersonalDataReveal
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(branch):
    return EmploymentFactory(employer__branch=branch).participant


def test_the_admin_shows_nik_and_account_masked(client, supervisor, worker):
    client.force_login(supervisor)
    page = client.get(f"/admin/participants/participant/{worker.pk}/change/").content.decode()
    assert worker.nik_masked in page
    assert worker.nik not in page
    assert worker.bank_account not in page


def test_a_reveal_needs_a_reason_and_is_recorded(client, supervisor, worker):
    client.force_login(supervisor)
    url = f"/admin/participants/participant/{worker.pk}/reveal/"
    refused = client.post(url, {"field": "nik", "reason": ""})
    assert worker.nik not in refused.content.decode()
    assert not PersonalDataReveal.objects.exists()

    shown = client.post(url, {"field": "nik", "reason": "Verifikasi identitas di loket"})
    assert worker.nik in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    record = PersonalDataReveal.objects.get()
    assert (record.participant, record.field, record.revealed_to) == (worker, "nik", supervisor)
    assert record.reason == "Verifikasi identitas di loket"

    listing = client.get("/admin/participants/personaldatareveal/").content.decode()
    assert "Verifikasi identitas di loket" in listing


def test_another_branch_cannot_reveal(client, outside_supervisor, worker):
    client.force_login(outside_supervisor)
    url = f"/admin/participants/participant/{worker.pk}/reveal/"
    assert client.post(url, {"field": "nik", "reason": "x"}).status_code == 404
    assert not PersonalDataReveal.objects.exists()
