"""Key rotation: with the new key in FIELD_ENCRYPTION_KEY and the old one retired to
FIELD_ENCRYPTION_OLD_KEYS, rotate_data_keys re-encrypts every NIK and bank account in batches;
afterwards each is readable with the new key alone and no longer with the old one. With
--blind-index the NIK and account indexes follow a new BLIND_INDEX_KEY. A malformed retired
key stops the start."""

import base64
import io
import os

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.db import connection

from claims.models import BankAccountChange, Claim, PaymentLine
from participants.models import Participant, bank_account_index
from tests.claims.conftest import eligible_worker, open_draft
from tests.core.test_settings import start
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def raw(model, field: str) -> dict[int, str]:
    table = model._meta.db_table
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table}")  # noqa: S608 (names from the model)
        return dict(cursor.fetchall())


@pytest.fixture
def people(branch, officer):
    employer = EmployerFactory(branch=branch)
    workers = [eligible_worker(employer) for _ in range(5)]
    for worker in workers:
        worker.bank_account = f"0099{worker.pk:08d}"
        worker.save()
    claims = [open_draft(worker, employer, officer) for worker in workers[:3]]
    return workers, claims


def test_every_value_is_readable_with_the_new_key_only(settings, people):
    workers, _claims = people
    before = {
        "nik": {p.pk: p.nik for p in workers},
        "account": {p.pk: p.bank_account for p in workers},
        "claim": {c.pk: c.bank_account for c in Claim.objects.all()},
    }
    sealed_before = raw(Participant, "nik")
    old, new = settings.FIELD_ENCRYPTION_KEY, new_key()
    settings.FIELD_ENCRYPTION_KEY = new
    settings.FIELD_ENCRYPTION_OLD_KEYS = [old]
    # During the rotation every value still reads (with whichever key sealed it).
    assert {p.pk: p.nik for p in Participant.objects.all()} == before["nik"]

    call_command("rotate_data_keys", batch_size=2, stdout=io.StringIO())

    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    participants = Participant.objects.all()
    assert {p.pk: p.nik for p in participants} == before["nik"]
    assert {p.pk: p.bank_account for p in participants} == before["account"]
    assert {c.pk: c.bank_account for c in Claim.objects.all()} == before["claim"]
    sealed_after = raw(Participant, "nik")
    assert all(sealed_after[pk] != sealed_before[pk] for pk in sealed_before)
    # The old key alone opens nothing any more.
    settings.FIELD_ENCRYPTION_KEY = old
    for model in (Participant, Claim):
        with pytest.raises(InvalidTag):
            list(model.objects.values_list("bank_account", flat=True))
    with pytest.raises(InvalidTag):
        list(Participant.objects.values_list("nik", flat=True))


def test_without_the_old_key_nothing_rotated_reads(settings, people):
    settings.FIELD_ENCRYPTION_KEY = new_key()
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    with pytest.raises(InvalidTag):
        list(Participant.objects.values_list("nik", flat=True))


def test_every_encrypted_model_is_covered():
    from participants.management.commands.rotate_data_keys import encrypted_models

    covered = {model: fields for model, fields, _indexes in encrypted_models()}
    assert covered[Participant] == ["bank_account", "nik"]
    assert covered[Claim] == ["bank_account"]
    assert covered[PaymentLine] == ["bank_account"]
    assert covered[BankAccountChange] == ["bank_account"]


def test_a_new_blind_index_key_is_followed_by_the_indexes(settings, people):
    workers, claims = people
    settings.BLIND_INDEX_KEY = new_key()
    assert not Participant.objects.filter(nik_index=Participant.index_for(workers[0].nik)).exists()

    call_command("rotate_data_keys", "--blind-index", stdout=io.StringIO())

    for worker in workers:
        found = Participant.objects.get(nik_index=Participant.index_for(worker.nik))
        assert found.pk == worker.pk
        assert found.bank_account_index == bank_account_index(worker.bank_account)
    for claim in claims:
        claim.refresh_from_db()
        assert claim.bank_account_index == bank_account_index(claim.bank_account)


def test_a_malformed_retired_key_stops_the_start(tmp_path):
    result = start(tmp_path, FIELD_ENCRYPTION_OLD_KEYS=f"{new_key()},not-a-key")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "FIELD_ENCRYPTION_OLD_KEYS" in result.stderr


def test_a_well_formed_retired_key_starts(tmp_path):
    result = start(tmp_path, FIELD_ENCRYPTION_OLD_KEYS=f"{new_key()},{new_key()}")
    assert result.returncode == 0, result.stderr
