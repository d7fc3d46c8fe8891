"""Writes for integration clients: issuing and rotating tokens."""

import datetime as dt
import secrets
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from api.models import TOKEN_PREFIX_LENGTH, Grant, IntegrationClient, NikLookup, hash_token
from api.selectors import participants_for_client
from claims import services as claim_services
from claims.models import Claim, ClaimState, Termination
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.models import KantorCabang, User
from jkp_site.core.permissions import ClaimPerm
from participants.models import ContributionMonth, Employer, Employment, Participant

TOKEN_SCHEME = "jkp"  # noqa: S105 (the token prefix's scheme name, not a secret)


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    return prefix, f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"


def _service_permissions(grants: list[str], *, limited_to_branch: bool) -> list[Permission]:
    """What the workflow services require of the service user to act for the client.

    Opening a draft claim needs the intake permission at the claim's branch; a client with no
    branch acts for every branch. The API's own scoping (grants, branch, employer) still
    decides what the client may ask for.
    """
    codenames = []
    if Grant.PHK_WRITE in grants:
        codenames.append(ClaimPerm.INTAKE.split(".", 1)[1])
        if not limited_to_branch:
            codenames.append(ClaimPerm.VIEW_ALL_BRANCHES.split(".", 1)[1])
    return list(Permission.objects.filter(content_type__app_label="claims", codename__in=codenames))


def split_token(token: str) -> str | None:
    """The prefix of a well-formed token, or None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or len(parts[1]) != TOKEN_PREFIX_LENGTH:
        return None
    return parts[1]


@transaction.atomic
def create_integration_client(
    *,
    name: str,
    grants: list[str],
    branch: KantorCabang | None = None,
    employer: Employer | None = None,
) -> tuple[IntegrationClient, str]:
    """Register a system and return it with its token, which is shown this once only.

    Raises ApplicationError for an unknown grant or a name already taken.
    """
    unknown = sorted(set(grants) - set(Grant.values))
    if unknown:
        raise ApplicationError(
            _("Unknown grants: %(grants)s") % {"grants": ", ".join(unknown)}, field="grants"
        )
    if IntegrationClient.objects.filter(name=name).exists():
        raise ApplicationError(_("An integration client with this name exists."), field="name")
    user = get_user_model()(username=f"api-{slugify(name)}"[:150], first_name=name[:150])
    user.set_unusable_password()
    user.branch = branch
    user.save()
    user.user_permissions.set(_service_permissions(grants, limited_to_branch=branch is not None))
    prefix, token = _new_token()
    client = IntegrationClient.objects.create(
        name=name,
        token_prefix=prefix,
        token_hash=hash_token(token),
        grants=sorted(set(grants)),
        branch=branch,
        employer=employer,
        service_user=user,
    )
    return client, token


@transaction.atomic
@transaction.atomic
def rotate_integration_token(*, client: IntegrationClient, acting_user: User) -> str:
    """Replace the token; the old one stops working at once. Needs the change permission on
    integration clients (viewing them is not enough). Recorded in the admin log (who, when,
    which client); the token itself is returned once and stored only as a hash."""
    if not (acting_user.is_active and acting_user.has_perm("api.change_integrationclient")):
        raise PermissionDeniedError(_("You are not allowed to rotate API tokens."))
    client = IntegrationClient.objects.select_for_update().get(pk=client.pk)
    prefix, token = _new_token()
    client.token_prefix = prefix
    client.token_hash = hash_token(token)
    client.save(update_fields=["token_prefix", "token_hash", "updated_at"])
    return token


class _TerminationFields(TypedDict):
    reason: str
    contract_type: str
    contract_end_date: dt.date | None
    proof_number: str
    proof_date: dt.date | None


class _ClaimFields(TypedDict):
    bank_name: str
    bank_account: str
    bank_account_holder: str
    kapk_signed: bool


class ClaimRef(TypedDict):
    number: str
    state: str


class PhkReportResult(TypedDict):
    termination_id: int
    created: bool
    claim: ClaimRef | None


@transaction.atomic
def receive_phk_report(
    *,
    client: IntegrationClient,
    acting_user: User,
    nik: str,
    npp: str,
    phk_date: dt.date,
    reason: str,
    contract_type: str,
    contract_end_date: dt.date | None,
    proof_number: str,
    proof_date: dt.date | None,
    open_claim: bool,
    bank_name: str,
    bank_account: str,
    bank_account_holder: str,
    kapk_signed: bool,
) -> PhkReportResult:
    """Record an employer's PHK report and, when asked, open a draft claim for it.

    A report for the same worker, employer and PHK date updates the earlier one (employers
    resend corrected reports); a draft claim on it is updated through the workflow's
    update_draft, and once a claim has moved past draft its termination is evidence and is no
    longer changed. Raises ApplicationError: `not_found` for a worker or employer unknown or
    outside the client's scope, `not_employed` when the worker never worked for that employer,
    `claim_in_progress`, and whatever open_claim/update_draft refuse.
    Returns {"termination_id", "created", "claim"}.
    """
    participant = (
        participants_for_client(client)
        .filter(nik_index=Participant.index_for(nik))
        .select_for_update()
        .first()
    )
    if participant is None:
        raise ApplicationError(_("No participant with this NIK."), code="not_found", field="nik")
    employer = Employer.objects.filter(npp=npp).first()
    if employer is None or not _employer_in_scope(client, employer):
        raise ApplicationError(_("No employer with this NPP."), code="not_found", field="npp")
    worked_there = (
        Employment.objects.filter(participant=participant, employer=employer).exists()
        or ContributionMonth.objects.filter(participant=participant, employer=employer).exists()
    )
    if not worked_there:
        raise ApplicationError(
            _("This worker has no employment or contribution with this employer."),
            code="not_employed",
            field="npp",
        )
    termination_fields: _TerminationFields = {
        "reason": reason,
        "contract_type": contract_type,
        "contract_end_date": contract_end_date,
        "proof_number": proof_number,
        "proof_date": proof_date,
    }
    claim_fields: _ClaimFields = {
        "bank_name": bank_name,
        "bank_account": bank_account,
        "bank_account_holder": bank_account_holder,
        "kapk_signed": kapk_signed,
    }
    termination = (
        Termination.objects.filter(participant=participant, employer=employer, phk_date=phk_date)
        .select_related("claim")
        .first()
    )
    claim = getattr(termination, "claim", None) if termination is not None else None
    created = termination is None
    if claim is not None:
        if claim.state != ClaimState.DRAFT:
            raise ApplicationError(
                _("A claim on this termination is already being handled; contact the branch."),
                code="claim_in_progress",
            )
        claim = claim_services.update_draft(
            claim_id=claim.pk, acting_user=acting_user, **termination_fields, **claim_fields
        )
        termination = claim.termination
    elif open_claim:
        if termination is not None:
            # The claim brings its own termination; the bare report it replaces would be a
            # second record of the same PHK.
            termination.delete()
        claim = claim_services.open_claim(
            participant=participant,
            employer=employer,
            phk_date=phk_date,
            channel=Claim.Channel.API,
            acting_user=acting_user,
            **termination_fields,
            **claim_fields,
        )
        termination = claim.termination
    elif termination is None:
        termination = Termination(participant=participant, employer=employer, phk_date=phk_date)
        termination.employment = (
            Employment.objects.filter(participant=participant, employer=employer)
            .order_by("-start_date")
            .first()
        )
    for name, value in termination_fields.items():
        setattr(termination, name, value)
    termination.reported_by_employer = True
    termination.save()
    return {
        "termination_id": termination.pk,
        "created": created,
        "claim": {"number": claim.number, "state": claim.state} if claim is not None else None,
    }


def _employer_in_scope(client: IntegrationClient, employer: Employer) -> bool:
    if client.employer_id and employer.pk != client.employer_id:
        return False
    return not (client.branch_id and employer.branch_id != client.branch_id)


def record_nik_lookup(*, client: IntegrationClient, endpoint: str, nik: str, found: bool) -> None:
    """Who looked up whose NIK, when, and what it found (the blind index, never the NIK)."""
    NikLookup.objects.create(
        client=client,
        endpoint=endpoint,
        nik_index=Participant.index_for(nik),
        outcome=NikLookup.Outcome.FOUND if found else NikLookup.Outcome.NOT_FOUND,
    )
