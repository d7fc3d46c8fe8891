import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from participants.models import ContributionMonth, Participant
from participants.selectors import participant_by_nik, search_participants
from tests.factories import EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

NIK = "3174011704900001"


def test_lookup_by_nik_goes_through_the_blind_index():
    ParticipantFactory(nik=NIK, name="Budi")
    ParticipantFactory()
    assert participant_by_nik(NIK).name == "Budi"
    assert participant_by_nik("3174 0117 0490 0001").name == "Budi"
    assert participant_by_nik("3174011704909999") is None
    assert [p.name for p in search_participants(NIK)] == ["Budi"]


def test_no_plaintext_nik_or_account_in_the_database():
    participant = ParticipantFactory(nik=NIK, bank_account="0012345678901")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, nik_index, bank_account FROM participants_participant WHERE id = %s",
            [participant.pk],
        )
        nik, index, account = cursor.fetchone()
    assert NIK not in nik
    assert NIK not in index
    assert "0012345678901" not in account
    assert Participant.objects.get(pk=participant.pk).nik == NIK


def test_one_participant_per_nik():
    ParticipantFactory(nik=NIK)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(nik=NIK)


def test_nik_shown_masked():
    assert ParticipantFactory(nik=NIK).nik_masked == "3174••••••••0001"


def test_birth_date_and_gender_must_match_the_nik():
    participant = ParticipantFactory.build(
        nik=NIK, birth_date=dt.date(1990, 4, 18), gender="F", kpj_number="12345678901"
    )
    with pytest.raises(ValidationError) as exc:
        participant.full_clean()
    assert set(exc.value.message_dict) >= {"birth_date", "gender"}


def test_contribution_month_is_unique_per_participant_and_period():
    participant = ParticipantFactory()
    employer = EmployerFactory()
    ContributionMonth.objects.create(
        participant=participant, employer=employer, period=dt.date(2025, 1, 1), wage=5_000_000
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionMonth.objects.create(
            participant=participant,
            employer=EmployerFactory(),
            period=dt.date(2025, 1, 1),
            wage=4_000_000,
        )


def test_contribution_period_is_the_first_of_a_month():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionMonth.objects.create(
            participant=ParticipantFactory(),
            employer=EmployerFactory(),
            period=dt.date(2025, 1, 15),
            wage=5_000_000,
        )
