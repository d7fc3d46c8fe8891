"""The demo seed takes cases through the services into several states, once."""

import pytest

from claims import letters
from claims.models import Claim
from demo import seed as demo
from jkp_site.core.models import KantorCabang
from participants.models import Participant

pytestmark = pytest.mark.django_db


def test_demo_claims_in_several_states_and_idempotent():
    demo.seed(history=False)
    demo.seed(history=False)
    states = dict(Claim.objects.values_list("participant__kpj_number", "state"))
    assert states == {kpj: state for kpj, state, *_rest in demo.DEMO_CLAIMS}
    running = Claim.objects.get(state="benefit_active")
    assert running.instalments.count() == 6
    assert running.events.filter(action="approve", actor__username="kepala2").exists()
    assert running.activities.filter(kind="self_assessment").exists()
    assert running.training_referrals.filter(program__title="Las listrik SMAW").exists()


def test_demo_data_at_scale_is_repeatable_and_valid():
    demo.seed(size="medium", history=False)
    count = Participant.objects.count()
    demo.seed(size="medium", history=False)
    assert Participant.objects.count() == count == len(demo.WORKERS) + 200
    synthetic = Participant.objects.filter(kpj_number__startswith="9")
    for participant in synthetic[:20]:
        participant.full_clean()  # NIK, birth date and gender agree
        assert participant.contributions.exists()


def test_the_demo_holds_one_duplicate_account_pair_and_no_other():
    demo.seed(history=False)  # the year adds none: tests/demo/test_history.py
    flagged = Claim.objects.filter(
        identity_flags__isnull=False, identity_flags__cleared_at__isnull=True
    ).values_list("participant__kpj_number", "identity_flags__kind")
    assert set(flagged) == {("21000000003", "bank_account"), ("21000000002", "bank_account")}
    phones = [p.phone for p in Participant.objects.all()]
    assert len(phones) == len(set(phones))
    accounts = [p.bank_account for p in Participant.objects.all()]
    assert len(accounts) - len(set(accounts)) == 1


def test_the_demo_workers_sign_in_with_their_kpj_number(client):
    demo.seed(history=False)
    for kpj in ("11000000001", "21000000001"):
        client.logout()
        response = client.post("/portal/login/", {"username": kpj, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, kpj
        assert response["Location"] == "/portal/"


def test_every_demo_office_has_the_address_its_letterhead_prints():
    demo.seed(history=False)
    offices = KantorCabang.objects.all()
    assert offices.count() == len(demo.BRANCHES)
    assert all(office.address and office.city for office in offices)
    jakarta = offices.get(code="JKT")
    assert "Gatot Subroto" in letters._letterhead(jakarta)["address"]
