import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import translation

from claims.models import InstalmentStatus
from participants.models import ContributionMonth
from tests.benefits.builders import benefit_claim, set_status
from tests.factories import EmployerFactory, add_contributions, add_enrollments

DECIDED = dt.date(2025, 3, 10)  # PP 6/2025: 60 % of the wage basis each month
PHK_MONTH = dt.date(2025, 2, 1)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (the interface default is Indonesian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def eligible_claim(branch, *, wage=4_000_000, paid=(1, 2), npp=None):
    """An active claim the rules find eligible (12 months to the PHK month at ``wage``), its
    first months paid at 60 % of that wage."""
    employer = EmployerFactory(branch=branch, **({"npp": npp} if npp else {}))
    claim = benefit_claim(branch=branch, decision_date=DECIDED, wage=wage, employer=employer)
    add_enrollments(claim.participant)
    add_contributions(claim.participant, employer, last=PHK_MONTH, months=12, wage=wage)
    set_status(claim, list(paid), InstalmentStatus.PAID)
    return claim


def set_phk_month_wage(claim, wage):
    ContributionMonth.objects.filter(participant=claim.participant, period=PHK_MONTH).update(
        wage=wage
    )


def result_file(batch):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "status", "amount", "bank_reference", "reason"])
    for line in batch.lines.order_by("pk"):
        writer.writerow([line.reference, "paid", line.amount, f"BRI{line.pk:06d}", ""])
    return out.getvalue().encode()
