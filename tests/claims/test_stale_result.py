"""Rulings and imports reach open cases: a frozen result that would now come out differently
is marked stale on the case and approval pages, with a re-run offered; a decided case is never
judged again here."""

import pytest

from claims import services
from claims.models import ClaimState as S
from participants.models import ContributionMonth

pytestmark = pytest.mark.django_db


def shows_stale(client, user, claim, page="") -> bool:
    client.force_login(user)
    return 'id="stale-result"' in client.get(f"/claims/{claim.pk}/{page}").content.decode()


def test_a_changed_history_marks_the_result_stale_until_it_is_run_again(
    client, make_claim, officer, supervisor
):
    claim = make_claim(S.AWAITING_APPROVAL)
    assert not shows_stale(client, officer, claim)
    # An import corrects the history: most months were never paid.
    months = ContributionMonth.objects.filter(participant=claim.participant).order_by("-period")
    ContributionMonth.objects.filter(pk__in=list(months.values_list("pk", flat=True)[3:])).delete()

    assert shows_stale(client, officer, claim)
    assert shows_stale(client, supervisor, claim, "approval/")
    services.run_eligibility(claim_id=claim.pk, acting_user=officer)
    assert not shows_stale(client, officer, claim)


def test_a_decided_case_is_never_marked(client, make_claim, officer):
    claim = make_claim(S.APPROVED)
    ContributionMonth.objects.filter(participant=claim.participant).delete()
    assert not shows_stale(client, officer, claim)
