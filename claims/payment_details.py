"""Where a claim's money goes: the account holder's name, changes under four eyes, and
duplicate identities.

- The account must be in the worker's own name (KAPK with "an active bank account in the
  participant's own name", jkp-rules.md §3.3): ``holder_matches`` forgives case, spacing,
  punctuation and the usual honorifics and titles, and nothing else.
- Before a claim is submitted, the worker's or officer's own entry applies at once. After it,
  a change of account is asked by one person and takes effect only when a second person of
  the branch with the same permission confirms it (``request_bank_account_change``,
  ``decide_bank_account_change``); the worker is told and the timeline shows every step.
- A bank account, phone or e-mail that is also another participant's raises an
  ``IdentityFlag`` before approval and before any transfer is gathered or exported; money is
  held until a supervisor clears the flag with a reason. People are not blocked: the claim
  can still be decided.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from claims import workflow
from claims.models import (
    BankAccountChange,
    CashInstalment,
    Claim,
    ClaimState,
    IdentityFlag,
    InstalmentStatus,
    Underpayment,
)
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.permissions import ClaimPerm
from participants.models import Participant, bank_account_index

if TYPE_CHECKING:
    from jkp_site.core.models import User

_DIGITS = re.compile(r"^\d{5,30}$")
# Forms of address and degrees people put before or after a name on a bank book. Any of them
# may be left out or added; every other word must match, in order.
HONORIFICS = frozenset(
    {
        "bapak", "bpk", "bp", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari",
        "tn", "tuan", "ny", "nyonya", "nn", "nona", "h", "hj", "haji", "hajah", "hajjah",
        "dr", "drs", "dra", "ir", "prof", "st", "se", "sh", "mh", "mm", "mt", "msi",
        "amd", "skom", "spd", "sked", "ssos", "ssi", "ak", "mr", "mrs", "ms",
    }
)  # fmt: skip


def _name_words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub("[.,'`\u2019]", "", text)
    words = re.split(r"[\s\-/]+", text)
    return [word for word in words if word and word not in HONORIFICS]


def holder_matches(holder: str, participant_name: str) -> bool:
    """Whether an account holder's name is the participant's own name."""
    words = _name_words(holder)
    return bool(words) and words == _name_words(participant_name)


def _clean_account(bank_name: str, bank_account: str, account_holder: str) -> tuple[str, str, str]:
    account = "".join(bank_account.split())
    if not _DIGITS.match(account):
        raise ApplicationError(
            gettext("The account number must be 5 to 30 digits."), field="bank_account"
        )
    if not bank_name.strip():
        raise ApplicationError(gettext("Give the bank."), field="bank_name")
    if not account_holder.strip():
        raise ApplicationError(gettext("The account holder is required."), field="account_holder")
    return bank_name.strip(), account, " ".join(account_holder.split())


def check_holder(claim: Claim, account_holder: str) -> None:
    """Refuse an account that is not in the worker's own name, with a clear message."""
    if not holder_matches(account_holder, claim.participant.name):
        raise ApplicationError(
            gettext(
                "The account must be in the worker's own name: %(holder)s is not %(name)s. "
                "Ask the worker for an account in their own name."
            )
            % {"holder": account_holder, "name": claim.participant.name},
            field="account_holder",
            code="holder_mismatch",
        )


def _apply(claim: Claim, change: BankAccountChange) -> None:
    claim.bank_name = change.bank_name
    claim.bank_account = change.bank_account
    claim.bank_account_holder = change.account_holder
    claim.save(update_fields=["bank_name", "bank_account", "bank_account_holder", "updated_at"])
    # Transfers the bank returned can go out again, to the account now confirmed.
    CashInstalment.objects.filter(claim=claim, status=InstalmentStatus.REJECTED).update(
        status=InstalmentStatus.PAYABLE,
        status_reason=gettext("Bank account corrected; payable again."),
        updated_at=timezone.now(),
    )
    claim.underpayments.filter(status=Underpayment.Status.REJECTED).update(
        status=Underpayment.Status.PAYABLE, updated_at=timezone.now()
    )
    raise_identity_flags(claim)


def _lock(claim_id: int) -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("branch", "participant")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise ApplicationError(gettext("This claim does not exist."), code="not_found")
    return claim


def _require(user: User, claim: Claim) -> None:
    if not (
        user.is_active
        and user.has_perm(ClaimPerm.CHANGE_PAYMENT_DETAILS)
        and workflow.in_claim_branch(user, claim)
    ):
        raise PermissionDeniedError(
            gettext("You are not allowed to change where this claim's money goes.")
        )


@transaction.atomic
def request_bank_account_change(
    *,
    claim_id: int,
    acting_user: User,
    bank_name: str,
    bank_account: str,
    account_holder: str,
    note: str = "",
) -> BankAccountChange:
    """Ask for a new account on a submitted claim; a second person confirms it.

    Only staff of the claim's branch with ``change_payment_details`` (officers and
    supervisors) may ask, whoever the caller. The holder must be the worker
    (``holder_matches``). One open request per claim. Writes a case event (the account number
    itself never goes into an event, only its last four digits) and tells the worker.
    """
    claim = _lock(claim_id)
    _require(acting_user, claim)
    bank_name, account, holder = _clean_account(bank_name, bank_account, account_holder)
    check_holder(claim, holder)
    if claim.state in ClaimState.TERMINAL:
        raise ApplicationError(gettext("This case is closed; its account cannot change."))
    if claim.bank_changes.filter(state=BankAccountChange.State.PENDING).exists():
        raise ApplicationError(
            gettext("A change of account already waits for confirmation on this claim."),
            code="pending_change",
        )
    change = BankAccountChange.objects.create(
        claim=claim,
        bank_name=bank_name,
        bank_account=account,
        account_holder=holder,
        note=note.strip()[:255],
        requested_by=acting_user,
    )
    workflow.record_event(
        claim,
        actor=acting_user,
        action="bank_account_change_requested",
        note=note,
        data={"change": change.pk, "bank": bank_name, "account_end": account[-4:]},
    )
    return change


@transaction.atomic
def decide_bank_account_change(
    *, change_id: int, acting_user: User, confirm: bool, note: str = ""
) -> BankAccountChange:
    """Confirm (the account takes effect) or refuse a pending change, as the second person.

    The decider has the same permission at the claim's branch and is not the person who asked
    (the database holds that too). Confirming makes bank-rejected instalments and underpayments
    payable again and checks the new account against other participants.
    """
    change = BankAccountChange.objects.select_related("claim").filter(pk=change_id).first()
    if change is None:
        raise ApplicationError(gettext("This change does not exist."), code="not_found")
    claim = _lock(change.claim_id)
    change = BankAccountChange.objects.select_for_update().get(pk=change.pk)
    _require(acting_user, claim)
    if change.state != BankAccountChange.State.PENDING:
        raise ApplicationError(gettext("This change was already decided."), code="decided")
    if change.requested_by_id == acting_user.pk:
        raise PermissionDeniedError(
            gettext("Four eyes: another person must confirm the change you asked for."),
            code="four_eyes",
        )
    if not confirm and not note.strip():
        raise ApplicationError(gettext("Say why the change is refused."), field="note")
    change.state = BankAccountChange.State.APPLIED if confirm else BankAccountChange.State.REFUSED
    change.decided_by = acting_user
    change.decided_at = timezone.now()
    change.decision_note = note.strip()[:255]
    change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if confirm:
        _apply(claim, change)
    workflow.record_event(
        claim,
        actor=acting_user,
        action="bank_account_changed" if confirm else "bank_account_change_refused",
        note=note,
        data={
            "change": change.pk,
            "bank": change.bank_name,
            "account_end": change.bank_account[-4:],
            "asked_by": change.requested_by_id,
        },
    )
    return change


def record_own_entry(*, claim: Claim, acting_user: User) -> None:
    """The account entered with a claim not yet submitted (the draft): recorded as applied,
    so the claim's account history is complete. The caller holds the claim's lock."""
    if not claim.bank_account:
        return
    BankAccountChange.objects.create(
        claim=claim,
        bank_name=claim.bank_name,
        bank_account=claim.bank_account,
        account_holder=claim.bank_account_holder,
        requested_by=acting_user,
        state=BankAccountChange.State.APPLIED,
        decided_at=timezone.now(),
        note=gettext("Entered with the claim before it was submitted."),
    )


def pending_change(claim: Claim) -> BankAccountChange | None:
    return claim.bank_changes.filter(state=BankAccountChange.State.PENDING).first()


# --- Duplicate identities ---------------------------------------------------------------------


def _others_sharing(claim: Claim) -> list[tuple[str, int]]:
    """(kind, other participant) for each of the claim's account, phone and e-mail that
    another participant also has (on their record or on one of their claims)."""
    participant = claim.participant
    hits: list[tuple[str, int]] = []
    account_index = claim.bank_account_index or bank_account_index(claim.bank_account)
    if account_index:
        on_record = Participant.objects.filter(bank_account_index=account_index)
        on_claims = Claim.objects.filter(bank_account_index=account_index).values("participant_id")
        for other in (
            Participant.objects.filter(Q(pk__in=on_record.values("pk")) | Q(pk__in=on_claims))
            .exclude(pk=participant.pk)
            .values_list("pk", flat=True)
        ):
            hits.append((IdentityFlag.Kind.BANK_ACCOUNT, other))
    contacts = (
        (IdentityFlag.Kind.PHONE, "phone", participant.phone.strip()),
        (IdentityFlag.Kind.EMAIL, "email__iexact", participant.email.strip()),
    )
    for kind, lookup, value in contacts:
        if not value:
            continue
        for other in (
            Participant.objects.filter(**{lookup: value})
            .exclude(pk=participant.pk)
            .values_list("pk", flat=True)
        ):
            hits.append((kind, other))
    return hits


def raise_identity_flags(claim: Claim) -> list[IdentityFlag]:
    """Flag every identity detail the claim shares with another participant (once each).

    Returns the flags still open on the claim. Called before approval, when an account takes
    effect, and before transfers are gathered and exported.
    """
    for kind, other in _others_sharing(claim):
        _flag(claim, kind, other)
        # The other participant's live cases share the detail too: hold their money as well.
        for other_claim in Claim.objects.filter(participant_id=other).exclude(
            state__in=ClaimState.CLOSED
        ):
            _flag(other_claim, kind, claim.participant_id)
    return list(open_flags(claim))


def _flag(claim: Claim, kind: str, other_participant_id: int) -> None:
    flag, created = IdentityFlag.objects.get_or_create(
        claim=claim, kind=kind, other_participant_id=other_participant_id
    )
    if created:
        workflow.record_event(
            claim, actor=None, action="identity_flag_raised", data={"flag": flag.pk, "kind": kind}
        )


def shared_account_claims(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Those of ``claims`` whose account index another participant also has (one query)."""
    shared = (
        Claim.objects.exclude(bank_account_index="")
        .values("bank_account_index")
        .annotate(people=Count("participant_id", distinct=True))
        .filter(people__gt=1)
        .values("bank_account_index")
    )
    on_records = Participant.objects.filter(
        bank_account_index=OuterRef("bank_account_index")
    ).exclude(pk=OuterRef("participant_id"))
    return (
        claims.exclude(bank_account_index="")
        .filter(Q(bank_account_index__in=shared) | Exists(on_records))
        .select_related("participant")
    )


def open_flags(claim: Claim) -> QuerySet[IdentityFlag]:
    return claim.identity_flags.filter(cleared_at__isnull=True).select_related("other_participant")


def claims_with_open_flags() -> QuerySet[Claim]:
    return Claim.objects.filter(identity_flags__cleared_at__isnull=True)


@transaction.atomic
def clear_identity_flag(*, flag_id: int, acting_user: User, reason: str) -> IdentityFlag:
    """A supervisor of the branch clears a flag after checking, with a reason (audited)."""
    flag = IdentityFlag.objects.select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise ApplicationError(gettext("This flag does not exist."), code="not_found")
    claim = _lock(flag.claim_id)
    if not (
        acting_user.is_active
        and acting_user.has_perm(ClaimPerm.CLEAR_IDENTITY_FLAG)
        and workflow.in_claim_branch(acting_user, claim)
    ):
        raise PermissionDeniedError(gettext("You are not allowed to clear this flag."))
    if flag.cleared_at is not None:
        raise ApplicationError(gettext("This flag was already cleared."), code="cleared")
    if not reason.strip():
        raise ApplicationError(gettext("Say why the flag can be cleared."), field="reason")
    flag.cleared_by = acting_user
    flag.cleared_at = timezone.now()
    flag.clear_reason = reason.strip()[:255]
    flag.save(update_fields=["cleared_by", "cleared_at", "clear_reason"])
    workflow.record_event(
        claim,
        actor=acting_user,
        action="identity_flag_cleared",
        note=reason,
        data={"flag": flag.pk, "kind": flag.kind},
    )
    return flag
