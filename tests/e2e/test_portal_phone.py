"""The worker's case page on a phone (390 x 844, as an iPhone 12-15): a running benefit with its
six-month schedule, a training offer, reported activity, letters and documents. The schedule is
shown once, nothing scrolls sideways, and the page stays short enough to read on a phone.
The screenshot is kept under ``$JKP_VAR_DIR/e2e/`` (var/e2e/ by default) as a test artefact.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from benefits import services as benefit_services
from claims import services as claim_services
from jkp_site.core.roles import Role
from tests.e2e.conftest import english
from tests.factories import BranchFactory, UserFactory
from tests.portal.conftest import make_worker, submitted_claim, verify_and_recommend
from training import services as training_services
from training.models import JobSeekingActivity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Measured 4,238 px before the schedule was shown once and the page made to fit a phone.
MAX_HEIGHT = 2_800
ARTEFACTS = Path(settings.VAR_DIR) / "e2e"


def running_claim():
    branch = BranchFactory(code="JKT", name="Jakarta")
    officer = UserFactory(username="petugas_hp", branch=branch, role=Role.PETUGAS)
    supervisor = UserFactory(username="kepala_hp", branch=branch, role=Role.KEPALA_BIDANG)
    counsellor = UserFactory(username="konselor_hp", branch=branch, role=Role.PENGANTAR_KERJA)
    worker = make_worker(branch=branch, username="pekerja_hp")
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    benefit_services.record_activity(
        claim_id=claim.pk,
        acting_user=counsellor,
        kind=JobSeekingActivity.Kind.SELF_ASSESSMENT,
        occurred_on=timezone.localdate(),
    )
    provider = training_services.create_training_provider(
        acting_user=counsellor, name="BLK Cengkareng", kind="BLK", ownership="government"
    )
    program = training_services.create_training_program(
        acting_user=counsellor,
        provider_id=provider.pk,
        title="Operator Mesin Jahit",
        competency="Menjahit industri",
        duration_hours=160,
        cost=1_000_000,
    )
    training_services.refer_to_training(
        claim_id=claim.pk, program_id=program.pk, acting_user=counsellor
    )
    return worker, claim


def test_the_case_page_fits_a_phone_and_shows_the_schedule_once(live_server, browser):
    worker, claim = running_claim()
    context = english(
        browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True), live_server.url
    )
    client_cookie = _signed_in_cookie(worker.user)
    context.add_cookies([{**client_cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(live_server.url + reverse("portal:claim", kwargs={"pk": claim.pk}))

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "portal-claim-390x844.png"), full_page=True)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert height < MAX_HEIGHT
    assert page.get_by_text("Month 6:").count() == 1
    assert page.locator("#cash-title").count() == 1
    assert page.get_by_text("Operator Mesin Jahit", exact=True).is_visible()
    context.close()


def _signed_in_cookie(user) -> dict:
    """A session for ``user`` made as the test client's force_login makes it."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value}
