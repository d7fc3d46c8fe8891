"""Reads for integration clients: everything a token sees goes through these, scoped.

A client limited to a branch sees that branch's claims and the participants employed by (or
contributing through) its employers; a client limited to an employer sees that employer's.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import IntegrationClient
from claims.models import CaseEvent, CashInstalment, Claim, ClaimState, Termination
from claims.rules import (
    NoRuleVersionError,
    ScenarioError,
    evaluate,
    parse_scenario,
    version_by_code,
)
from claims.services import History, build_scenario, read_history
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.scoping import branch_q
from participants.models import ContributionMonth, Employer, Employment, Participant


def claims_for_client(client: IntegrationClient) -> QuerySet[Claim]:
    qs = Claim.objects.all()
    if client.branch_id:
        qs = qs.filter(branch_q(client.branch_id))
    if client.employer_id:
        qs = qs.filter(termination__employer_id=client.employer_id)
    return qs


def _employer_filter(client: IntegrationClient) -> Q:
    """The employers a limited client covers (an empty Q: every one)."""
    employer_filter = Q()
    if client.branch_id:
        employer_filter &= branch_q(client.branch_id, "employer__")
    if client.employer_id:
        employer_filter &= Q(employer_id=client.employer_id)
    return employer_filter


def participants_for_client(client: IntegrationClient) -> QuerySet[Participant]:
    """The workers employed by, or who contributed at, one of the client's employers."""
    qs = Participant.objects.all()
    employer_filter = _employer_filter(client)
    if employer_filter:
        employed = Employment.objects.filter(employer_filter, participant_id=OuterRef("pk"))
        contributed = ContributionMonth.objects.filter(
            employer_filter, participant_id=OuterRef("pk")
        )
        qs = qs.filter(Exists(employed) | Exists(contributed))
    return qs


def participant_for_client(*, client: IntegrationClient, nik: str) -> Participant | None:
    """The worker with this NIK if among ``participants_for_client``: found by the NIK's index,
    then asked of that one worker, the employment first and the contribution months (every
    month's partition) only without one."""
    participant = Participant.objects.filter(nik_index=Participant.index_for(nik)).first()
    employer_filter = _employer_filter(client)
    if participant is None or not employer_filter:
        return participant
    mine = Q(employer_filter, participant=participant)
    if Employment.objects.filter(mine).exists() or ContributionMonth.objects.filter(mine).exists():
        return participant
    return None


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


# An event is stamped (created_at) just before it is written and numbered (id): the two orders
# can disagree only by the moment between, far less than this.
EVENT_CLOCK_SKEW = dt.timedelta(hours=1)


def changes_for_client(*, client: IntegrationClient, since: dt.datetime) -> QuerySet[CaseEvent]:
    """The client's events after `since`, by id. Every event stamped after `since` was written
    after the last event stamped an hour or more before `since`, so the feed starts after that
    event's id (one probe of the (created_at, id) index) and reads on along the primary key
    joined to the claim: a page costs the same however long the history."""
    start = (
        CaseEvent.objects.filter(created_at__lte=since - EVENT_CLOCK_SKEW)
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )
    events = CaseEvent.objects.filter(
        created_at__gt=since, id__gt=Coalesce(Subquery(start), Value(0))
    )
    if client.branch_id:
        events = events.filter(branch_q(client.branch_id, "claim__"))
    if client.employer_id:
        events = events.filter(claim__termination__employer_id=client.employer_id)
    return events.select_related("claim__branch").order_by("id")


def eligibility_summary(*, participant: Participant, request: dict) -> dict:
    """The programmes, the contribution figures, the claims and, when the request names a
    termination, the engine's evaluation of it, from one reading of the participant's history
    (``read_history``, one query) and of its last employer."""
    reference = request.get("phk_date") or timezone.localdate()
    history = read_history(participant.pk, until=reference)
    latest_paid_by = history.contributions[-1][2] if history.contributions else None
    employers = Employer.objects.in_bulk(
        {pk for pk in (history.last_employer_id, latest_paid_by) if pk is not None}
    )
    # The employer of the latest employment, else of the latest paid month.
    employer = employers.get(history.last_employer_id or latest_paid_by)
    return {
        "enrollments": sorted(program for program, _since, _until in history.enrollments),
        "contributions": _contribution_summary(
            participant, employer, history, reference, employers.get(latest_paid_by)
        ),
        **_claims_summary(history.claims),
        "evaluation": _evaluation(participant, employer, history, request),
    }


def _contribution_summary(
    participant: Participant,
    employer: Employer | None,
    history: History,
    reference: dt.date,
    latest_paid_by: Employer | None,
) -> dict:
    """The contribution figures the rules engine counts for a PHK in ``reference``'s month:
    the paid months in its window (arrears the employer owes included, D13) and the run of
    consecutive months it reads (D2), so the API never counts by a rule of its own. The latest
    paid month comes from the history itself, ``latest_paid_by`` is its employer."""
    latest = history.contributions[-1] if history.contributions else None
    checks = _engine_checks(participant, employer, history, reference)
    window_end = reference.replace(day=1)
    window = checks["window_months"]
    window_start = window_end - relativedelta(months=window - 1)
    return {
        "months_paid_in_window": checks["contribution_months"],
        "window_start": f"{window_start:%Y-%m}",
        "window_end": f"{window_end:%Y-%m}",
        "consecutive_months": checks["consecutive_months"],
        "latest_period": f"{latest[0]:%Y-%m}" if latest else None,
        "latest_wage": latest[1] if latest else None,
        "latest_employer_npp": latest_paid_by.npp if latest_paid_by else None,
    }


def _engine_checks(
    participant: Participant, employer: Employer | None, history: History, reference: dt.date
) -> dict[str, int]:
    """The engine's contribution figures for a hypothetical PHK on ``reference``."""
    if employer is None:
        return {"contribution_months": 0, "consecutive_months": 0, "window_months": 24}
    termination = Termination(
        participant=participant,
        employer=employer,
        phk_date=reference,
        reason="efficiency",
        contract_type="PKWTT",
    )
    hypothetical = Claim(participant=participant, termination=termination, claim_date=reference)
    try:
        decision = evaluate(
            parse_scenario(build_scenario(hypothetical, on=reference, history=history))
        )
    except (ScenarioError, NoRuleVersionError) as exc:
        raise ApplicationError(
            str(exc), code="invalid_scenario", field=getattr(exc, "field", None)
        ) from None
    values = {check.code: check.value for check in decision.checks}
    return {
        "contribution_months": int(values.get("contribution_months") or 0),
        "consecutive_months": int(values.get("consecutive_months") or 0),
        "window_months": int(version_by_code(decision.rule_version).value("window_months")),
    }


def _claims_summary(claims: tuple[tuple[int, str, dt.date, str], ...]) -> dict:
    """From the history's claims (pk, state, PHK date, number), newest first."""
    open_claim = next(
        (
            {"number": number, "state": state}
            for _pk, state, _day, number in claims
            if state not in ClaimState.CLOSED
        ),
        None,
    )
    return {
        "approved_claims": sum(
            1 for _pk, state, _day, _number in claims if state in ClaimState.BENEFIT
        ),
        "open_claim": open_claim,
    }


def _evaluation(
    participant: Participant, employer: Employer | None, history: History, request: dict
) -> dict | None:
    """The rules engine on the termination described in the request, claimed today.

    None when the request names no termination; ApplicationError if the engine refuses it.
    The scenario comes from the workflow's own builder (on an unsaved claim), so an
    integrating system sees the checks an officer would.
    """
    if "phk_date" not in request:
        return None
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
    inputs = build_scenario(hypothetical, on=today, history=history)
    try:
        return evaluate(parse_scenario(inputs)).to_dict()
    except (ScenarioError, NoRuleVersionError) as exc:
        field = getattr(exc, "field", None)
        raise ApplicationError(str(exc), code="invalid_scenario", field=field) from None
