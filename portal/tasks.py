"""Background work of the portal: the password reset e-mail.

The task takes the account's primary key and makes the link itself, so no reset token waits
in the broker, and the request that asked for it answers in the same time whether or not
the address belongs to anyone.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from jkp_site.core.models import User
from jkp_site.core.passwords import reset_path


@shared_task
def send_password_reset_task(user_id: int, language: str = "id") -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    with translation.override(language):
        link = settings.SITE_URL.rstrip("/") + reset_path(user, portal=True)
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        body = render_to_string(
            "portal/email/password_reset.txt", {"user": user, "link": link, "minutes": minutes}
        )
        send_mail(_("Reset your JKP portal password"), body, None, [user.email])
    return True
