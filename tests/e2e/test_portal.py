"""The worker portal in a real Chromium: activate, pre-check, file a claim with documents, and
see the decision and the first instalment after the branch's officer and supervisor acted
(through the workflow services). axe-core (vendored) checks every page visited: no serious or
critical accessibility violation; no request leaves the site. `browser` comes from
tests/e2e/conftest.py (Debian's Chromium).
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from claims import services as claim_services
from claims.models import Claim
from jkp_site.core.roles import Role
from tests.e2e.conftest import english
from tests.factories import (
    BranchFactory,
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    UserFactory,
    add_contributions,
    add_enrollments,
)
from tests.portal.conftest import phk_date, verify_and_recommend
from tests.samples import PDF, PNG

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PASSWORD = "Rahasia-Kuat-2025"
BLOCKING_IMPACTS = {"serious", "critical"}


pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Checked:
    """A phone-sized page that records outside requests, CSP errors and axe violations."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.context = english(
            browser.new_context(
                viewport={"width": 360, "height": 740}, locale="en-US", is_mobile=True
            ),
            base_url,
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.violations: list[str] = []
        self.page.on("request", self._on_request)
        self.page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        self.axe_source = AXE.read_text()

    def _on_request(self, request) -> None:
        if not (request.url.startswith(self.base_url) or request.url.startswith("data:")):
            self.outside.append(request.url)

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def audit(self) -> None:
        """Run axe-core in the page; keep serious and critical violations with where they are."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so the page's CSP does not block it.
            self.page.evaluate(self.axe_source)
        found = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(" "))
                }));
            }"""
        )
        path = self.page.url.removeprefix(self.base_url)
        self.violations += [
            f"{path}: {v['id']} ({v['impact']}) at {v['targets']}"
            for v in found
            if v["impact"] in BLOCKING_IMPACTS
        ]


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("domcontentloaded")


def test_a_worker_activates_checks_files_and_follows_the_claim(live_server, browser, tmp_path):
    branch = BranchFactory(code="JKT", name="Jakarta")
    officer = UserFactory(username="petugas_e2e", branch=branch, role=Role.PETUGAS)
    supervisor = UserFactory(
        username="kepala_e2e", branch=branch, role=Role.KEPALA_BIDANG, is_staff=True
    )
    person = ParticipantFactory(name="Dewi Lestari", email="")
    employer = EmployerFactory(branch=branch, name="PT Tekstil Maju")
    EmploymentFactory(participant=person, employer=employer)
    add_enrollments(person)
    add_contributions(person, employer, last=phk_date(), months=30, wage=5_500_000)
    proof = tmp_path / "surat-phk.pdf"
    proof.write_bytes(PDF)
    receipt = tmp_path / "tanda-terima.png"
    receipt.write_bytes(PNG)

    checked = Checked(browser, live_server.url)
    page = checked.page

    # 1. Activation: NIK, KPJ number, birth date, password and e-mail.
    checked.go(reverse("portal:activate"))
    checked.audit()
    page.get_by_label("NIK (identity number)").fill(person.nik)
    page.get_by_label("KPJ number").fill(person.kpj_number)
    page.get_by_label("Birth date").fill(person.birth_date.isoformat())
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_label("E-mail address").fill("dewi@contoh.invalid")
    submit(page, "Activate")
    assert page.url == live_server.url + reverse("portal:home")
    assert page.get_by_text("Hello, Dewi Lestari").is_visible()
    checked.audit()

    # 2. The e-mail link, confirmed with the button on its page.
    link = re.search(r"https?://\S+/portal/email/confirm/\S+/", mail.outbox[-1].body).group(0)
    checked.go(link.removeprefix(live_server.url))
    checked.audit()
    submit(page, "Confirm my e-mail address")
    assert page.get_by_text("your e-mail address is confirmed").is_visible()

    # 3. The pre-check, nothing filed.
    page.get_by_role("link", name="Eligibility check").click()
    page.get_by_label("Date your work ended (PHK date)").fill(phk_date().isoformat())
    page.get_by_label("Why your work ended").select_option("efficiency")
    page.get_by_label("Your contract").select_option("PKWTT")
    submit(page, "Check")
    assert page.get_by_role("heading", name="You meet every condition").is_visible()
    assert page.get_by_text("Rp 18.000.000").is_visible()
    checked.audit()
    assert not Claim.objects.filter(participant=person).exists()

    # 4. Filing the claim step by step, with two documents; the pre-check's answers are there.
    page.get_by_role("link", name="File a claim").click()
    assert page.get_by_label("Date your work ended (PHK date)").input_value() == (
        phk_date().isoformat()
    )
    assert page.get_by_label("Why your work ended").input_value() == "efficiency"
    page.get_by_label("Number of the PHK letter or proof").fill("PHK/07/2025")
    checked.audit()
    submit(page, "Save and continue")
    checked.audit()
    submit(page, "Save and continue")  # the bank account is prefilled from the record
    page.get_by_label("Which document is this?").select_option("phk_acceptance")
    page.get_by_label("File (PDF, JPEG or PNG)").set_input_files(str(proof))
    submit(page, "Upload")
    page.get_by_label("Which document is this?").select_option("phk_report_receipt")
    page.get_by_label("File (PDF, JPEG or PNG)").set_input_files(str(receipt))
    submit(page, "Upload")
    checked.audit()
    submit(page, "Continue")
    checked.audit()
    page.get_by_label(re.compile("I commit to actively look for work")).check()
    submit(page, "Send my claim")
    claim = Claim.objects.get(participant=person)
    assert claim.state == Claim.State.SUBMITTED
    assert claim.branch == branch
    assert page.get_by_text("Sent to the branch", exact=True).is_visible()
    checked.audit()

    # 5. The branch acts: the officer verifies and recommends, the supervisor approves.
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)

    # 6. The worker sees the decision on the timeline and the first instalment in the schedule.
    page.reload()
    assert page.locator("ol.timeline").get_by_text("Your claim was approved").is_visible()
    schedule = page.locator("ol.schedule")
    assert schedule.get_by_text(re.compile(r"Month 1: Rp 3\.000\.000 due on")).is_visible()
    checked.audit()
    page.get_by_role("link", name="Notifications").click()
    assert page.get_by_text("Your claim was approved").first.is_visible()
    checked.audit()

    # Keyboard: the skip link is the first stop and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"

    assert checked.violations == []
    assert checked.outside == []
    assert [e for e in checked.console_errors if "Content Security Policy" in e] == []

    # The audit itself works: an image with no text alternative is reported.
    page.evaluate(
        "() => document.querySelector('main').append("
        "Object.assign(document.createElement('img'), {src: 'data:,'}))"
    )
    checked.audit()
    assert any("image-alt (critical)" in violation for violation in checked.violations)
    checked.context.close()
