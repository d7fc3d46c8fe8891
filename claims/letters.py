"""Letters to the worker about their claim: the receipt of a filed claim, the decision letter
(approval or rejection) and the benefit stop letter, as PDF on the branch's letterhead.

A letter of a kind exists only once the claim has reached what it tells (``applies``). It is
generated the first time someone entitled asks for it, numbered ``JKP/<branch>/<year>/<kind>/
<n>`` from one running count per branch and year (under the branch row's lock, with a unique
constraint behind it), stored through Django's storage with its SHA-256, and never generated
again: every later download serves the same bytes. Letters are always in Indonesian, whatever
the language of the person who asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from claims import workflow
from claims.models import (
    CaseEvent,
    CashInstalment,
    Claim,
    ClaimState,
    Decision,
    Document,
    EligibilityCheck,
    Letter,
    Reassessment,
)
from claims.notifications import reason_words
from claims.rules import monthly_cash_conditions, version_by_code
from jkp_site.core.models import KantorCabang, User
from jkp_site.core.money import format_rupiah

S = ClaimState
Kind = Letter.Kind
LETTER_LANGUAGE = "id"
# The kind's code in the letter number.
KIND_CODES = {
    Kind.RECEIPT: "TT",
    Kind.APPROVAL: "PNT",
    Kind.REJECTION: "TLK",
    Kind.STOP: "HNT",
    Kind.REASSESSMENT: "PNU",
}


# Read through .all(): the case page has the claim's events and decisions prefetched
# (claims.selectors.claim_detail), so listing the letters costs no query of its own.


def _submitted_at(claim: Claim) -> dt.datetime | None:
    times = [event.created_at for event in claim.events.all() if event.action == "submit"]
    return min(times) if times else None


def _decision(claim: Claim, outcome: str) -> Decision | None:
    decisions = [decision for decision in claim.decisions.all() if decision.outcome == outcome]
    return max(decisions, key=lambda decision: (decision.created_at, decision.pk), default=None)


def _stop_event(claim: Claim) -> CaseEvent | None:
    events = [event for event in claim.events.all() if event.action == "stop_benefit"]
    return max(events, key=lambda event: (event.created_at, event.pk), default=None)


def decision_for(claim: Claim, kind: str) -> Decision | None:
    """The decision a decision letter of ``kind`` announces (None for the other kinds)."""
    if kind == Kind.APPROVAL:
        return _decision(claim, Decision.Outcome.APPROVE)
    if kind == Kind.REJECTION:
        return _decision(claim, Decision.Outcome.REJECT)
    return None


def applies(claim: Claim, kind: str) -> bool:
    """Whether the claim has reached what a letter of ``kind`` tells."""
    if kind == Kind.RECEIPT:
        return _submitted_at(claim) is not None
    if kind == Kind.APPROVAL:
        return claim.state in S.BENEFIT and decision_for(claim, kind) is not None
    if kind == Kind.REJECTION:
        return claim.state in (S.REJECTED, S.APPEALED) and decision_for(claim, kind) is not None
    if kind == Kind.STOP:
        return claim.state == S.STOPPED and _stop_event(claim) is not None
    return False


@dataclass(frozen=True)
class Offered:
    """A letter the case page and the portal list: its kind, and its number once generated."""

    kind: str
    label: str
    number: str


def letters_offered(claim: Claim) -> list[Offered]:
    kinds = [kind for kind in Kind if applies(claim, kind)]
    if not kinds:
        return []
    kept = {(letter.kind, letter.decision_id): letter.number for letter in claim.letters.all()}
    offered = []
    for kind in kinds:
        decision = decision_for(claim, kind)
        number = kept.get((kind.value, decision.pk if decision else None), "")
        offered.append(Offered(kind=kind.value, label=str(kind.label), number=number))
    return offered


def documents_received(claim: Claim) -> list[Document]:
    """The documents a receipt lists: those uploaded by the time of submission."""
    submitted = _submitted_at(claim)
    if submitted is None:
        return []
    return list(claim.documents.filter(uploaded_at__lte=submitted).order_by("uploaded_at", "pk"))


# --- the letter's content -------------------------------------------------------------------


def _letterhead(branch: KantorCabang) -> dict[str, Any]:
    return {
        "name": branch.name,
        "code": branch.code,
        "address": branch.address,
        "city": branch.city,
        "kanwil": branch.kanwil.name,
        "parent": branch.parent.name if branch.parent is not None else "",
    }


def _instalments(claim: Claim) -> list[dict[str, Any]]:
    return [
        {
            "month": item.month,
            "due_date": item.due_date,
            "percent": item.percent,
            "amount": format_rupiah(item.amount),
            "status": item.get_status_display(),
            "cancelled": item.status == CashInstalment.Status.CANCELLED,
        }
        for item in claim.instalments.order_by("month")
    ]


def _failed_checks(decision: Decision) -> list[dict[str, str]]:
    if decision.eligibility_result_id is None:
        return []
    return [
        {"message": check.message, "article": check.source}
        for check in EligibilityCheck.objects.filter(
            result_id=decision.eligibility_result_id, passed=False
        ).order_by("position")
    ]


def _content(claim: Claim, kind: str, decision: Decision | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if kind == Kind.RECEIPT:
        context["submitted_at"] = _submitted_at(claim)
        context["documents"] = [
            {"type": document.get_doc_type_display(), "name": document.original_name}
            for document in documents_received(claim)
        ]
    elif kind == Kind.APPROVAL:
        context["instalments"] = _instalments(claim)
        context["total"] = format_rupiah(sum(item.amount for item in claim.instalments.all()))
        # The month's conditions in the figures of the version that priced the claim.
        context["conditions"] = monthly_cash_conditions(version_by_code(claim.rule_version))
    elif kind == Kind.REJECTION and decision is not None:
        context["reason"] = reason_words(decision.reason_code)
        context["failed_checks"] = _failed_checks(decision)
        context["may_appeal"] = claim.may_still_appeal
    elif kind == Kind.STOP:
        event = _stop_event(claim)
        cancelled = claim.instalments.filter(status=CashInstalment.Status.CANCELLED)
        first = cancelled.order_by("month").first()
        context["stopped_on"] = event.created_at if event else None
        context["reason"] = reason_words(event.reason_code) if event else ""
        context["from_month"] = first.month if first else None
        context["from_due_date"] = first.due_date if first else None
        context["instalments"] = _instalments(claim)
    return context


def reassessment_content(reassessment: Reassessment) -> dict[str, Any]:
    """What a reassessment letter states: the reason, each month before and now, the totals,
    and what follows. The same figures as the reassessment (and the portal's case page)."""
    months = [
        {
            "month": line.month,
            "due_date": line.due_date,
            "was": format_rupiah(line.was_amount),
            "now": format_rupiah(line.now_amount),
            "difference": format_rupiah(abs(line.difference)),
            "sign": "+" if line.difference > 0 else ("-" if line.difference < 0 else ""),
            "outcome": line.get_outcome_display(),
            "reason": line.reason,
        }
        for line in reassessment.lines.order_by("month")
    ]
    return {
        "reassessment": reassessment,
        "trigger": reassessment.get_trigger_display(),
        "trigger_note": reassessment.trigger_note,
        "months": months,
        "underpaid": format_rupiah(reassessment.underpaid_total),
        "overpaid": format_rupiah(reassessment.overpaid_total),
        "has_underpaid": reassessment.underpaid_total > 0,
        "has_overpaid": reassessment.overpaid_total > 0,
    }


def render_pdf(
    claim: Claim,
    kind: str,
    *,
    number: str,
    dated: dt.date,
    reassessment: Reassessment | None = None,
) -> bytes:
    """The letter as PDF, in Indonesian (as reports.monthly.render_pdf renders its report)."""
    from weasyprint import HTML

    decision = decision_for(claim, kind)
    # The content too: its labels and reasons are worded as it is built.
    with translation.override(LETTER_LANGUAGE):
        extra = reassessment_content(reassessment) if reassessment is not None else {}
        context = {
            "kind": kind,
            "number": number,
            "dated": dated,
            "letterhead": _letterhead(claim.branch),
            "claim": claim,
            "participant": claim.participant,
            "termination": claim.termination,
            "decision": decision,
            **_content(claim, kind, decision),
            **extra,
        }
        html = render_to_string("letters/letter.html", context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# --- generated once, kept -------------------------------------------------------------------


def _next_sequence(branch: KantorCabang, year: int) -> int:
    """The branch's next running number of the year; the caller holds the branch row's lock."""
    last = Letter.objects.filter(branch=branch, year=year).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def letter_number(branch: KantorCabang, year: int, kind: str, sequence: int) -> str:
    return f"JKP/{branch.code}/{year}/{KIND_CODES[Kind(kind)]}/{sequence:05d}"


def _kept(claim: Claim, kind: str, decision: Decision | None) -> Letter | None:
    return Letter.objects.filter(claim=claim, kind=kind, decision=decision).first()


@transaction.atomic
def letter_for(*, claim_id: int, kind: str, acting_user: User) -> Letter | None:
    """The claim's letter of ``kind``, generated and kept the first time; None when the claim
    has not reached it. The caller has checked that ``acting_user`` may see the claim.

    The claim row is locked so one letter of a kind is made per claim (and decision), and the
    branch row so two letters of the branch never draw the same running number.
    """
    if kind not in Kind.values:
        return None
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("participant", "branch__kanwil", "branch__parent", "termination")
        .get(pk=claim_id)
    )
    if not applies(claim, kind):
        return None
    decision = decision_for(claim, kind)
    kept = _kept(claim, kind, decision)
    if kept is not None:
        return kept
    branch = KantorCabang.objects.select_for_update().get(pk=claim.branch_id)
    today = timezone.localdate()
    sequence = _next_sequence(branch, today.year)
    number = letter_number(branch, today.year, kind, sequence)
    content = render_pdf(claim, kind, number=number, dated=today)
    letter = Letter(
        claim=claim,
        kind=kind,
        decision=decision,
        branch=branch,
        year=today.year,
        sequence=sequence,
        number=number,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=acting_user,
    )
    letter.file.save("letter.pdf", ContentFile(content), save=False)
    try:
        letter.save()
    except Exception:
        letter.file.delete(save=False)
        raise
    workflow.record_event(
        claim,
        actor=acting_user,
        action="letter_issued",
        data={"kind": kind, "number": number, "sha256": letter.sha256},
    )
    return letter


@transaction.atomic
def reassessment_letter_for(*, reassessment_id: int, acting_user: User) -> Letter:
    """The letter of a reassessment that changed money or months, generated and kept the first
    time (as ``letter_for``). The caller has checked that ``acting_user`` may see the claim."""
    reassessment = Reassessment.objects.get(pk=reassessment_id)
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("participant", "branch__kanwil", "branch__parent", "termination")
        .get(pk=reassessment.claim_id)
    )
    kept = Letter.objects.filter(reassessment=reassessment).first()
    if kept is not None:
        return kept
    branch = KantorCabang.objects.select_for_update().get(pk=claim.branch_id)
    today = timezone.localdate()
    sequence = _next_sequence(branch, today.year)
    number = letter_number(branch, today.year, Kind.REASSESSMENT, sequence)
    content = render_pdf(
        claim, Kind.REASSESSMENT, number=number, dated=today, reassessment=reassessment
    )
    letter = Letter(
        claim=claim,
        kind=Kind.REASSESSMENT,
        reassessment=reassessment,
        branch=branch,
        year=today.year,
        sequence=sequence,
        number=number,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=acting_user,
    )
    letter.file.save("letter.pdf", ContentFile(content), save=False)
    try:
        letter.save()
    except Exception:
        letter.file.delete(save=False)
        raise
    return letter


def file_response(letter: Letter) -> FileResponse:
    """The kept PDF as an attachment named by its number; never cached on the way."""
    try:
        handle = letter.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{letter.number.replace('/', '-')}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
