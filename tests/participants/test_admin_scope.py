"""Reference data in the admin follows the same branch rule as the claims: own branch and
its sub-offices for supervisors, every branch for head office."""

import datetime as dt

import pytest
from django.urls import reverse

from participants.models import ContributionMonth
from tests.factories import BranchFactory, EmployerFactory, EmploymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employers(branch, other_branch):
    sub_office = BranchFactory(code="KCP", name="Cikande", kanwil=branch.kanwil, parent=branch)
    found = {
        "own": EmployerFactory(branch=branch, name="PT Cabang Sendiri"),
        "sub": EmployerFactory(branch=sub_office, name="PT Kantor Perintis"),
        "other": EmployerFactory(branch=other_branch, name="PT Cabang Lain"),
    }
    for key, employer in found.items():
        employment = EmploymentFactory(employer=employer, participant__name=f"Pekerja {key}")
        ContributionMonth.objects.create(
            participant=employment.participant,
            employer=employer,
            period=dt.date(2026, 1, 1),
            wage=4_000_000,
        )
    return found


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:participants_employer_changelist",
        "admin:participants_participant_changelist",
        "admin:participants_contributionmonth_changelist",
    ],
)
def test_supervisor_sees_own_branch_and_sub_offices_only(client, supervisor, employers, url_name):
    client.force_login(supervisor)
    page = client.get(reverse(url_name)).content.decode()
    if url_name.endswith("employer_changelist"):
        shown = {key for key, employer in employers.items() if employer.name in page}
    else:
        shown = {key for key in employers if f"Pekerja {key}" in page}
    assert shown == {"own", "sub"}


def test_head_office_sees_every_branch(client, head_office, employers):
    client.force_login(head_office)
    page = client.get(reverse("admin:participants_employer_changelist")).content.decode()
    assert all(employer.name in page for employer in employers.values())
