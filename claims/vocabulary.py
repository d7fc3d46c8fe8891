"""The workflow's vocabulary: coded reasons and case-event actions, with their labels.

Codes are stable (the database, the API, the reports and the timeline store them); labels are
translated. It sits below the workflow so that everything that tells about a case (the
transition table, the notifications, the timeline, the reports) reads one list.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimState


class WithdrawReason(models.TextChoices):
    CLAIMANT_REQUEST = "claimant_request", _("The worker asked to withdraw")
    DUPLICATE = "duplicate", _("Duplicate of another claim")
    FOUND_WORK = "found_work", _("The worker found a new job")
    OTHER = "other", _("Other (see note)")


class ReturnReason(models.TextChoices):
    DOCUMENTS_MISSING = "documents_missing", _("Documents missing")
    DOCUMENTS_ILLEGIBLE = "documents_illegible", _("Documents unreadable or invalid")
    BANK_ACCOUNT = "bank_account", _("Bank account not in the worker's name")
    DATA_CORRECTION = "data_correction", _("Termination data needs correcting")
    OTHER = "other", _("Other (see note)")


class RejectReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Not eligible under the rules")
    DEADLINE_PASSED = "deadline_passed", _("Claimed after the deadline")
    PROOF_INVALID = "proof_invalid", _("Proof of PHK not valid")
    EXCLUDED_REASON = "excluded_reason", _("Termination reason is excluded")
    FRAUD_SUSPECTED = "fraud_suspected", _("Suspected fraud")
    OTHER = "other", _("Other (see note)")


class StopReason(models.TextChoices):
    REEMPLOYED = "reemployed", _("Re-employed")
    DEATH = "death", _("Death of the beneficiary")
    FRAUD = "fraud", _("Fraud")
    CLAIMANT_REQUEST = "claimant_request", _("At the beneficiary's request")
    OTHER = "other", _("Other (see note)")


ACTION_LABELS = {
    "open": _("Claim opened"),
    "update_draft": _("Draft updated"),
    "document_added": _("Document uploaded"),
    "document_checked": _("Document checked"),
    "document_removed": _("Document removed before verification"),
    "document_replaced": _("Document replaced before verification"),
    "submit": _("Submitted"),
    "withdraw": _("Withdrawn"),
    "start_verification": _("Verification started"),
    "return": _("Returned"),
    "run_eligibility": _("Eligibility checked"),
    "eligibility_rerun": _("Eligibility re-run"),
    "recommend": _("Recommendation made"),
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "appeal": _("Appeal (keberatan) filed"),
    "reopen": _("Reopened for a new decision"),
    "activate_benefit": _("Benefit started"),
    "stop_benefit": _("Benefit stopped"),
    "complete_benefit": _("Benefit completed"),
    "reassign": _("Reassigned"),
    "take": _("Taken from the queue"),
    # Benefits and payments (benefits.conditions, benefits.payments)
    "instalment_payable": _("Monthly cash payable"),
    "instalment_not_paid": _("Monthly cash not paid: condition not met"),
    "instalment_paid": _("Monthly cash paid"),
    "instalment_rejected": _("Transfer rejected by the bank"),
    "bank_account_change_requested": _("Change of bank account asked (waits for a second person)"),
    "bank_account_changed": _("New bank account confirmed"),
    "bank_account_change_refused": _("Change of bank account refused"),
    "notification_resent": _("Notification sent again"),
    "identity_flag_raised": _("Duplicate identity found: payments held"),
    "identity_flag_cleared": _("Duplicate-identity flag cleared"),
    "documents_removed": _("Document files removed after the retention period"),
    "letter_issued": _("Letter issued"),
    # Reassessment and recovery (claims.reassessment, claims.recovery)
    "reassessed": _("Reassessed"),
    "underpayment_paid": _("Underpayment paid"),
    "underpayment_rejected": _("Underpayment transfer rejected by the bank"),
    "instalment_offset": _("Monthly cash set off against the debt"),
    "recovery_plan_proposed": _("Recovery plan proposed (waits for a second supervisor)"),
    "recovery_plan_approved": _("Recovery plan approved"),
    "recovery_plan_refused": _("Recovery plan refused"),
    "debt_written_off": _("Debt written off"),
    "debt_objected": _("The worker objected to the debt: recovery paused"),
    "debt_objection_answered": _("Objection to the debt answered"),
    "repayment_received": _("Repayment received"),
    "repayment_added": _("Repayment added: the instalments no longer cover the plan's offsets"),
    "debt_recovered": _("Debt recovered"),
    # Labour-market information and training (training.services)
    "activity_self_assessment": _("Self-assessment done"),
    "activity_counselling": _("Counselling session recorded"),
    "activity_vacancy_shared": _("Vacancy shared"),
    "activity_job_application": _("Job application reported"),
    "activity_interview": _("Selection test or interview reported"),
    "activity_employment_status": _("Employment-status form filled in"),
    "counselling_scheduled": _("Counselling scheduled"),
    "counselling_done": _("Counselling held"),
    "counselling_no_show": _("Counselling missed (no-show)"),
    "counselling_cancelled": _("Counselling cancelled"),
    "reemployment_reported": _("New job reported"),
    "training_referred": _("Referred to training"),
    "training_accepted": _("Training offer accepted by the worker"),
    "training_enrolled": _("Enrolled in training"),
    "training_attendance": _("Training attendance recorded"),
    "training_completed": _("Training completed"),
    "training_declined": _("Training declined"),
    "training_dropped": _("Training dropped"),
}

ALL_REASONS: dict[str, Any] = {
    **dict(WithdrawReason.choices),
    **dict(ReturnReason.choices),
    **dict(RejectReason.choices),
    **dict(StopReason.choices),
}


def state_label(code: str) -> str:
    """A claim state's label; a code that is not a state (an empty "from") as it is."""
    return str(ClaimState(code).label) if code in ClaimState.values else code


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def reason_label(code: str) -> str:
    return str(ALL_REASONS.get(code, code))
