"""What the worker is told about their case, in words meant for them: the notifications.

Internal state names ("eligibility_checked", "awaiting_approval") and staff actions
(reassigning, taking a case from the queue) are not the worker's business: each case event is
either translated into a sentence a worker understands or left out. The same wording serves the
portal's timeline and notification list and the notification e-mails (``worker_email``, sent by
``claims.tasks.notify_case_event_task``), so the three never disagree. The portal reads this
module; the domain never calls the portal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import CaseEvent, Claim, ClaimState, Document
from claims.vocabulary import reason_label
from jkp_site.core.money import format_rupiah

S = ClaimState

# Coded reasons of the workflow (claims.vocabulary), in the worker's words. Codes not listed fall
# back to the workflow's own label, which is already plain language.
REASON_WORDS = {
    "documents_missing": gettext_lazy("a document is missing"),
    "documents_illegible": gettext_lazy("a document could not be read or is not valid"),
    "bank_account": gettext_lazy("the bank account must be in your own name"),
    "data_correction": gettext_lazy("the details of your PHK need correcting"),
    "not_eligible": gettext_lazy("you do not meet the conditions of the rules"),
    "deadline_passed": gettext_lazy("the claim was made after the deadline"),
    "proof_invalid": gettext_lazy("the proof of your PHK is not valid"),
    "excluded_reason": gettext_lazy("the reason your work ended is not covered by JKP"),
    "fraud_suspected": gettext_lazy("the information given could not be trusted"),
    "reemployed": gettext_lazy("you started a new job"),
    "death": gettext_lazy("the beneficiary passed away"),
    "claimant_request": gettext_lazy("you asked for it"),
    "found_work": gettext_lazy("you found a new job"),
    "duplicate": gettext_lazy("another claim covers the same PHK"),
}


def reason_words(code: str) -> str:
    if not code:
        return ""
    if code in REASON_WORDS:
        return str(REASON_WORDS[code])
    return reason_label(code)


@dataclass(frozen=True)
class WorkerMessage:
    """One thing that happened, told to the worker. `tone`: info, success, warning, danger."""

    title: str
    detail: str = ""
    tone: str = "info"
    notify: bool = False
    lines: tuple[str, ...] = field(default=())


def _requested_again(event: CaseEvent) -> bool:
    return (event.data or {}).get("accepted") is False


def _doc_type_label(event: CaseEvent) -> str:
    code = (event.data or {}).get("doc_type", "")
    try:
        return str(Document.Type(code).label)
    except ValueError:
        return _("a document")


def message_for(event: CaseEvent) -> WorkerMessage | None:
    """The worker's sentence for one case event, or None when it is internal."""
    action, target = event.action, event.to_state
    reason = reason_words(event.reason_code)
    note = event.note.strip()
    by_worker = event.actor_id is not None and event.actor_id == event.claim.participant.user_id

    if action == "open":
        if event.claim.channel == Claim.Channel.PORTAL:
            return WorkerMessage(_("You started a claim in the portal."))
        return WorkerMessage(_("Your claim was opened at the branch."))
    if action == "document_added":
        who = _("You uploaded") if by_worker else _("The branch added")
        return WorkerMessage(f"{who}: {_doc_type_label(event)}.")
    if action == "document_removed":
        who = _("You removed") if by_worker else _("The branch removed")
        return WorkerMessage(f"{who}: {_doc_type_label(event)}.")
    if action == "document_replaced":
        who = _("You replaced") if by_worker else _("The branch replaced")
        return WorkerMessage(f"{who}: {_doc_type_label(event)}.")
    if action == "document_checked":
        if _requested_again(event):
            return WorkerMessage(
                _("Please upload this document again: %(doc)s.") % {"doc": _doc_type_label(event)},
                detail=note,
                tone="warning",
                notify=True,
            )
        return None
    if action == "submit":
        return WorkerMessage(
            _("Your claim was sent to the branch. An officer will check your documents."),
            tone="success",
            notify=True,
        )
    if action == "start_verification":
        return WorkerMessage(_("An officer started checking your documents and PHK proof."))
    if action == "return" and target == S.DRAFT:
        text = _("Your claim was sent back to you: %(reason)s.") % {"reason": reason}
        return WorkerMessage(
            text,
            detail=note,
            tone="warning",
            notify=True,
            lines=(_("Correct it or upload the documents asked for, then send it again."),),
        )
    if action == "return":
        return WorkerMessage(_("The branch is checking your case again before the decision."))
    if action in ("run_eligibility", "eligibility_rerun"):
        return WorkerMessage(_("Your contributions were checked against the JKP rules."))
    if action == "recommend":
        return WorkerMessage(
            _("Your case is complete and waits for the branch supervisor's decision."),
            notify=True,
        )
    if action == "approve":
        return WorkerMessage(
            _("Your claim was approved. Your JKP benefit will start."),
            tone="success",
            notify=True,
        )
    if action == "reject":
        return WorkerMessage(
            _("Your claim was rejected: %(reason)s.") % {"reason": reason},
            detail=note,
            tone="danger",
            notify=True,
        )
    if action == "appeal":
        return WorkerMessage(_("You filed an objection (keberatan) to the decision."), notify=True)
    if action == "reopen":
        return WorkerMessage(
            _("Your objection was accepted for review: another supervisor will decide again."),
            notify=True,
        )
    if action == "activate_benefit":
        return WorkerMessage(
            _("Your benefit started: monthly cash, job-seeking help and training."),
            tone="success",
            notify=True,
        )
    if action == "stop_benefit":
        return WorkerMessage(
            _("Your benefit was stopped: %(reason)s.") % {"reason": reason},
            detail=note,
            tone="danger",
            notify=True,
        )
    if action == "complete_benefit":
        return WorkerMessage(_("Your benefit is complete."), tone="success", notify=True)
    if action == "withdraw":
        return WorkerMessage(_("The claim was withdrawn."), detail=note, notify=True)
    if action in ("bank_account_change_requested", "bank_account_changed"):
        values = {
            "bank": (event.data or {}).get("bank", ""),
            "end": (event.data or {}).get("account_end", ""),
        }
        if action == "bank_account_changed":
            text = _("Your payments now go to your %(bank)s account ending %(end)s.") % values
            return WorkerMessage(text, tone="success", notify=True)
        text = (
            _(
                "The branch asked to pay you into your %(bank)s account ending %(end)s. "
                "It takes effect once a second officer confirms it. If you did not ask for this, "
                "contact your branch at once."
            )
            % values
        )
        return WorkerMessage(text, tone="warning", notify=True)
    if action == "bank_account_change_refused":
        return WorkerMessage(
            _("The change of your bank account was refused; payments go to the account we had."),
            detail=note,
            notify=True,
        )
    if action in RECOVERY_ACTIONS:
        return _recovery_message(event, note)
    return _benefit_message(event, note)


RECOVERY_ACTIONS = frozenset(
    {
        "reassessed",
        "underpayment_paid",
        "underpayment_rejected",
        "instalment_offset",
        "recovery_plan_approved",
        "debt_written_off",
        "debt_objected",
        "debt_objection_answered",
        "repayment_received",
        "repayment_added",
        "debt_recovered",
    }
)


def _recovery_message(event: CaseEvent, note: str) -> WorkerMessage | None:
    """A reassessment of the case and what follows from it, in the worker's words."""
    data = event.data or {}
    money = {key: format_rupiah(data.get(key) or 0) for key in ("underpaid", "overpaid", "amount")}
    if event.action == "reassessed":
        lines = tuple(
            _("Month %(month)s: %(was)s before, %(now)s now.")
            % {"month": m["month"], "was": format_rupiah(m["was"]), "now": format_rupiah(m["now"])}
            for m in data.get("months", [])
        )
        if data.get("overpaid"):
            title = (
                _(
                    "Your benefit was calculated again: you received %(overpaid)s too much. "
                    "See your case page for how it will be paid back; you may object."
                )
                % money
            )
            return WorkerMessage(title, tone="warning", notify=True, lines=lines)
        if data.get("underpaid"):
            title = (
                _(
                    "Your benefit was calculated again: we owe you %(underpaid)s more. "
                    "It will be paid with the next monthly payment."
                )
                % money
            )
            return WorkerMessage(title, tone="success", notify=True, lines=lines)
        if lines:
            title = _("Your benefit was calculated again: the months still to come changed.")
            return WorkerMessage(title, notify=True, lines=lines)
        return WorkerMessage(_("Your benefit was checked again: nothing changed."))
    month = {"month": data.get("month", ""), **money}
    simple = {
        "underpayment_paid": (
            _("The %(amount)s we still owed you for month %(month)s was paid."),
            "success",
            True,
        ),
        "underpayment_rejected": (
            _("The bank returned the %(amount)s we still owed you for month %(month)s."),
            "danger",
            True,
        ),
        "instalment_offset": (
            _("Month %(month)s: %(amount)s went to paying back what you received too much."),
            "info",
            True,
        ),
        "recovery_plan_approved": (
            _("How you pay back what you received too much is decided: see your case page."),
            "warning",
            True,
        ),
        "debt_written_off": (
            _("You do not have to pay back what you received too much: it was written off."),
            "success",
            True,
        ),
        "debt_objected": (
            _("Your objection was received. Paying back is paused until the branch answers."),
            "info",
            True,
        ),
        "repayment_received": (_("We received your repayment of %(amount)s."), "success", True),
        "repayment_added": (
            _(
                "Your monthly cash can no longer pay back %(amount)s of what you received too "
                "much: you pay it back yourself. See your case page for its reference and due "
                "date."
            ),
            "warning",
            True,
        ),
        "debt_recovered": (
            _("What you received too much is fully paid back."),
            "success",
            True,
        ),
    }
    if event.action == "debt_objection_answered":
        if data.get("upheld"):
            text = _("Your objection was accepted: you do not have to pay anything back.")
            return WorkerMessage(text, detail=note, tone="success", notify=True)
        text = _("Your objection was not accepted: paying back continues as planned.")
        return WorkerMessage(text, detail=note, tone="warning", notify=True)
    text, tone, notify = simple[event.action]
    return WorkerMessage(text % month, tone=tone, notify=notify)


def worker_hears_of(event: CaseEvent) -> bool:
    """Whether ``event`` is one the worker is told about by e-mail (the portal's choice)."""
    message = message_for(event)
    return message is not None and message.notify


def _benefit_message(event: CaseEvent, note: str) -> WorkerMessage | None:
    """Events of a running benefit: payments, job-seeking activity, counselling, training."""
    data = event.data or {}
    values = {
        "month": data.get("month", ""),
        "amount": format_rupiah(data["amount"]) if isinstance(data.get("amount"), int) else "",
        "reason": note or _("no reason recorded"),
        "on": data.get("on", ""),
        "program": data.get("program", ""),
        "provider": data.get("provider", ""),
        "period": data.get("period", ""),
        "percent": data.get("percent", ""),
        "employer": data.get("employer", ""),
    }
    simple = {
        "instalment_paid": (
            _("Month %(month)s: %(amount)s was paid into your account."),
            "success",
            True,
        ),
        "instalment_payable": (
            _("Month %(month)s: the condition is met; %(amount)s will be paid."),
            "info",
            True,
        ),
        "instalment_not_paid": (
            _("Month %(month)s: not paid, because %(reason)s."),
            "warning",
            True,
        ),
        "instalment_rejected": (
            _("Month %(month)s: the bank returned the transfer (%(reason)s)."),
            "danger",
            True,
        ),
        "training_referred": (
            _("A training was offered to you: %(program)s at %(provider)s."),
            "info",
            True,
        ),
        "training_accepted": (
            _("You accepted the training %(program)s at %(provider)s."),
            "success",
            False,
        ),
        "training_enrolled": (
            _("You are enrolled in the training at %(provider)s."),
            "success",
            True,
        ),
        "training_completed": (_("You completed the training."), "success", True),
        "training_declined": (_("The training referral was declined."), "info", True),
        "training_dropped": (_("You left the training before the end."), "warning", True),
        "training_attendance": (
            _("Training attendance in %(period)s: %(percent)s%%."),
            "info",
            False,
        ),
        "counselling_scheduled": (
            _("A career counselling session is booked for %(on)s."),
            "info",
            True,
        ),
        "counselling_done": (_("Your counselling session took place."), "info", False),
        "counselling_no_show": (_("You missed a counselling session."), "warning", True),
        "counselling_cancelled": (_("A counselling session was cancelled."), "info", True),
        "activity_self_assessment": (_("Your self-assessment is recorded."), "success", False),
        "activity_job_application": (_("Job application recorded (%(on)s)."), "info", False),
        "activity_interview": (_("Test or interview recorded (%(on)s)."), "info", False),
        "activity_vacancy_shared": (_("A job vacancy was shared with you."), "info", True),
        "activity_employment_status": (
            _("Your employment-status form is recorded."),
            "success",
            False,
        ),
        "reemployment_reported": (
            _("Your new job at %(employer)s is recorded."),
            "info",
            True,
        ),
    }
    if event.action not in simple:
        return None
    text, tone, notify = simple[event.action]
    return WorkerMessage(text % values, tone=tone, notify=notify)


WAITING_FOR: dict[str, Promise] = {
    S.SUBMITTED: gettext_lazy("Waiting for a branch officer to start checking your claim."),
    S.VERIFYING: gettext_lazy("An officer is checking your documents and PHK proof."),
    S.ELIGIBILITY_CHECKED: gettext_lazy("The branch is preparing your case for a decision."),
    S.AWAITING_APPROVAL: gettext_lazy("Waiting for the branch supervisor's decision."),
    S.APPEALED: gettext_lazy("Waiting for another supervisor to look at your objection."),
    S.APPROVED: gettext_lazy("Your benefit is being set up."),
    S.BENEFIT_ACTIVE: gettext_lazy(
        "Report your job-seeking activity every month so each month's cash can be paid."
    ),
}

STATUS_WORDS: dict[str, Promise] = {
    S.DRAFT: gettext_lazy("Not sent yet"),
    S.SUBMITTED: gettext_lazy("Sent to the branch"),
    S.VERIFYING: gettext_lazy("Being checked"),
    S.ELIGIBILITY_CHECKED: gettext_lazy("Being checked"),
    S.AWAITING_APPROVAL: gettext_lazy("Waiting for a decision"),
    S.APPROVED: gettext_lazy("Approved"),
    S.REJECTED: gettext_lazy("Rejected"),
    S.APPEALED: gettext_lazy("Objection under review"),
    S.BENEFIT_ACTIVE: gettext_lazy("Benefit running"),
    S.COMPLETED: gettext_lazy("Benefit complete"),
    S.STOPPED: gettext_lazy("Benefit stopped"),
    S.WITHDRAWN: gettext_lazy("Withdrawn"),
}


def status_words(claim: Claim) -> str:
    return str(STATUS_WORDS.get(claim.state, ""))


def waiting_for(claim: Claim, *, returned: bool) -> str:
    """What the case waits for now, and on whom."""
    if claim.state == S.DRAFT:
        if returned:
            return _(
                "Waiting for you: correct the claim or upload the documents asked for, "
                "then send it again."
            )
        return _("Waiting for you to finish and send your claim.")
    if claim.state == S.REJECTED:
        if claim.may_still_appeal:
            return _("You may file one objection (keberatan) if you think the decision is wrong.")
        return ""
    return str(WAITING_FOR.get(claim.state, ""))


def absolute_url(path: str) -> str:
    """`path` on the site's public address (settings.SITE_URL): e-mails are read outside the
    site, where a relative link leads nowhere."""
    return settings.SITE_URL.rstrip("/") + path


def worker_email(event: CaseEvent) -> tuple[str, str] | None:
    """Subject and body of the e-mail telling the worker about `event`, in the portal's words.

    None when the event does not concern the worker (the same choice as the portal's
    notification list). Written in the interface language; the caller sends it (the workflow's
    notification task), so the e-mail, the list and the timeline never disagree.
    """
    message = message_for(event)
    if message is None or not message.notify:
        return None
    claim = event.claim
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("JKP claim %(number)s: news about your case") % {"number": claim.number}
        body = render_to_string(
            "portal/email/case_event.txt",
            {
                "name": claim.participant.name,
                "number": claim.number,
                "message": message_for(event),
                "link": absolute_url(reverse("portal:claim", kwargs={"pk": claim.pk})),
            },
        )
    return subject, body
