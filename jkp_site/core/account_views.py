"""Pages of one's own sign-in: the second factor, sessions, passwords, and the supervisor's
reset of a second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from jkp_site.core import twofactor
from jkp_site.core.account_forms import CodeForm, FirstCodeForm, StaffPasswordResetForm
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.identity import STAFF_ROLES, is_staff_member
from jkp_site.core.models import User
from jkp_site.core.passwords import password_was_set
from jkp_site.core.permissions import AccountPerm
from jkp_site.core.scoping import branch_q
from jkp_site.core.session_policy import end_all_sessions


def _next_url(request: HttpRequest, default: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- the second factor ------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrolment: the secret for the app, then a first code to confirm it. Only for staff who
    have no second factor yet (someone with one must use it, or have it reset)."""
    user = request.user
    next_url = _next_url(request)
    if not is_staff_member(user):
        return redirect(next_url)
    if twofactor.has_second_factor(user):
        return redirect_to_login(next_url, reverse("account:otp_verify"))
    form = FirstCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            return _no_store(
                render(
                    request,
                    "registration/recovery_codes.html",
                    {"codes": [twofactor.show_code(c) for c in codes], "next": next_url},
                )
            )
    device = twofactor.pending_device(user)
    return _no_store(
        render(
            request,
            "registration/otp_setup.html",
            {
                "form": form,
                "secret": twofactor.grouped(twofactor.base32_secret(device)),
                "otpauth_uri": device.config_url,
                "next": next_url,
            },
            status=400 if form.is_bound else 200,
        )
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of a staff sign-in: a code from the app or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if not is_staff_member(user) or twofactor.session_verified(user):
        return redirect(next_url)
    if not twofactor.has_second_factor(user):
        return redirect_to_login(next_url, reverse("account:otp_setup"))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify(request=request, user=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(count)d is left. Make new ones "
                        "on the Security page.",
                        "You signed in with a recovery code; %(count)d are left. Make new ones "
                        "on the Security page.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One's own sign-in: the second factor, recovery codes, password, sessions."""
    user = request.user
    staff = is_staff_member(user)
    return render(
        request,
        "registration/security.html",
        {
            "staff": staff,
            "has_factor": staff and twofactor.has_second_factor(user),
            "verified": twofactor.session_verified(user),
            "codes_left": twofactor.recovery_codes_left(user) if staff else 0,
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ten new recovery codes (the old ones stop working), for a session verified with a
    second factor."""
    user = request.user
    if not is_staff_member(user) or not twofactor.has_second_factor(user):
        raise PermissionDenied
    if not twofactor.session_verified(user):
        return redirect_to_login(reverse("account:security"), reverse("account:otp_verify"))
    codes = twofactor.regenerate_recovery_codes(user=user)
    return _no_store(
        render(
            request,
            "registration/recovery_codes.html",
            {"codes": [twofactor.show_code(c) for c in codes], "next": reverse("account:security")},
        )
    )


# --- sessions and passwords -------------------------------------------------------------------


def sign_out_everywhere(request: AuthenticatedHttpRequest) -> None:
    """End every session of the signed-in user, this one included."""
    end_all_sessions(request.user)
    logout(request)
    messages.success(request, _("You are signed out on every device."))


@login_required
@require_POST
def logout_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    sign_out_everywhere(request)
    return redirect("login")


class StaffPasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; every other session of the user ends with it."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account:security")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session (update_session_auth_hash)
        end_all_sessions(form.user, keep=self.request.session.session_key)
        messages.success(
            self.request, _("Your password is changed. Your other sessions have ended.")
        )
        return response


class StaffPasswordResetView(auth_views.PasswordResetView):
    """Staff ask for a reset link by e-mail (workers use the portal's page): the same answer
    whether or not the address is a staff member's, limited per address and per account."""

    template_name = "registration/password_reset_form.html"
    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("account:password_reset_done")


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        return {**super().get_context_data(**kwargs), "minutes": minutes}


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The page a reset link opens (Django's signed, expiring, single-use token)."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("account:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_was_set(form.user, request=self.request)
        return response


# --- the supervisor: second factors of the branch's staff ----------------------------------------


def _may_reset(user) -> bool:
    return user.is_superuser or user.has_perm(AccountPerm.RESET_SECOND_FACTOR)


def _staff_in_scope(user):
    qs = User.objects.filter(is_active=True).select_related("branch").order_by("username")
    staff = qs.filter(groups__name__in=STAFF_ROLES).distinct()
    if user.is_superuser:
        return staff
    if user.branch_id is None:
        return staff.none()
    return staff.filter(branch_q(user.branch_id)).exclude(is_superuser=True)


@login_required
def staff_accounts(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _may_reset(request.user):
        raise PermissionDenied
    rows = [
        {
            "user": member,
            "has_factor": twofactor.has_second_factor(member),
            "can_reset": twofactor.can_reset(request.user, member),
        }
        for member in _staff_in_scope(request.user)[:200]
    ]
    return render(request, "core/staff_accounts.html", {"rows": rows})


@login_required
@require_POST
def staff_reset_second_factor(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not _may_reset(request.user):
        raise PermissionDenied
    target = get_object_or_404(_staff_in_scope(request.user), pk=pk)
    try:
        twofactor.reset_second_factor(actor=request.user, target=target, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "The second factor of %(name)s is reset and their sessions have ended. They set "
                "up their app again at the next sign-in."
            )
            % {"name": target.get_full_name() or target.username},
        )
    return redirect("account:staff_accounts")
