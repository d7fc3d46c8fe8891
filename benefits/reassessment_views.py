"""Reassessment screens: the case's reassessments and debts for branch staff (a supervisor
reassesses by hand, proposes and approves recovery plans, answers objections), and head
office's bulk reassessment after a ruling, with progress, and the repayments received."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import letters, reassessment_selectors, recovery, workflow
from claims.models import (
    Debt,
    Reassessment,
    ReassessmentJob,
    ReassessmentTrigger,
    RecoveryPlan,
)
from claims.reassessment import reassess_claim
from claims.reassessment_jobs import request_ruling_reassessment
from claims.rules import VERSIONS
from claims.selectors import claims_visible_to, get_claim_for_user
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.models import KantorCabang
from jkp_site.core.permissions import ClaimPerm

DECIDE = ClaimPerm.DECIDE
BULK = ClaimPerm.REASSESS_IN_BULK


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Plan"), choices=RecoveryPlan.Kind.choices)
    repayment_months = forms.IntegerField(
        label=gettext_lazy("Monthly repayments for what offsets do not cover"),
        min_value=1,
        max_value=24,
        initial=1,
    )
    first_due_date = forms.DateField(
        label=gettext_lazy("First repayment due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (required for a write-off)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=255)


class AnswerForm(forms.Form):
    upheld = forms.BooleanField(label=gettext_lazy("The objection is upheld"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Answer to the worker"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RulingForm(forms.Form):
    rule_version = forms.ChoiceField(label=gettext_lazy("Rule version the ruling changes"))
    ruling = forms.CharField(label=gettext_lazy("Ruling"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["rule_version"])
        field.choices = [(v.code, v.display_name) for v in VERSIONS]


class ReceiptsForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bank file of repayments received (CSV)"))


def _debt_for_user(user, pk: int) -> Debt:
    return get_object_or_404(
        Debt.objects.filter(claim__in=claims_visible_to(user).values("pk")), pk=pk
    )


@require_GET
@login_required
@permission_required(ClaimPerm.VIEW, raise_exception=True)
def case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case's reassessments, underpayments and debts, with what the user may do on them."""
    claim = get_claim_for_user(user=request.user, pk=pk)
    supervisor = request.user.has_perm(DECIDE) and workflow.in_claim_branch(request.user, claim)
    return render(
        request,
        "reassessment/case.html",
        {
            "claim": claim,
            "reassessments": reassessment_selectors.reassessments_of(claim),
            "underpayments": reassessment_selectors.underpayments_of(claim),
            "debts": reassessment_selectors.debts_of(claim),
            "supervisor": supervisor,
            "plan_form": PlanForm(),
            "answer_form": AnswerForm(),
        },
    )


@require_POST
@login_required
@permission_required(DECIDE, raise_exception=True)
def reassess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = get_claim_for_user(user=request.user, pk=pk)
    try:
        found = reassess_claim(
            claim_id=claim.pk,
            trigger=ReassessmentTrigger.SUPERVISOR,
            acting_user=request.user,
            note=request.POST.get("note", "")[:255],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if found is None:
            messages.info(request, _("Nothing changed since the last reassessment."))
        else:
            messages.success(request, _("The claim was reassessed."))
    return redirect("reassessment:case", pk=claim.pk)


@require_POST
@login_required
@permission_required(DECIDE, raise_exception=True)
def propose_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    debt = _debt_for_user(request.user, pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("reassessment:case", pk=debt.claim_id)
    try:
        recovery.propose_recovery_plan(
            debt_id=debt.pk, acting_user=request.user, **form.cleaned_data
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The plan was proposed; a second supervisor decides it."))
    return redirect("reassessment:case", pk=debt.claim_id)


@require_POST
@login_required
@permission_required(DECIDE, raise_exception=True)
def decide_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        RecoveryPlan.objects.filter(
            debt__claim__in=claims_visible_to(request.user).values("pk")
        ).select_related("debt"),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        recovery.decide_recovery_plan(
            plan_id=plan.pk,
            approve=form.cleaned_data.get("approve", False),
            acting_user=request.user,
            note=form.cleaned_data.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The plan was decided."))
    return redirect("reassessment:case", pk=plan.debt.claim_id)


@require_POST
@login_required
@permission_required(DECIDE, raise_exception=True)
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    debt = _debt_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("reassessment:case", pk=debt.claim_id)
    try:
        recovery.answer_objection(debt_id=debt.pk, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The answer was recorded and sent to the worker."))
    return redirect("reassessment:case", pk=debt.claim_id)


@require_GET
@login_required
@permission_required(ClaimPerm.VIEW, raise_exception=True)
def letter(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    found = get_object_or_404(
        Reassessment.objects.filter(claim__in=claims_visible_to(request.user).values("pk")), pk=pk
    )
    return letters.file_response(
        letters.reassessment_letter_for(reassessment_id=found.pk, acting_user=request.user)
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(BULK, raise_exception=True)
def rulings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Head office: reassess every claim a ruling touches, in the background, with progress."""
    form = RulingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = request_ruling_reassessment(acting_user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                if job is None:
                    messages.info(request, _("No decided claim was priced by that version."))
                else:
                    messages.success(
                        request,
                        _("%(n)s claims are being reassessed in the background.")
                        % {"n": job.total},
                    )
                return redirect("reassessment:rulings")
        status = 400
    return render(
        request,
        "reassessment/rulings.html",
        {
            "form": form,
            "receipts_form": ReceiptsForm(),
            "jobs": ReassessmentJob.objects.order_by("-created_at", "-pk")[:20],
            "branches": _branch_rows(),
        },
        status=status,
    )


def _branch_rows() -> list[dict[str, Any]]:
    branches = dict(KantorCabang.objects.values_list("pk", "name"))
    figures = reassessment_selectors.open_money_by_branch(list(branches))
    return [{"branch": branches[pk], **row} for pk, row in sorted(figures.items())]


@require_POST
@login_required
@permission_required(ClaimPerm.RUN_PAYMENT_BATCH, raise_exception=True)
def receipts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Head office uploads the bank's file of repayments received."""
    form = ReceiptsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("reassessment:rulings")
    try:
        count = recovery.reconcile_repayments(
            data=form.cleaned_data["file"].read(), acting_user=request.user
        )
    except recovery.ReceiptsFileError as exc:
        messages.error(
            request,
            " ".join(
                [exc.message] + [f"{p.row}: {' '.join(p.messages)}" for p in exc.problems[:20]]
            ),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s repayments received.") % {"n": count})
    return redirect("reassessment:rulings")
