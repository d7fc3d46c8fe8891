"""Background work of the portal: the one-time codes sent by SMS (portal.codes).

The task takes the challenge's key and makes the code itself, so no code waits in the broker,
and the request that asked for it answers in the same time whether or not an account is
behind it.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _

from jkp_site.core import sms
from jkp_site.core.identity import record_account_event
from jkp_site.core.models import AccountEvent, User
from portal import codes


@shared_task
def send_phone_code_task(key: str, language: str = "id", ip_address: str = "") -> bool:
    issued = codes.issue_code(key)
    if issued is None:
        return False
    challenge, code = issued
    user = User.objects.filter(pk=challenge.user_id, is_active=True).first()
    if user is None:
        return False
    values = {"code": code, "minutes": codes.CODE_MINUTES}
    with translation.override(language):
        if challenge.purpose == codes.RESET_PASSWORD:
            body = _(
                "JKP: %(code)s is your code to reset your portal password. It expires in "
                "%(minutes)d minutes. Never give it to anyone, not even BPJS staff."
            )
        else:
            body = _(
                "JKP: %(code)s is your code to confirm this number for the portal. It expires "
                "in %(minutes)d minutes."
            )
        sms.send_sms(to=challenge.phone, body=body % values)
    if challenge.purpose == codes.RESET_PASSWORD:
        record_account_event(
            kind=AccountEvent.Kind.RESET_ASKED,
            actor=None,
            subject=user,
            ip_address=ip_address,
            note="phone",
        )
    return True
