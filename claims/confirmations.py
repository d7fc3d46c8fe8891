"""What each irreversible action on a claim will do, restated before it is done.

``confirmation_for`` builds the page of ``jkp_site.core.confirm`` from the claim and the
cleaned form: the claim, the worker (NIK masked), the amounts and the consequence. It only
reads; the action itself stays with its service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Sum
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import BankAccountChange, CashInstalment, Claim, Document, IdentityFlag
from claims.rules import NoRuleVersionError, ScenarioError, evaluate, parse_scenario
from claims.vocabulary import reason_label
from jkp_site.core.confirm import Confirmation, Table
from jkp_site.core.money import format_rupiah

if TYPE_CHECKING:
    from claims.models import EligibilityResult


def _claim_facts(claim: Claim) -> list[tuple[str, str]]:
    participant = claim.participant
    return [
        (_("Claim"), claim.number),
        (_("Worker"), f"{participant.name} · NIK {participant.nik_masked}"),
        (_("Employer"), claim.termination.employer.name),
        (_("State now"), str(claim.get_state_display())),
    ]


def _latest_result(claim: Claim) -> EligibilityResult | None:
    return claim.eligibility_results.order_by("-run_at", "-pk").first()


def approval_schedule(result: EligibilityResult) -> list[dict[str, Any]]:
    """The cash schedule an approval today would create: the frozen inputs judged with
    today as the decision date, as ``approve_claim`` does. Empty if the engine refuses."""
    inputs = {**result.inputs, "decision_date": timezone.localdate().isoformat()}
    try:
        decision = evaluate(parse_scenario(inputs))
    except (ScenarioError, NoRuleVersionError):
        return []
    return [
        {
            "month": item.month,
            "due_date": item.due_date,
            "percent": item.percent,
            "amount": item.amount,
        }
        for item in decision.cash_schedule
    ]


def _schedule_table(schedule: list[dict[str, Any]]) -> Table:
    return Table(
        caption=_("The cash instalments the approval creates"),
        headers=[_("Month"), _("Due"), _("Percent of the wage"), _("Amount")],
        rows=[
            [
                str(item["month"]),
                date_filter(item["due_date"], "d-m-Y"),
                f"{item['percent']}%",
                format_rupiah(item["amount"]),
            ]
            for item in schedule
        ],
        total=["", "", _("Total"), format_rupiah(sum(item["amount"] for item in schedule))],
    )


def _submit(claim: Claim, data: dict[str, Any]) -> Confirmation:
    return Confirmation(
        title=_("Submit claim %(number)s?") % {"number": claim.number},
        facts=[
            *_claim_facts(claim),
            (_("Documents"), str(claim.documents.count())),
            (_("Bank account"), f"{claim.bank_name} {claim.bank_account_masked}"),
        ],
        consequences=[
            _(
                "The claim goes to the branch for verification and is no longer a draft: it "
                "cannot be edited any more (an officer may send it back)."
            ),
            _("The worker is told by e-mail that the claim was received."),
        ],
        button=_("Yes, submit the claim"),
    )


def _withdraw(claim: Claim, data: dict[str, Any]) -> Confirmation:
    return Confirmation(
        title=_("Withdraw claim %(number)s?") % {"number": claim.number},
        facts=[*_claim_facts(claim), (_("Reason"), reason_label(data["reason_code"]))],
        consequences=[_("The claim is closed as withdrawn. This cannot be undone.")],
        button=_("Yes, withdraw the claim"),
        danger=True,
    )


def _recommend(claim: Claim, data: dict[str, Any]) -> Confirmation:
    result = _latest_result(claim)
    facts = [
        *_claim_facts(claim),
        (_("Recommendation"), str(Claim.Recommendation(data["recommendation"]).label)),
    ]
    if data.get("reason_code"):
        facts.append((_("Reason"), reason_label(data["reason_code"])))
    if result is not None:
        facts += [
            (_("Eligibility"), _("Eligible") if result.eligible else _("Not eligible")),
            (_("Wage used"), format_rupiah(result.wage_basis)),
            (_("Cash total"), format_rupiah(result.cash_total)),
        ]
    return Confirmation(
        title=_("Send the recommendation for claim %(number)s?") % {"number": claim.number},
        facts=facts,
        consequences=[
            _(
                "The claim goes to a supervisor of the branch, who decides it; you cannot "
                "decide it yourself. The worker is told the case is complete."
            ),
        ],
        button=_("Yes, send the recommendation"),
    )


def _approve(claim: Claim, data: dict[str, Any]) -> Confirmation:
    result = _latest_result(claim)
    schedule = approval_schedule(result) if result is not None else []
    total = sum(item["amount"] for item in schedule)
    facts = [*_claim_facts(claim)]
    if result is not None:
        facts.append((_("Wage used"), format_rupiah(result.wage_basis)))
    facts += [
        (_("Cash total"), format_rupiah(total)),
        (
            _("Paid to"),
            f"{claim.bank_name} {claim.bank_account_masked} · {claim.bank_account_holder}",
        ),
    ]
    return Confirmation(
        title=_("Approve claim %(number)s?") % {"number": claim.number},
        facts=facts,
        consequences=[
            _(
                "%(n)s monthly instalments, %(total)s in all, are created; each is paid in the "
                "monthly payment batch once it is due."
            )
            % {"n": len(schedule), "total": format_rupiah(total)},
            _(
                "The worker is told and gets the decision letter. An approval cannot be undone "
                "here: only a stop of the benefit ends it."
            ),
        ],
        button=_("Yes, approve %(total)s") % {"total": format_rupiah(total)},
        table=_schedule_table(schedule) if schedule else None,
    )


def _reject(claim: Claim, data: dict[str, Any]) -> Confirmation:
    return Confirmation(
        title=_("Reject claim %(number)s?") % {"number": claim.number},
        facts=[*_claim_facts(claim), (_("Reason"), reason_label(data["reason_code"]))],
        consequences=[
            _("No benefit is paid. The worker is told the reason and gets the rejection letter."),
            _(
                "The worker may object (keberatan) once; the claim then comes back for a new "
                "decision."
            ),
        ],
        button=_("Yes, reject the claim"),
        danger=True,
    )


def _appeal(claim: Claim, data: dict[str, Any]) -> Confirmation:
    return Confirmation(
        title=_("Record the appeal on claim %(number)s?") % {"number": claim.number},
        facts=[*_claim_facts(claim), (_("Grounds"), data["note"])],
        consequences=[
            _("This is the claim's one appeal: no other can be recorded after it."),
            _("A supervisor reopens the claim for a new decision."),
        ],
        button=_("Yes, record the appeal"),
    )


def _stop(claim: Claim, data: dict[str, Any]) -> Confirmation:
    unpaid = claim.instalments.filter(
        status__in=[CashInstalment.Status.SCHEDULED, CashInstalment.Status.PAYABLE]
    ).aggregate(n=Count("pk"), total=Sum("amount"))
    return Confirmation(
        title=_("Stop the benefit of claim %(number)s?") % {"number": claim.number},
        facts=[
            *_claim_facts(claim),
            (_("Reason"), reason_label(data["reason_code"])),
            (
                _("Instalments cancelled"),
                _("%(n)s, %(total)s")
                % {"n": unpaid["n"], "total": format_rupiah(unpaid["total"] or 0)},
            ),
        ],
        consequences=[
            _(
                "The benefit ends: the instalments not yet paid nor in a payment batch are "
                "cancelled. Those already in a batch are settled by the bank's result."
            ),
            _("The worker is told the reason and gets the stop letter. This cannot be undone."),
        ],
        button=_("Yes, stop the benefit"),
        danger=True,
    )


def document_removal(document: Document) -> Confirmation:
    return Confirmation(
        title=_("Remove this document from claim %(number)s?") % {"number": document.claim.number},
        facts=[
            *_claim_facts(document.claim),
            (_("Document"), str(document.get_doc_type_display())),
            (_("File"), f"{document.original_name} ({filesizeformat(document.size)})"),
        ],
        consequences=[
            _(
                "The file is deleted from storage; the case timeline keeps its type, name, size "
                "and fingerprint. Upload the right document in its place."
            ),
        ],
        button=_("Yes, remove the document"),
        danger=True,
    )


def _rejected_months(claim: Claim) -> str:
    waiting = claim.instalments.filter(status=CashInstalment.Status.REJECTED).aggregate(
        n=Count("pk"), total=Sum("amount")
    )
    return _("%(n)s, %(total)s") % {
        "n": waiting["n"],
        "total": format_rupiah(waiting["total"] or 0),
    }


def bank_change_decision(change: BankAccountChange, data: dict[str, Any]) -> Confirmation:
    claim = change.claim
    facts = [
        *_claim_facts(claim),
        (
            _("New account"),
            f"{change.bank_name} {change.bank_account_masked} · {change.account_holder}",
        ),
        (_("Account now"), f"{claim.bank_name} {claim.bank_account_masked}"),
        (_("Months rejected by the bank"), _rejected_months(claim)),
    ]
    if data["confirm"]:
        return Confirmation(
            title=_("Confirm the new account for claim %(number)s?") % {"number": claim.number},
            facts=facts,
            consequences=[
                _(
                    "Every payment from now on goes to the new account; the months the bank "
                    "rejected are paid again in the next payment batch."
                ),
            ],
            button=_("Yes, confirm the new account"),
        )
    return Confirmation(
        title=_("Refuse the new account for claim %(number)s?") % {"number": claim.number},
        facts=facts,
        consequences=[
            _(
                "The account stays as it was; the months the bank rejected keep waiting for a "
                "corrected account."
            ),
        ],
        button=_("Yes, refuse the change"),
        danger=True,
    )


def flag_clearing(flag: IdentityFlag, data: dict[str, Any]) -> Confirmation:
    claim = flag.claim
    held = claim.instalments.exclude(
        status__in=[CashInstalment.Status.PAID, CashInstalment.Status.CANCELLED]
    ).aggregate(n=Count("pk"), total=Sum("amount"))
    other = flag.other_participant
    return Confirmation(
        title=_("Clear the duplicate-identity flag on claim %(number)s?")
        % {"number": claim.number},
        facts=[
            *_claim_facts(claim),
            (str(flag.get_kind_display()), f"{other.name} · NIK {other.nik_masked}"),
            (_("Why it can be cleared"), data["reason"]),
            (
                _("Payments no longer held"),
                _("%(n)s, %(total)s")
                % {"n": held["n"], "total": format_rupiah(held["total"] or 0)},
            ),
        ],
        consequences=[
            _(
                "The claim's payments are no longer held: each goes in the payment batch once "
                "it is due, to the claim's account. This cannot be undone."
            ),
        ],
        button=_("Yes, clear the flag"),
        danger=True,
    )


BUILDERS = {
    "submit": _submit,
    "withdraw": _withdraw,
    "recommend": _recommend,
    "approve": _approve,
    "reject": _reject,
    "appeal": _appeal,
    "stop": _stop,
}


def confirmation_for(action: str, claim: Claim, data: dict[str, Any]) -> Confirmation:
    return BUILDERS[action](claim, data)
