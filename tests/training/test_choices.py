"""The counsellor's training choices: nearest the worker first with the place shown, a closing
that must be chosen, and an honest word on what the training costs BPJS."""

import datetime as dt

import pytest
from django.urls import reverse

from jkp_site.core.models import KantorCabang
from tests.benefits.builders import benefit_claim
from tests.factories import KanwilFactory
from training import selectors, services
from training.models import TrainingProgram, TrainingProvider, TrainingReferral

pytestmark = pytest.mark.django_db
DECIDED = dt.date(2025, 3, 10)


@pytest.fixture
def claim(branch):
    KantorCabang.objects.filter(pk=branch.pk).update(city="Jakarta Selatan")
    branch.refresh_from_db()
    return benefit_claim(branch=branch, decision_date=DECIDED)


def _program(title, *, city, region, cost=1_500_000):
    provider = TrainingProvider.objects.create(
        name=f"Penyelenggara {title}", kind="LPK", ownership="private", city=city, region=region
    )
    return TrainingProgram.objects.create(
        provider=provider, title=title, competency=title, duration_hours=40, cost=cost
    )


@pytest.fixture
def catalogue(branch, other_branch):
    return {
        "serang": _program("Las listrik", city="Serang", region=other_branch.kanwil),
        "jakarta": _program("Zumba instruktur", city="jakarta selatan", region=branch.kanwil),
        "dki": _program("Akuntansi", city="Jakarta Timur", region=branch.kanwil),
        "unplaced": _program("Barista", city="", region=None),
    }


def test_programmes_near_the_branch_come_first_and_the_far_ones_only_on_request(claim, catalogue):
    near = list(selectors.programs_near(claim))
    assert near == [catalogue["jakarta"], catalogue["dki"]]
    everywhere = list(selectors.programs_near(claim, everywhere=True))
    assert everywhere[:2] == near
    assert set(everywhere[2:]) == {catalogue["serang"], catalogue["unplaced"]}


def test_the_counsellor_sees_where_each_programme_is_held(client, counsellor, claim, catalogue):
    client.force_login(counsellor)
    url = reverse("benefits:benefit", args=[claim.pk])
    page = client.get(url).text
    form = page.split('id="referral-form"')[1].split("</form>")[0]
    assert "Zumba instruktur · Penyelenggara Zumba instruktur · jakarta selatan, Kanwil DKI" in form
    assert "Las listrik" not in form
    assert 'href="?programmes=all"' in page
    wide = client.get(url, {"programmes": "all"}).text.split('id="referral-form"')[1]
    assert "Las listrik · Penyelenggara Las listrik · Serang, Kanwil BTN" in wide
    assert "Barista · Penyelenggara Barista · place not recorded" in wide


def test_with_nothing_near_every_programme_is_offered(client, counsellor, claim, other_branch):
    far = _program("Las listrik", city="Serang", region=other_branch.kanwil)
    client.force_login(counsellor)
    page = client.get(reverse("benefits:benefit", args=[claim.pk])).text
    assert f'value="{far.pk}"' in page.split('id="referral-form"')[1]


def test_a_far_programme_may_still_be_chosen(client, counsellor, claim, catalogue):
    client.force_login(counsellor)
    client.post(reverse("benefits:refer", args=[claim.pk]), {"program": catalogue["serang"].pk})
    assert TrainingReferral.objects.get(claim=claim).program == catalogue["serang"]


def test_closing_a_referral_has_no_default_and_offers_only_what_fits(
    client, counsellor, claim, catalogue
):
    referral = services.refer_to_training(
        claim_id=claim.pk, program_id=catalogue["jakarta"].pk, acting_user=counsellor
    )
    client.force_login(counsellor)
    url = reverse("benefits:benefit", args=[claim.pk])
    form = client.get(url).text.split(reverse("benefits:end_referral", args=[referral.pk]))[1]
    form = form.split("</form>")[0]
    assert 'value="declined"' in form
    assert 'value="dropped"' not in form
    assert "checked" not in form
    assert "required" in form
    client.post(reverse("benefits:end_referral", args=[referral.pk]), {"note": "?"})
    referral.refresh_from_db()
    assert referral.state == TrainingReferral.State.REFERRED

    services.enrol_in_training(
        referral_id=referral.pk, acting_user=counsellor, enrolled_on=dt.date.today()
    )
    form = client.get(url).text.split(reverse("benefits:end_referral", args=[referral.pk]))[1]
    assert 'value="dropped"' in form.split("</form>")[0]
    assert 'value="declined"' not in form.split("</form>")[0]


@pytest.mark.parametrize(
    ("cost", "enrol", "said"),
    [
        (1_500_000, False, "Cost to BPJS once enrolled: Rp 1.500.000"),
        (1_500_000, True, "Cost to BPJS: Rp 1.500.000"),
        (0, False, "No cost to BPJS: the programme is free"),
        (0, True, "No cost to BPJS: the programme is free"),
    ],
)
def test_the_cost_to_bpjs_is_told_honestly(client, counsellor, claim, branch, cost, enrol, said):
    program = _program("Menjahit", city="Jakarta Selatan", region=branch.kanwil, cost=cost)
    referral = services.refer_to_training(
        claim_id=claim.pk, program_id=program.pk, acting_user=counsellor
    )
    if enrol:
        services.enrol_in_training(
            referral_id=referral.pk, acting_user=counsellor, enrolled_on=dt.date.today()
        )
    client.force_login(counsellor)
    page = client.get(reverse("benefits:benefit", args=[claim.pk])).text
    cost_text = page.split('training-cost">')[1].split("</span>")[0]
    assert cost_text == said
    assert "Rp 0" not in page.split(f'data-referral="{referral.pk}"')[1][:2000]


def test_a_declined_referral_cost_nothing(client, counsellor, claim, branch):
    program = _program("Menjahit", city="Jakarta Selatan", region=branch.kanwil)
    referral = services.refer_to_training(
        claim_id=claim.pk, program_id=program.pk, acting_user=counsellor
    )
    services.end_training_referral(
        referral_id=referral.pk, acting_user=counsellor, outcome="declined", note=""
    )
    client.force_login(counsellor)
    page = client.get(reverse("benefits:benefit", args=[claim.pk])).text
    assert "No cost to BPJS: never enrolled" in page


def test_a_provider_is_registered_with_its_region(client, counsellor):
    region = KanwilFactory(code="SUMBAGUT", name="Kanwil Sumbagut")
    client.force_login(counsellor)
    client.post(
        reverse("benefits:providers"),
        {
            "provider-name": "BLK Pematangsiantar",
            "provider-kind": "BLK",
            "provider-ownership": "government",
            "provider-city": "Pematangsiantar",
            "provider-region": region.pk,
        },
    )
    assert TrainingProvider.objects.get(name="BLK Pematangsiantar").region == region
