"""Password reset links, the standard Django way: a signed token of Django's generator, valid
for ``PASSWORD_RESET_TIMEOUT`` seconds and only until the password (or the last sign-in)
changes, so each link works once.

Workers' links open on the portal; staff links on /accounts/. Links issued by a person (an
officer at the branch, a superuser in the admin), a reset asked for on a public page and each
password set through a link are recorded as an AccountEvent.

A link in an e-mail is built from the address of the request that asked for it (Django checks
its host against ALLOWED_HOSTS), so it opens where the person is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jkp_site.core.identity import is_staff_member, record_account_event
from jkp_site.core.session_policy import end_all_sessions

if TYPE_CHECKING:
    from django.http import HttpRequest

    from jkp_site.core.models import User


def reset_path(user: User, *, portal: bool | None = None) -> str:
    """The path of a fresh reset link for ``user`` (on the portal for a worker)."""
    if portal is None:
        portal = not is_staff_member(user)
    name = "portal:password_reset_confirm" if portal else "account:password_reset_confirm"
    return reverse(
        name,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def password_was_set(user: User, *, request: HttpRequest | None = None) -> None:
    """After a reset: every session of the user ends, and a lockout of the user name (perhaps
    a stranger's doing) is lifted, since the owner just proved the account is theirs. Recorded
    as an AccountEvent of the account itself."""
    from axes.utils import reset as axes_reset

    from jkp_site.core.models import AccountEvent

    end_all_sessions(user)
    axes_reset(username=user.get_username())
    record_account_event(
        kind=AccountEvent.Kind.PASSWORD_RESET, actor=user, subject=user, request=request
    )
