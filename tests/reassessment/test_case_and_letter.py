"""Every step of a reassessment is on the case timeline, audited, told to the worker, and the
worker's letter and case page state the same figures."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from claims import letters, recovery
from claims.models import CaseEvent, Debt, EventNotification, Letter
from claims.reassessment import reassess_claim
from tests.factories import UserFactory
from tests.reassessment.conftest import eligible_claim, set_phk_month_wage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def case(branch):
    """Months 1-2 paid at 2,400,000; the PHK month's wage is now 3,500,000 (2,100,000 due)."""
    claim = eligible_claim(branch, paid=(1, 2))
    worker = UserFactory(username="pekerja", branch=None)
    claim.participant.user = worker
    claim.participant.save(update_fields=["user"])
    set_phk_month_wage(claim, 3_500_000)
    return claim


def text_of(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_every_step_is_on_the_timeline_audited_and_told(case, supervisor, second_supervisor):
    found = reassess_claim(
        claim_id=case.pk, trigger="supervisor", acting_user=supervisor, note="Wage corrected"
    )
    debt = Debt.objects.get(claim=case)
    plan = recovery.propose_recovery_plan(debt_id=debt.pk, kind="recover", acting_user=supervisor)
    recovery.decide_recovery_plan(plan_id=plan.pk, approve=True, acting_user=second_supervisor)
    worker = case.participant.user
    recovery.object_to_debt(debt_id=debt.pk, acting_user=worker, grounds="My wage was 4 million")
    recovery.answer_objection(
        debt_id=debt.pk, upheld=False, acting_user=second_supervisor, note="The payroll shows 3.5m"
    )

    events = list(CaseEvent.objects.filter(claim=case).order_by("pk"))
    steps = [(e.action, e.actor) for e in events if e.action != "stop_benefit"]
    assert steps == [
        ("reassessed", supervisor),
        ("recovery_plan_proposed", supervisor),
        ("recovery_plan_approved", second_supervisor),
        ("debt_objected", worker),
        ("debt_objection_answered", second_supervisor),
    ]
    reassessed = events[0]
    assert reassessed.data["reassessment_id"] == found.pk
    assert reassessed.data["overpaid"] == 600_000
    assert reassessed.note == "Wage corrected"
    told = EventNotification.objects.filter(event__claim=case).values_list(
        "event__action", flat=True
    )
    assert {"reassessed", "recovery_plan_approved", "debt_objected"} <= set(told)
    assert "recovery_plan_proposed" not in told


def test_the_letter_and_the_case_page_state_the_same_figures(case, supervisor, client):
    found = reassess_claim(claim_id=case.pk, trigger="supervisor", acting_user=supervisor)
    letter = letters.reassessment_letter_for(reassessment_id=found.pk, acting_user=supervisor)
    assert letter.number.startswith("JKP/JKT/")
    assert "/PNU/" in letter.number
    text = text_of(letter)
    # In Indonesian, whatever the reader's language.
    assert "dihitung ulang" in text.lower() or "penilaian ulang" in text.lower()
    figures = ["Rp 2.400.000", "Rp 2.100.000", "Rp 300.000", "Rp 600.000"]
    for figure in figures:
        assert figure in text
    assert "keberatan" in text.lower()
    again = letters.reassessment_letter_for(reassessment_id=found.pk, acting_user=supervisor)
    assert (again.pk, again.sha256) == (letter.pk, letter.sha256)

    client.force_login(case.participant.user)
    page = client.get(reverse("portal:claim", kwargs={"pk": case.pk})).content.decode()
    for figure in figures:
        assert figure in page
    assert reverse("portal:debt_object", kwargs={"pk": found.debt.pk}) in page
    assert reverse("portal:reassessment_letter", kwargs={"pk": found.pk}) in page


def test_the_worker_objects_from_the_portal(case, supervisor, client):
    reassess_claim(claim_id=case.pk, trigger="supervisor", acting_user=supervisor)
    debt = Debt.objects.get(claim=case)
    client.force_login(case.participant.user)
    response = client.post(
        reverse("portal:debt_object", kwargs={"pk": debt.pk}), {"grounds": "Not my wage"}
    )
    assert response.status_code == 302
    debt.refresh_from_db()
    assert debt.state == Debt.State.OBJECTED
    assert debt.objection == "Not my wage"


def test_a_supervisor_reassesses_from_the_case_page(case, supervisor, officer, client):
    client.force_login(officer)
    url = reverse("reassessment:reassess", kwargs={"pk": case.pk})
    assert client.post(url).status_code == 403
    client.force_login(supervisor)
    response = client.post(url, {"note": "Checked by hand"}, follow=True)
    assert response.status_code == 200
    assert case.reassessments.count() == 1
    page = response.content.decode()
    assert "Rp 600.000" in page
    assert reverse("reassessment:propose_plan", kwargs={"pk": case.debts.get().pk}) in page
    detail = client.get(reverse("claims:detail", kwargs={"pk": case.pk})).content.decode()
    assert reverse("reassessment:case", kwargs={"pk": case.pk}) in detail
