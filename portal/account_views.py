"""The portal's password and session pages, and the officer's reset link for a worker.

Workers: "Forgot your password?" (Django's reset by a signed e-mail link, or by a code sent by
SMS to the confirmed mobile number, which then opens the same page a link does), the page the
link opens, a password change, and "sign out everywhere". Branch officers: after checking a
worker's identity in person, a one-time reset link for the worker's portal account, shown
once and recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jkp_site.core import sms
from jkp_site.core.account_views import sign_out_everywhere
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.net import client_ip
from jkp_site.core.passwords import password_was_set
from jkp_site.core.permissions import AccountPerm
from jkp_site.core.session_policy import end_all_sessions
from participants.selectors import participants_visible_to, search_participants
from portal import codes, services
from portal.account_forms import PhoneResetForm, SmsCodeForm, WorkerPasswordResetForm
from portal.views import worker_required


def _link_minutes() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60


# --- the worker ------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/password_reset_form.html"
    form_class = WorkerPasswordResetForm
    success_url = reverse_lazy("portal:password_reset_done")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sms_available": sms.available()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": _link_minutes()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_was_set(form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change_form.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        end_all_sessions(form.user, keep=self.request.session.session_key)
        messages.success(
            self.request, _("Your password is changed. Your other sessions have ended.")
        )
        return response


password_reset = PasswordResetView.as_view()
password_reset_done = PasswordResetDoneView.as_view()
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = PasswordResetCompleteView.as_view()


RESET_CODE_SESSION_KEY = "portal:reset_code"


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_phone(request: HttpRequest) -> HttpResponse:
    """KPJ number and mobile number; the next page asks for the code, whether or not they
    belong to an account (then no code is sent and none works)."""
    if not sms.available():
        raise Http404
    form = PhoneResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.session[RESET_CODE_SESSION_KEY] = services.start_phone_reset(
            kpj_number=form.cleaned_data["kpj_number"],
            phone=form.cleaned_data["phone"],
            ip_address=client_ip(request),
        )
        return redirect("portal:password_reset_code")
    return render(request, "portal/password_reset_phone.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    """The code typed back opens the page of a reset link, where the new password is chosen."""
    key = request.session.get(RESET_CODE_SESSION_KEY)
    if key is None:
        return redirect("portal:password_reset_phone")
    form = SmsCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            path = services.finish_phone_reset(
                key=key, code=form.cleaned_data["code"], ip_address=client_ip(request)
            )
        except services.CodesThrottledError as exc:
            form.add_error(None, exc.message)
            status = 429
        except ApplicationError as exc:
            form.add_error("code", exc.message)
            status = 400
        else:
            request.session.pop(RESET_CODE_SESSION_KEY, None)
            return redirect(path)
    return render(
        request,
        "portal/password_reset_code.html",
        {"form": form, "minutes": codes.CODE_MINUTES},
        status=status,
    )


@worker_required
def password_change(request: HttpRequest, participant) -> HttpResponseBase:
    return PasswordChangeView.as_view()(request)


@login_required
@require_POST
def logout_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    sign_out_everywhere(request)
    return redirect("portal:login")


# --- the officer at the branch -------------------------------------------------------------------


def _require_officer(request: HttpRequest) -> None:
    if not request.user.has_perm(AccountPerm.ISSUE_WORKER_RESET_LINK):
        raise PermissionDenied


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def worker_accounts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a worker of the branch (NIK, KPJ or name; POSTed, so a NIK stays out of URLs)."""
    _require_officer(request)
    query = request.POST.get("q", "").strip() if request.method == "POST" else ""
    results = None
    if query:
        base = participants_visible_to(request.user).select_related("user")
        results = list(search_participants(query, base=base)[:20])
    return render(
        request, "portal/branch/worker_accounts.html", {"query": query, "results": results}
    )


@never_cache
@login_required
@require_POST
def issue_reset_link(request: AuthenticatedHttpRequest, participant_pk: int) -> HttpResponse:
    """The one-time link, shown on this page only (the response is not stored)."""
    _require_officer(request)
    if request.POST.get("identity_checked") != "yes":
        messages.error(
            request, _("First check the worker's KTP in person, then tick the box to confirm.")
        )
        return redirect("worker_accounts:search")
    try:
        path = services.issue_branch_reset_link(
            participant_id=participant_pk,
            acting_user=request.user,
            request=request,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("worker_accounts:search")
    response = render(
        request,
        "portal/branch/reset_link.html",
        {"link": request.build_absolute_uri(path), "minutes": _link_minutes()},
    )
    response["Cache-Control"] = "no-store"
    return response
