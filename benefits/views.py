"""Screens for counsellors and officers: the benefit caseload, one claim's three benefit tracks,
and the training catalogue. GET pages read through selectors; each POST calls one service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benefits import forms, services
from claims.models import ClaimState
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.permissions import TrainingPerm
from training import selectors
from training import services as training_services

MANAGE = TrainingPerm.MANAGE_ACTIVITY


def _back(claim_id: int) -> HttpResponse:
    return redirect(reverse("benefits:benefit", kwargs={"pk": claim_id}))


def _act(
    request: HttpRequest, form, back_to: int, service: Callable, ok: str, **ids
) -> HttpResponse:
    """Validate ``form``, call ``service`` with its data, report the outcome, go back."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(back_to)
    try:
        service(acting_user=request.user, **ids, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return _back(back_to)


@require_GET
@login_required
@permission_required(MANAGE, raise_exception=True)
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    page = Paginator(selectors.caseload(user=request.user, state=state), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/caseload.html",
        {
            "page": page,
            "state": state,
            "states": [s for s in ClaimState if s in ClaimState.BENEFIT],
        },
    )


@require_GET
@login_required
@permission_required(MANAGE, raise_exception=True)
def benefit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.benefit_detail(user=request.user, pk=pk)
    referrals = list(claim.training_referrals.all())
    live = next(
        (r for r in referrals if r.state in training_services.LIVE_REFERRAL),
        None,
    )
    everywhere = request.GET.get("programmes") == "all"
    programs = selectors.programs_near(claim, everywhere=everywhere)
    if not everywhere and not programs.exists():
        # Nothing near the worker: every programme, the nearest first, rather than none.
        everywhere = True
        programs = selectors.programs_near(claim, everywhere=True)
    return render(
        request,
        "training/benefit_detail.html",
        {
            "claim": claim,
            "instalments": list(claim.instalments.all()),
            "activities": list(claim.activities.all()),
            "referrals": referrals,
            "live_referral": live,
            "running": claim.state in ClaimState.RUNNING,
            "activity_form": forms.ActivityForm(),
            "counselling_form": forms.CounsellingForm(),
            "outcome_form": forms.CounsellingOutcomeForm(),
            "reemployment_form": forms.ReemploymentForm(),
            "referral_form": forms.ReferralForm(programs=programs),
            "programmes_everywhere": everywhere,
            "enrol_form": forms.EnrolForm(),
            "attendance_form": forms.AttendanceForm(),
            "completion_form": forms.CompletionForm(),
            "end_form": forms.EndReferralForm(state=live.state if live else None),
            "can_refer": request.user.has_perm(TrainingPerm.REFER),
        },
    )


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def activity_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.get_benefit_claim_for_user(user=request.user, pk=pk)
    return _act(
        request,
        forms.ActivityForm(request.POST),
        claim.pk,
        services.record_activity,
        _("Activity recorded."),
        claim_id=claim.pk,
    )


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def counselling_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.get_benefit_claim_for_user(user=request.user, pk=pk)
    return _act(
        request,
        forms.CounsellingForm(request.POST),
        claim.pk,
        training_services.schedule_counselling,
        _("Counselling session scheduled."),
        claim_id=claim.pk,
    )


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def counselling_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(user=request.user, pk=pk)
    return _act(
        request,
        forms.CounsellingOutcomeForm(request.POST),
        activity.claim_id,
        training_services.record_counselling_outcome,
        _("Counselling session updated."),
        activity_id=activity.pk,
    )


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def reemployment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.get_benefit_claim_for_user(user=request.user, pk=pk)
    return _act(
        request,
        forms.ReemploymentForm(request.POST),
        claim.pk,
        training_services.report_reemployment,
        _("Re-employment recorded; the benefit is stopped."),
        claim_id=claim.pk,
    )


@require_POST
@login_required
@permission_required(TrainingPerm.REFER, raise_exception=True)
def refer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = selectors.get_benefit_claim_for_user(user=request.user, pk=pk)
    form = forms.ReferralForm(request.POST, programs=selectors.list_programs())
    if form.is_valid():
        form.cleaned_data["program_id"] = form.cleaned_data.pop("program").pk
    return _act(
        request,
        form,
        claim.pk,
        training_services.refer_to_training,
        _("Referred to training."),
        claim_id=claim.pk,
    )


def _referral_action(form_class, service, ok):
    @require_POST
    @login_required
    @permission_required(MANAGE, raise_exception=True)
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        referral = selectors.get_referral_for_user(user=request.user, pk=pk)
        return _act(
            request,
            form_class(request.POST),
            referral.claim_id,
            service,
            ok,
            referral_id=referral.pk,
        )

    return view


enrol = _referral_action(
    forms.EnrolForm, training_services.enrol_in_training, _("Enrolment recorded.")
)
attendance = _referral_action(
    forms.AttendanceForm, services.record_attendance, _("Attendance recorded.")
)
complete = _referral_action(
    forms.CompletionForm, training_services.complete_training, _("Completion recorded.")
)
end_referral = _referral_action(
    forms.EndReferralForm, training_services.end_training_referral, _("Referral closed.")
)


@login_required
@permission_required(MANAGE, raise_exception=True)
def providers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The national catalogue: providers with their programmes; POST adds a provider."""
    provider_form = forms.ProviderForm(request.POST or None, prefix="provider")
    if request.method == "POST" and provider_form.is_valid():
        try:
            training_services.create_training_provider(
                acting_user=request.user, **provider_form.cleaned_data
            )
        except ApplicationError as exc:
            provider_form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Provider added."))
            return redirect("benefits:providers")
    return render(
        request,
        "training/provider_list.html",
        {
            "providers": selectors.list_providers(),
            "programs": selectors.list_programs(),
            "provider_form": provider_form,
            "program_form": forms.ProgramForm(prefix="program"),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def program_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.ProgramForm(request.POST or None, prefix="program")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["provider_id"] = data.pop("provider").pk
        try:
            training_services.create_training_program(acting_user=request.user, **data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Programme added."))
            return redirect("benefits:providers")
    return render(request, "training/program_form.html", {"form": form})
