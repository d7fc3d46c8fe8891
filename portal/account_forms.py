"""The portal's password forms: Django's own, limited to workers' accounts."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from jkp_site.core.identity import is_staff_member
from jkp_site.core.net import client_ip

# At most this many reset e-mails asked for from one address, and to one account, an hour;
# past that nothing is sent, and the page says the same as always.
REQUESTS_PER_ADDRESS = 10
REQUESTS_PER_ACCOUNT = 3
WINDOW_SECONDS = 60 * 60


def _within(key: str, limit: int) -> bool:
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return True
    try:
        return int(cache.incr(key)) <= limit
    except ValueError:
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return True


class WorkerPasswordResetForm(PasswordResetForm):
    """Django's reset by e-mail, for workers' portal accounts only (staff get a link from a
    superuser). The e-mail goes out from a background task after commit; whether the address
    belongs to an account is never shown."""

    def get_users(self, email: str):
        for user in super().get_users(email):
            if hasattr(user, "participant") and not is_staff_member(user):
                yield user

    def save(self, request: HttpRequest | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        from portal.tasks import send_password_reset_task

        if request is not None and not _within(
            f"portal:reset:ip:{client_ip(request)}", REQUESTS_PER_ADDRESS
        ):
            return
        language = translation.get_language() or "id"
        for user in self.get_users(self.cleaned_data["email"]):
            if not _within(f"portal:reset:user:{user.pk}", REQUESTS_PER_ACCOUNT):
                continue
            transaction.on_commit(partial(send_password_reset_task.delay, user.pk, language))
