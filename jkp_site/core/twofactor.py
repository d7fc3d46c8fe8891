"""The second factor of staff: a TOTP app (django-otp) and ten single-use recovery codes.

Staff (``identity.is_staff_member``) must have verified one of them in the session before any
staff page or the admin opens, whenever ``STAFF_OTP_REQUIRED`` is on
(``StaffSecondFactorMiddleware``). A staff member without a confirmed TOTP device enrols on
the first sign-in: the app is set up from the secret the enrolment page shows (until it is
confirmed with a first code), and the ten recovery codes are shown once. A supervisor (for
staff of the branch) or a superuser can reset a lost factor; the reset is recorded
(``AccountEvent``) and the person enrols again at the next sign-in.
"""

from __future__ import annotations

import base64
import math
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.identity import is_staff_member, record_account_event
from jkp_site.core.permissions import AccountPerm
from jkp_site.core.scoping import covers_branch

if TYPE_CHECKING:
    from django_otp.models import Device

    from jkp_site.core.models import User

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


# --- reading --------------------------------------------------------------------------------


def session_verified(user: object) -> bool:
    """Whether this request's user verified a second factor in the session (django-otp's
    ``OTPMiddleware`` puts ``is_verified`` on it)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def grouped(secret: str, size: int = 4) -> str:
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


# --- enrolment ------------------------------------------------------------------------------


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device the enrolment page shows (made once, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


class EnrolmentNotAllowedError(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _("A second factor is already set up for this account."), code="already_enrolled"
        )


class WrongCodeError(ApplicationError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("That code is not right. Check the time on your phone and try again."),
            code="wrong_code",
            field="code",
        )


def _throttle_message(device: Device) -> str | None:
    """django-otp holds a device back after wrong codes (the delay doubles with each one)."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second, then try again.",
        "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def confirm_enrolment(*, request: HttpRequest, user: User, code: str) -> list[str]:
    """Confirm the pending TOTP device with its first code, mark the session verified and
    return the ten new recovery codes (shown once, never again)."""
    with transaction.atomic():
        if has_second_factor(user):
            raise EnrolmentNotAllowedError()
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            raise WrongCodeError()
        refusal = _throttle_message(device)
        # A wrong code's count must outlive the refusal, so it is raised after the commit.
        accepted = refusal is None and device.verify_token(normalise_code(code))
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _new_recovery_codes(user)
    if not accepted:
        raise WrongCodeError(refusal)
    _mark_verified(request, device)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    # 80 random bits each, in the 16 characters a static token holds.
    codes = [
        base64.b32encode(secrets.token_bytes(10)).decode().lower()
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Replace the recovery codes (the old ones stop working). Needs a verified session."""
    return _new_recovery_codes(user)


def show_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- verification ---------------------------------------------------------------------------


def verify(*, request: HttpRequest, user: User, code: str) -> Device:
    """Check a code from the app (six digits) or a recovery code; mark the session verified.
    A recovery code is used up. Raises WrongCodeError, also while django-otp holds the device
    back after wrong codes (its delay doubles with each one)."""
    code = normalise_code(code)
    device: Device | None
    with transaction.atomic():  # the device row locked: one verification at a time
        if code.isdigit():
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
        else:
            device = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
        if device is None:
            raise WrongCodeError()
        refusal = _throttle_message(device)
        accepted = refusal is None and device.verify_token(code)
    # Raised after the commit, so the failure count django-otp just saved is kept.
    if not accepted:
        raise WrongCodeError(refusal)
    _mark_verified(request, device)
    return device


def _mark_verified(request: HttpRequest, device: Device) -> None:
    # A new session key for the new level of trust (no fixation across the second step).
    request.session.cycle_key()
    otp_login(request, device)


# --- reset by a supervisor or a superuser ----------------------------------------------------


def can_reset(actor: User, target: User) -> bool:
    """A superuser may reset anyone's second factor but their own; a supervisor with the
    permission, that of staff of their branch (sub-offices included) who are not superusers."""
    if actor.pk == target.pk or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if target.is_superuser or target.branch_id is None or actor.branch_id is None:
        return False
    if not actor.has_perm(AccountPerm.RESET_SECOND_FACTOR):
        return False
    return (
        target.branch is not None
        and is_staff_member(target)
        and covers_branch(actor, target.branch)
    )


@transaction.atomic
def reset_second_factor(*, actor: User, target: User, request: HttpRequest | None = None) -> None:
    """Remove the target's app and recovery codes and end their sessions; they enrol again at
    the next sign-in. Recorded as an AccountEvent."""
    from jkp_site.core.models import AccountEvent
    from jkp_site.core.session_policy import end_all_sessions

    if not can_reset(actor, target):
        raise PermissionDeniedError(_("You may not reset this person's second factor."))
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    end_all_sessions(target)
    record_account_event(
        kind=AccountEvent.Kind.SECOND_FACTOR_RESET, actor=actor, subject=target, request=request
    )


# --- the gate -------------------------------------------------------------------------------

# Paths a signed-in, not yet verified staff member may still open.
_OPEN_PATHS = (
    "account:otp_verify",
    "account:otp_setup",
    "logout",
    "login",
    "set_language",
    "healthz",
)
_OPEN_PREFIXES = ("/api/", "/accounts/reset/")


class StaffSecondFactorMiddleware:
    """With ``STAFF_OTP_REQUIRED`` on, a signed-in staff member who has not verified a second
    factor in this session reaches nothing but the second-factor pages (and sign-out): every
    other page, the admin included, redirects to the code step (or to enrolment for someone
    without a factor yet). Workers are never asked. After django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(settings, "STAFF_OTP_REQUIRED", False):
            refusal = self._gate(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        if path.startswith((*_OPEN_PREFIXES, settings.STATIC_URL)):
            return True
        return path in {reverse(name) for name in _OPEN_PATHS}

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or self._is_open(request.path):
            return None
        if not is_staff_member(user) or session_verified(user):
            return None
        target = "account:otp_verify" if has_second_factor(user) else "account:otp_setup"
        return redirect_to_login(request.get_full_path(), reverse(target))
