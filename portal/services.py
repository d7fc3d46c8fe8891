"""Writes of the worker portal: account activation, e-mail and phone confirmation, resets.

Everything a worker does to a claim or a benefit goes through the workflow services
(claims.services) and the benefit services (benefits.services); this module only owns the
portal account itself, the e-mails it sends, and steps where the portal joins two workflow
services into one act of the worker (signing the KAPK and sending the claim). What the worker
is told about the case is claims.notifications.
"""

import datetime as dt
import math
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import services as claim_services
from claims.models import Claim
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.identity import is_staff_member, record_account_event
from jkp_site.core.models import AccountEvent, User
from jkp_site.core.passwords import reset_path
from jkp_site.core.permissions import AccountPerm
from jkp_site.core.roles import Role
from jkp_site.core.throttle import reset_allowed_for, reset_allowed_from, within_limit
from participants.models import Participant
from participants.selectors import participants_visible_to
from portal import codes
from portal.throttle import ActivationThrottle

EMAIL_CONFIRM_SALT = "portal.confirm-email"
EMAIL_CONFIRM_MAX_AGE = dt.timedelta(days=3)


class IdentityNotProvenError(ApplicationError):
    """The three facts did not all match. Deliberately silent about which one failed."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "These details do not match our records. Check your NIK, your KPJ card number "
                "and your birth date, or ask your BPJS Ketenagakerjaan branch for help."
            ),
            code="identity_not_proven",
        )


class ActivationThrottledError(ApplicationError):
    """Too many failures from this address, or (``wait_seconds``) for this NIK from it."""

    def __init__(self, wait_seconds: int | None = None) -> None:
        if wait_seconds is None:
            message = _("Too many attempts. For your security, wait an hour before trying again.")
        else:
            minutes = max(1, math.ceil(wait_seconds / 60))
            message = ngettext(
                "Too many attempts with these details. For your security, wait %(minutes)d "
                "minute before trying again.",
                "Too many attempts with these details. For your security, wait %(minutes)d "
                "minutes before trying again.",
                minutes,
            ) % {"minutes": minutes}
        super().__init__(message, code="throttled")


class AccountExistsError(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "A portal account already exists for this participant. Sign in with your KPJ "
                "number; if you forgot the password, choose “Forgot your password?” there."
            ),
            code="account_exists",
        )


@transaction.atomic
def activate_account(
    *,
    nik: str,
    kpj_number: str,
    birth_date: dt.date,
    password: str,
    ip_address: str,
) -> User:
    """Create the portal account of the participant who proves NIK, KPJ number and birth date.

    All three must match one participant record. Any mismatch raises IdentityNotProvenError
    with the same message, and counts against the client address and against the NIK tried
    from that address (ActivationThrottle); once either is over its limit,
    ActivationThrottledError is raised before anything is looked up, even for correct details.
    The same NIK from another address is not held back. A participant has at most one
    account (AccountExistsError; the one-to-one column enforces it too). The account's user
    name is the KPJ number; it joins the "peserta" group and has no branch.
    """
    throttle = ActivationThrottle.from_settings()
    if throttle.address_blocked(ip_address=ip_address):
        raise ActivationThrottledError()
    wait = throttle.pair_wait_seconds(nik=nik, ip_address=ip_address)
    if wait:
        raise ActivationThrottledError(wait_seconds=wait)
    participant = (
        Participant.objects.select_for_update().filter(nik_index=Participant.index_for(nik)).first()
    )
    if (
        participant is None
        or participant.kpj_number != kpj_number
        or participant.birth_date != birth_date
    ):
        throttle.record_failure(nik=nik, ip_address=ip_address)
        raise IdentityNotProvenError()
    if participant.user_id is not None or User.objects.filter(username=kpj_number).exists():
        raise AccountExistsError()
    first_name, _sep, last_name = participant.name.partition(" ")
    user = User.objects.create_user(
        username=kpj_number,
        password=password,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    user.groups.add(Group.objects.get(name=Role.PESERTA.value))
    participant.user = user
    participant.save(update_fields=["user", "updated_at"])
    throttle.reset_identity(nik=nik, ip_address=ip_address)
    return user


def email_confirmation_token(*, user: User, email: str) -> str:
    """A signed, expiring token for confirming `email` as `user`'s address.

    It carries the address the account had when it was issued, so it stops working once any
    confirmation (this one or a later one) has changed the address.
    """
    return signing.dumps(
        {"u": user.pk, "e": email, "was": user.email}, salt=EMAIL_CONFIRM_SALT, compress=True
    )


def send_email_confirmation(*, user: User, email: str, link_for: Callable[[str], str]) -> None:
    """Send the confirmation link for `email` (after commit). `link_for(token)` -> absolute URL."""
    link = link_for(email_confirmation_token(user=user, email=email))
    body = render_to_string(
        "portal/email/confirm_email.txt", {"user": user, "link": link, "days": 3}
    )
    transaction.on_commit(
        lambda: send_mail(
            _("Confirm your e-mail address for the JKP portal"),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    )


@transaction.atomic
def sign_kapk_and_submit(*, claim_id: int, acting_user: User) -> Claim:
    """The review step's one button: sign the KAPK and send the draft to the branch.

    One transaction, so a refused submission (say, a missing PHK proof) does not leave a
    signed KAPK on a draft the worker thinks they have not signed yet. Raises whatever
    ApplicationError the workflow services raise.
    """
    claim_services.update_draft(claim_id=claim_id, acting_user=acting_user, kapk_signed=True)
    return claim_services.submit_claim(claim_id=claim_id, acting_user=acting_user)


class InvalidEmailLinkError(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _("This confirmation link is invalid, already used or expired. Ask for a new one."),
            code="invalid_link",
        )


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Record the address a signed link confirms, on the account and the participant record.

    Raises InvalidEmailLinkError for a forged, expired or already used link.
    """
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRM_SALT, max_age=EMAIL_CONFIRM_MAX_AGE)
    except signing.BadSignature:
        raise InvalidEmailLinkError() from None
    user = User.objects.select_for_update().filter(pk=data.get("u")).first()
    if user is None or user.email != data.get("was"):
        raise InvalidEmailLinkError()
    user.email = data["e"]
    user.save(update_fields=["email"])
    Participant.objects.filter(user=user).update(email=data["e"], updated_at=timezone.now())
    return user


# --- Passwords: a reset link issued at the branch ---------------------------------------------


class ResetLinkRefusedError(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _("A reset link can only be made for the portal account of a worker of your branch."),
            code="forbidden",
        )


@transaction.atomic
def issue_branch_reset_link(
    *, participant_id: int, acting_user: User, request: HttpRequest | None = None
) -> str:
    """A one-time password reset link (its path) for the portal account of a worker of the
    officer's branch, made after the officer checked the worker's identity in person.

    The officer needs ``core.issue_worker_reset_link`` and the worker must be employed at an
    employer of the officer's branch scope and hold a worker (not a staff) account; else
    ResetLinkRefusedError. Recorded as an AccountEvent naming the officer.
    """
    if not acting_user.has_perm(AccountPerm.ISSUE_WORKER_RESET_LINK):
        raise ResetLinkRefusedError()
    participant = participants_visible_to(acting_user).filter(pk=participant_id).first()
    user = participant.user if participant is not None else None
    if user is None or not user.is_active or is_staff_member(user):
        raise ResetLinkRefusedError()
    record_account_event(
        kind=AccountEvent.Kind.BRANCH_RESET_LINK,
        actor=acting_user,
        subject=user,
        request=request,
        note="identity checked in person",
    )
    return reset_path(user, portal=True)


# --- The mobile number: confirmed by a code, and a reset by a code ------------------------------

# Codes sent to one signed-in account an hour; wrong codes typed from one address an hour.
CODES_PER_ACCOUNT = 3
WRONG_CODES_PER_ADDRESS = 20
CODE_WINDOW_SECONDS = 60 * 60


class InvalidCodeError(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _("This code is wrong or has expired. Check the SMS, or ask for a new code."),
            code="invalid_code",
            field="code",
        )


class CodesThrottledError(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _("Too many codes asked for or typed. For your security, wait an hour."),
            code="throttled",
        )


def _send_code(key: str, ip_address: str) -> None:
    from portal.tasks import send_phone_code_task

    language = translation.get_language() or "id"
    transaction.on_commit(partial(send_phone_code_task.delay, key, language, ip_address))


def start_phone_confirmation(*, user: User, phone: str, ip_address: str) -> str:
    """Send a code by SMS (after commit) to ``phone``, which becomes the account's mobile
    number once the code is typed back (confirm_phone). Returns the challenge's key, for the
    session. At most CODES_PER_ACCOUNT an hour (CodesThrottledError)."""
    if not within_limit(f"portal:code:user:{user.pk}", CODES_PER_ACCOUNT, CODE_WINDOW_SECONDS):
        raise CodesThrottledError()
    key = codes.start(purpose=codes.CONFIRM_PHONE, user_id=user.pk, phone=phone)
    _send_code(key, ip_address)
    return key


def _check_code(*, key: str | None, purpose: str, code: str, ip_address: str) -> codes.Answered:
    if cache.get(f"portal:code:wrong:{ip_address}", 0) >= WRONG_CODES_PER_ADDRESS:
        raise CodesThrottledError()
    challenge = codes.use_code(key, purpose=purpose, code=code)
    if challenge is None:
        within_limit(
            f"portal:code:wrong:{ip_address}", WRONG_CODES_PER_ADDRESS, CODE_WINDOW_SECONDS
        )
        raise InvalidCodeError()
    return challenge


@transaction.atomic
def confirm_phone(*, user: User, key: str | None, code: str, ip_address: str) -> User:
    """Record the mobile number the code confirms, on the account and the participant record.

    Raises InvalidCodeError for a wrong, used or expired code, or one sent for another account;
    CodesThrottledError after too many wrong codes from the address.
    """
    challenge = _check_code(key=key, purpose=codes.CONFIRM_PHONE, code=code, ip_address=ip_address)
    if challenge.user_id != user.pk:
        raise InvalidCodeError()
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.phone = challenge.phone
    locked.save(update_fields=["phone"])
    Participant.objects.filter(user=locked).update(phone=challenge.phone, updated_at=timezone.now())
    return locked


def start_phone_reset(*, kpj_number: str, phone: str, ip_address: str) -> str:
    """A password reset by SMS for the worker's account with this KPJ number and this
    confirmed mobile number. Returns a challenge's key whether or not such an account exists
    (then nothing is sent, and no code will do), so the answer tells nothing; past the limits
    of a reset by e-mail (per address, per account) nothing is sent either."""
    user = (
        User.objects.filter(
            Q(username=kpj_number) | Q(participant__kpj_number=kpj_number),
            phone=phone,
            is_active=True,
            participant__isnull=False,
        )
        .exclude(phone="")
        .first()
    )
    if user is not None and (
        is_staff_member(user) or not reset_allowed_from(ip_address) or not reset_allowed_for(user)
    ):
        user = None
    key = codes.start(purpose=codes.RESET_PASSWORD, user_id=user.pk if user else None, phone=phone)
    _send_code(key, ip_address)
    return key


def finish_phone_reset(*, key: str | None, code: str, ip_address: str) -> str:
    """The path of a fresh reset link (Django's signed, single-use token) for the account the
    code was sent to; the worker chooses the new password there. Raises InvalidCodeError or
    CodesThrottledError as confirm_phone does."""
    challenge = _check_code(key=key, purpose=codes.RESET_PASSWORD, code=code, ip_address=ip_address)
    user = User.objects.filter(pk=challenge.user_id, is_active=True).first()
    if user is None:
        raise InvalidCodeError()
    return reset_path(user, portal=True)
