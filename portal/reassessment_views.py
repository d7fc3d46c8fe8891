"""The worker's side of a reassessment: its letter, and an objection to a debt (which pauses
its recovery until the branch answers)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from claims import letters, recovery
from claims.models import Debt, Reassessment
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from portal.views import worker_required


class ObjectionForm(forms.Form):
    grounds = forms.CharField(
        label=gettext_lazy("Why you think the calculation is wrong"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


@worker_required
@require_POST
def object_to_debt(request: AuthenticatedHttpRequest, participant, pk: int) -> HttpResponse:
    debt = get_object_or_404(Debt.objects.filter(claim__participant=participant), pk=pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why you think the calculation is wrong."))
        return redirect("portal:claim", pk=debt.claim_id)
    try:
        recovery.object_to_debt(
            debt_id=debt.pk, acting_user=request.user, grounds=form.cleaned_data["grounds"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Your objection was sent. Nothing is taken back until the branch answers.")
        )
    return redirect("portal:claim", pk=debt.claim_id)


@worker_required
@require_GET
def reassessment_letter(request: AuthenticatedHttpRequest, participant, pk: int) -> FileResponse:
    found = get_object_or_404(Reassessment.objects.filter(claim__participant=participant), pk=pk)
    return letters.file_response(
        letters.reassessment_letter_for(reassessment_id=found.pk, acting_user=request.user)
    )
