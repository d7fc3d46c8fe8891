"""Head-office payment batch screens, and the branch officer's bank-account correction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from benefits import payments, result_upload
from claims import payment_details
from claims.models import PaymentBatch
from claims.selectors import get_claim_for_user
from jkp_site.core.confirm import Confirmation, confirm_page, is_confirmed
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.money import format_rupiah
from jkp_site.core.permissions import ClaimPerm

RUN = ClaimPerm.RUN_PAYMENT_BATCH


class BankResultForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bank result file (CSV)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(size)s.") % {
            "size": filesizeformat(payments.RESULT_MAX_BYTES)
        }


class BankAccountForm(forms.Form):
    bank_name = forms.CharField(label=gettext_lazy("Bank"), max_length=60)
    bank_account = forms.CharField(label=gettext_lazy("Account number"), max_length=34)
    account_holder = forms.CharField(
        label=gettext_lazy("Account holder (the worker's own name)"), max_length=200
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False)


@require_GET
@login_required
@permission_required(RUN, raise_exception=True)
def batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(payments.batches_with_totals().order_by("-created_at"), 25).get_page(
        request.GET.get("page")
    )
    since = _since(request)
    return render(
        request,
        "payments/batch_list.html",
        {
            "page": page,
            **payments.waiting_summary(),
            # A gathering asked for and not yet started: its progress, followed live.
            "progress": payments.gather_progress(since=since) if since else None,
            "since": request.GET.get("since", ""),
        },
    )


def _since(request: HttpRequest) -> dt.datetime | None:
    """The moment a gathering was asked for (``?since=`` seconds since the epoch)."""
    value = request.GET.get("since", "")
    if not value.isdigit():
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):  # a number beyond the calendar
        return None


@require_POST
@login_required
@permission_required(RUN, raise_exception=True)
def batch_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The head-office button: the same task the monthly schedule runs, once confirmed. Says
    what it did: the batch made (tasks run inline, or a fast worker), the batch being gathered
    (its page follows it live), nothing payable, or the run waiting for a worker (followed
    live)."""
    if not is_confirmed(request):
        return confirm_page(request, _gather_confirmation(), back=reverse("payments:batch_list"))
    asked = timezone.now().replace(microsecond=0)
    payments.request_payment_batch(acting_user=request.user)
    progress = payments.gather_progress(since=asked)
    if progress.batch is not None:
        if progress.state == "done":
            messages.success(
                request,
                _("Batch %(reference)s gathered: %(n)s transfers.")
                % {"reference": progress.batch.reference, "n": progress.lines},
            )
        return redirect("payments:batch_detail", pk=progress.batch.pk)
    if progress.state == "nothing":
        messages.info(request, _("Nothing is payable now: no batch was made."))
        return redirect("payments:batch_list")
    return redirect(f"{reverse('payments:batch_list')}?since={int(asked.timestamp())}")


@require_GET
@login_required
@permission_required(RUN, raise_exception=True)
def gather_progress(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The live progress of a gathering (``?since=`` when it was asked for), polled by
    static/js/payments.js."""
    since = _since(request)
    if since is None:
        return JsonResponse({"error": _("Give since as seconds since the epoch.")}, status=400)
    progress = payments.gather_progress(since=since)
    batch = progress.batch
    return JsonResponse(
        {
            "state": progress.state,
            "reference": batch.reference if batch else "",
            "url": reverse("payments:batch_detail", args=[batch.pk]) if batch else "",
            "lines": progress.lines,
            "expected": progress.expected,
            "percent": progress.percent,
        }
    )


@require_GET
@login_required
@permission_required(RUN, raise_exception=True)
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


def _render_detail(request, pk, *, form=None, problems=None, error="", status=200):
    batch = get_object_or_404(payments.batches_with_totals(), pk=pk)
    lines = Paginator(payments.batch_lines(batch), 100).get_page(request.GET.get("page"))
    gathering = batch.state == PaymentBatch.State.OPEN
    return render(
        request,
        "payments/batch_detail.html",
        {
            "batch": batch,
            "stalled": payments.batch_is_stalled(batch),
            "rejected_waiting": payments.rejected_waiting(batch),
            "progress": payments.gather_progress(since=batch.created_at) if gathering else None,
            "since": int(batch.created_at.timestamp()),
            "lines": lines,
            "form": form or BankResultForm(),
            "problems": problems or [],
            "error": error,
        },
        status=status,
    )


@require_POST
@login_required
@permission_required(RUN, raise_exception=True)
def batch_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The bank file; the first export marks its transfers sent, so it asks first."""
    batch = get_object_or_404(PaymentBatch, pk=pk)
    if batch.exported_at is None and not is_confirmed(request):
        return confirm_page(
            request,
            _export_confirmation(batch),
            back=reverse("payments:batch_detail", args=[batch.pk]),
        )
    try:
        content = payments.export_payment_batch(batch_id=batch.pk, acting_user=request.user)
    except payments.PaymentFileError as exc:
        return _render_detail(request, pk, problems=exc.problems, error=exc.message, status=422)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("payments:batch_detail", pk=pk)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
    # NIKs and account numbers in clear: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
@permission_required(RUN, raise_exception=True)
def batch_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Checked and restated first (``benefits.result_upload`` holds the file); applied when
    the restated page is confirmed."""
    batch = get_object_or_404(PaymentBatch, pk=pk)
    if not is_confirmed(request):
        return _ask_to_apply(request, batch)
    form = BankResultForm()
    try:
        data = result_upload.take_held_result(
            batch=batch, user=request.user, token=request.POST.get("held", "")
        )
        result = payments.reconcile_payment_batch(
            batch_id=batch.pk, acting_user=request.user, data=data
        )
    except payments.PaymentFileError as exc:
        return _render_detail(
            request, pk, form=form, problems=exc.problems, error=exc.message, status=422
        )
    except ApplicationError as exc:
        return _render_detail(request, pk, form=form, error=exc.message, status=422)
    messages.success(
        request,
        _(
            "Bank result applied: %(paid)s paid, %(rejected)s rejected, %(same)s unchanged. "
            "The workers are told; each rejected transfer waits for a corrected account, "
            "asked for from its case."
        )
        % {"paid": result.paid, "rejected": result.rejected, "same": result.unchanged},
    )
    return redirect("payments:batch_detail", pk=pk)


def _gather_confirmation() -> Confirmation:
    waiting = payments.waiting_summary()
    return Confirmation(
        title=_("Gather the payable instalments into a payment batch?"),
        facts=[
            (_("Payable now"), str(waiting["payable_count"])),
            (_("Total"), format_rupiah(waiting["payable_total"])),
            (
                _("Due by today, judged first"),
                _("%(count)s, at most %(total)s")
                % {"count": waiting["due_count"], "total": format_rupiah(waiting["due_total"])},
            ),
        ],
        consequences=[
            _(
                "Every payable instalment, and any falling due today, goes into one new "
                "batch; an instalment in a batch is paid only through it."
            ),
            _("Next: export the bank transfer file from the batch page and send it to the bank."),
        ],
        button=_("Yes, gather the batch"),
    )


def _export_confirmation(batch: PaymentBatch) -> Confirmation:
    totals = batch.lines.aggregate(count=Count("id"), total=Sum("amount"))
    return Confirmation(
        title=_("Export the bank transfer file of batch %(reference)s?")
        % {"reference": batch.reference},
        facts=[
            (_("Transfers"), str(totals["count"] or 0)),
            (_("Total"), format_rupiah(totals["total"] or 0)),
        ],
        consequences=[
            _(
                "Its transfers are marked sent to the bank: the batch can no longer change, "
                "and the same file downloads again later."
            ),
            _("Next: send the file to the bank, then import the bank's result file here."),
        ],
        button=_("Yes, export the file"),
    )


def _ask_to_apply(request: AuthenticatedHttpRequest, batch: PaymentBatch) -> HttpResponse:
    form = BankResultForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, batch.pk, form=form, status=422)
    if batch.state not in (PaymentBatch.State.EXPORTED, PaymentBatch.State.RECONCILED):
        return _render_detail(
            request, batch.pk, error=_("Only an exported batch can be reconciled."), status=422
        )
    try:
        held = result_upload.hold_result(
            batch=batch, user=request.user, data=form.cleaned_data["file"].read()
        )
    except payments.PaymentFileError as exc:
        return _render_detail(
            request, batch.pk, form=form, problems=exc.problems, error=exc.message, status=422
        )
    confirmation = Confirmation(
        title=_("Apply the bank result to batch %(reference)s?") % {"reference": batch.reference},
        facts=[
            (_("Batch"), batch.reference),
            (_("File"), form.cleaned_data["file"].name),
            (_("Rows"), str(held.rows)),
            (_("Paid"), f"{held.paid} · {format_rupiah(held.paid_total)}"),
            (_("Rejected"), f"{held.rejected} · {format_rupiah(held.rejected_total)}"),
        ],
        consequences=[
            _(
                "Each paid transfer is marked paid and its worker told; each rejected one is "
                "marked rejected with the bank's reason and waits for a corrected account."
            ),
            _("This cannot be undone: a transfer reconciled once keeps its result."),
        ],
        button=_("Yes, apply the bank result"),
        hidden=[("held", held.token)],
    )
    return confirm_page(
        request,
        confirmation,
        back=reverse("payments:batch_detail", args=[batch.pk]),
        repost=False,
    )


@login_required
@permission_required(ClaimPerm.CHANGE_PAYMENT_DETAILS, raise_exception=True)
def correct_account(request: AuthenticatedHttpRequest, claim_pk: int) -> HttpResponse:
    """After a bank rejection: ask for the worker's corrected account. A second person of the
    branch confirms it on the case page; then the rejected months are paid again."""
    claim = get_claim_for_user(user=request.user, pk=claim_pk)
    form = BankAccountForm(
        request.POST or None,
        initial={"bank_name": claim.bank_name, "account_holder": claim.bank_account_holder},
    )
    if request.method == "POST" and form.is_valid():
        try:
            payment_details.request_bank_account_change(
                claim_id=claim.pk, acting_user=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Change of account recorded. It takes effect when a second person of the "
                    "branch confirms it on the case page; then the returned months are paid again."
                ),
            )
            return redirect(claim)
    return render(
        request,
        "payments/correct_account.html",
        {
            "claim": claim,
            "form": form,
            "rejected": payments.rejected_instalments(claim),
            "pending": payment_details.pending_change(claim),
        },
    )
