"""Background work of sign-in: the password reset e-mail, for workers and staff alike.

The task takes the account's primary key and makes the link itself, so no reset token waits
in the broker, and the request that asked for it answers in the same time whether or not the
address belongs to anyone. The link is built on ``base_url``, the address of the site as the
request that asked for it reached it.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from jkp_site.core.identity import is_staff_member, record_account_event
from jkp_site.core.models import AccountEvent, User
from jkp_site.core.passwords import reset_path


@shared_task
def send_password_reset_task(
    user_id: int, base_url: str, language: str = "id", ip_address: str = ""
) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    staff = is_staff_member(user)
    with translation.override(language):
        link = base_url.rstrip("/") + reset_path(user)
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        template = (
            "registration/password_reset_email.txt"
            if staff
            else ("portal/email/password_reset.txt")
        )
        subject = _("Reset your JKP password") if staff else _("Reset your JKP portal password")
        body = render_to_string(template, {"user": user, "link": link, "minutes": minutes})
        send_mail(subject, body, None, [user.email])
    record_account_event(
        kind=AccountEvent.Kind.RESET_ASKED,
        actor=None,
        subject=user,
        ip_address=ip_address,
        note="e-mail",
    )
    return True
