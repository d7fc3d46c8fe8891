"""Reads for integration clients: everything a token sees goes through these, scoped.

A client limited to a branch sees that branch's claims and the participants employed by (or
contributing through) its employers; a client limited to an employer sees that employer's.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import IntegrationClient
from claims.models import CaseEvent, CashInstalment, Claim, ClaimState, Termination
from claims.rules import NoRuleVersionError, ScenarioError, evaluate, parse_scenario
from claims.services import build_scenario
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.scoping import branch_q
from participants.models import ContributionMonth, Employer, Employment, Participant

WINDOW_MONTHS = 24


def claims_for_client(client: IntegrationClient) -> QuerySet[Claim]:
    qs = Claim.objects.all()
    if client.branch_id:
        qs = qs.filter(branch_q(client.branch_id))
    if client.employer_id:
        qs = qs.filter(termination__employer_id=client.employer_id)
    return qs


def participants_for_client(client: IntegrationClient) -> QuerySet[Participant]:
    qs = Participant.objects.all()
    employer_filter = Q()
    if client.branch_id:
        employer_filter &= branch_q(client.branch_id, "employer__")
    if client.employer_id:
        employer_filter &= Q(employer_id=client.employer_id)
    if employer_filter:
        employed = Employment.objects.filter(employer_filter, participant_id=OuterRef("pk"))
        contributed = ContributionMonth.objects.filter(
            employer_filter, participant_id=OuterRef("pk")
        )
        qs = qs.filter(Exists(employed) | Exists(contributed))
    return qs


def participant_for_client(*, client: IntegrationClient, nik: str) -> Participant | None:
    return (
        participants_for_client(client)
        .filter(nik_index=Participant.index_for(nik))
        .prefetch_related("enrollments")
        .first()
    )


def claim_status_for_client(*, client: IntegrationClient, number: str) -> Claim | None:
    return (
        claims_for_client(client)
        .select_related("branch", "termination")
        .prefetch_related(
            Prefetch("instalments", queryset=CashInstalment.objects.order_by("month"))
        )
        .filter(number=number)
        .first()
    )


def changes_for_client(*, client: IntegrationClient, since: dt.datetime) -> QuerySet[CaseEvent]:
    return (
        CaseEvent.objects.filter(claim__in=claims_for_client(client), created_at__gt=since)
        .select_related("claim__branch")
        .order_by("id")
    )


def contribution_summary(*, participant: Participant, reference: dt.date) -> dict:
    """Paid months in the 24-month window ending with `reference`'s month, and the run of
    consecutive months ending with the latest paid month (what an officer reads first)."""
    window_end = reference.replace(day=1)
    window_start = window_end - relativedelta(months=WINDOW_MONTHS - 1)
    rows = list(
        ContributionMonth.objects.filter(participant=participant, period__lte=window_end)
        .order_by("-period")
        .values_list("period", "wage", "employer__npp")[: WINDOW_MONTHS * 4]
    )
    in_window = sum(1 for period, _wage, _npp in rows if period >= window_start)
    consecutive = 0
    expected = rows[0][0] if rows else None
    for period, _wage, _npp in rows:
        if period != expected:
            break
        consecutive += 1
        expected = period - relativedelta(months=1)
    latest = rows[0] if rows else None
    return {
        "months_paid_in_window": in_window,
        "window_start": f"{window_start:%Y-%m}",
        "window_end": f"{window_end:%Y-%m}",
        "consecutive_months": consecutive,
        "latest_period": f"{latest[0]:%Y-%m}" if latest else None,
        "latest_wage": latest[1] if latest else None,
        "latest_employer_npp": latest[2] if latest else None,
    }


def claims_summary(*, participant: Participant) -> dict:
    claims = list(
        Claim.objects.filter(participant=participant)
        .order_by("-created_at")
        .values_list("number", "state")
    )
    open_claim = next(
        ({"number": n, "state": s} for n, s in claims if s not in ClaimState.CLOSED), None
    )
    return {
        "approved_claims": sum(1 for _n, s in claims if s in ClaimState.BENEFIT),
        "open_claim": open_claim,
    }


def evaluation_for(*, participant: Participant, request: dict) -> dict | None:
    """The rules engine on the termination described in the request, claimed today.

    None when the request names no termination; ApplicationError if the engine refuses it.
    The scenario comes from the workflow's own builder (on an unsaved claim), so an
    integrating system sees the checks an officer would.
    """
    if "phk_date" not in request:
        return None
    employer = _last_employer(participant)
    if employer is None:
        raise ApplicationError(
            _("No employer is known for this participant."), code="no_employer", field="nik"
        )
    termination = Termination(
        participant=participant,
        employer=employer,
        phk_date=request["phk_date"],
        reason=request["reason"],
        contract_type=request["contract_type"],
        contract_end_date=request.get("contract_end_date"),
    )
    today = timezone.localdate()
    hypothetical = Claim(participant=participant, termination=termination, claim_date=today)
    inputs = build_scenario(hypothetical, on=today)
    try:
        return evaluate(parse_scenario(inputs)).to_dict()
    except (ScenarioError, NoRuleVersionError) as exc:
        field = getattr(exc, "field", None)
        raise ApplicationError(str(exc), code="invalid_scenario", field=field) from None


def _last_employer(participant: Participant) -> Employer | None:
    employment = (
        Employment.objects.filter(participant=participant)
        .select_related("employer")
        .order_by("-start_date", "-pk")
        .first()
    )
    if employment is not None:
        return employment.employer
    latest = (
        ContributionMonth.objects.filter(participant=participant)
        .select_related("employer")
        .order_by("-period")
        .first()
    )
    return latest.employer if latest is not None else None
