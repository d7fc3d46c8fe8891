import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import translation

from claims.models import InstalmentStatus
from tests.benefits.builders import benefit_claim, set_status

DECIDED = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (the interface default is Indonesian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def payable_claims(branch, other_branch):
    """Three claims (two branches) whose months 1 and 2 are payable: six transfers of 2.4m."""
    claims = [
        benefit_claim(branch=branch, decision_date=DECIDED),
        benefit_claim(branch=branch, decision_date=DECIDED),
        benefit_claim(branch=other_branch, decision_date=DECIDED),
    ]
    for claim in claims:
        set_status(claim, [1, 2], InstalmentStatus.PAYABLE)
    return claims


def result_file(rows, header=("reference", "status", "amount", "bank_reference", "reason")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def paid_rows(batch, **rejected):
    """A bank result for every line: paid, except references given as reference=reason."""
    rows = []
    for line in batch.lines.order_by("pk"):
        reason = rejected.get(line.reference)
        if reason:
            rows.append([line.reference, "rejected", line.amount, "", reason])
        else:
            rows.append([line.reference, "paid", line.amount, f"BRI{line.pk:06d}", ""])
    return rows
