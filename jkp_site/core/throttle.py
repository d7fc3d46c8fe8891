"""Password spraying: one address trying many user names.

django-axes locks a user name after repeated failures from any address. That does not stop
one address from trying a common password against many names, so failed sign-ins are also
counted per client address (``jkp_site.core.net.client_ip``): once ``LOGIN_SPRAY_LIMIT``
distinct user names have failed from one address within ``LOGIN_SPRAY_WINDOW_MINUTES``, that
address may not try any sign-in for the same time. Counts live in the Django cache (Redis in
production, shared by every web node); user names are kept there only as keyed hashes.

Password resets asked for (by e-mail or by a code sent by SMS) are limited the same way, per
address and per account (``reset_allowed_from``, ``reset_allowed_for``), without saying so.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from jkp_site.core.net import client_ip

PREFIX = "auth:spray"


def _window() -> int:
    return int(settings.LOGIN_SPRAY_WINDOW_MINUTES) * 60


def _name_hash(username: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), username.casefold().encode(), hashlib.sha256
    ).hexdigest()[:32]


def address_blocked(address: str) -> bool:
    # The block holds its end time as well as expiring with it: the clock decides, whatever
    # the cache backend (and a test's moved clock) does with expiry.
    until = cache.get(f"{PREFIX}:block:{address}")
    return until is not None and float(until) > time.time()


def record_failure(address: str, username: str) -> None:
    """Count ``username`` against ``address`` (once per window) and block the address when
    the count reaches the limit."""
    window = _window()
    if not cache.add(f"{PREFIX}:name:{address}:{_name_hash(username)}", 1, timeout=window):
        return  # this name already counted for this address in the window
    count_key = f"{PREFIX}:count:{address}"
    if cache.add(count_key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add() and incr()
            cache.add(count_key, 1, timeout=window)
            count = 1
    if count >= int(settings.LOGIN_SPRAY_LIMIT):
        cache.set(f"{PREFIX}:block:{address}", time.time() + window, timeout=window)


def _on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    if request is None:
        return
    username = credentials.get("username")
    if not username:
        return
    record_failure(client_ip(request), str(username))


user_login_failed.connect(_on_login_failed, dispatch_uid="core.throttle.spray")


class SprayGuardBackend:
    """An authentication backend that authenticates no one: it refuses every sign-in from a
    blocked address before any password is checked. The refusal is shown as the lockout page
    (django-axes' middleware renders it for ``request.axes_locked_out``).

    It has no ``get_user``: it never signs anyone in, and so no session names it (the test
    client's ``force_login`` picks the first backend that has one)."""

    def authenticate(self, request: HttpRequest | None, **credentials):
        if request is not None and address_blocked(client_ip(request)):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied("too many user names tried from this address")
        return None


def within_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more use of ``key`` in a fixed window; False once past ``limit``. For what
    may be asked a few times an hour (reset e-mails, codes by SMS) without saying it was
    refused."""
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        return int(cache.incr(key)) <= limit
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
        return True


# At most this many password resets asked for from one address, and for one account, an hour
# (by e-mail or by phone); past that nothing is sent, and the page says the same as always.
RESETS_PER_ADDRESS = 10
RESETS_PER_ACCOUNT = 3
RESET_WINDOW_SECONDS = 60 * 60


def reset_allowed_from(address: str) -> bool:
    return within_limit(f"auth:reset:ip:{address}", RESETS_PER_ADDRESS, RESET_WINDOW_SECONDS)


def reset_allowed_for(user: AbstractBaseUser) -> bool:
    return within_limit(f"auth:reset:user:{user.pk}", RESETS_PER_ACCOUNT, RESET_WINDOW_SECONDS)
