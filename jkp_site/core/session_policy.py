"""How long a signed-in session lasts, and ending every session of a user.

Staff sessions end after ``STAFF_SESSION_IDLE_MINUTES`` without a request and
``STAFF_SESSION_MAX_HOURS`` after sign-in; workers' after ``WORKER_SESSION_IDLE_MINUTES`` and
``WORKER_SESSION_MAX_HOURS``. The clock readings live in the session itself (stored server
side), written at sign-in and refreshed at most once a minute, so a page costs no query.

Every session a user signs in with is recorded (``UserSession``), so "sign out everywhere"
deletes each one whatever the session backend. A password change or reset ends the other
sessions on its own: Django checks the session's hash of the password on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext

from jkp_site.core.identity import is_staff_member

if TYPE_CHECKING:
    from jkp_site.core.models import User

KIND = "jkp_session_kind"  # "staff" or "worker"
SIGNED_IN_AT = "jkp_signed_in_at"  # Unix seconds
SEEN_AT = "jkp_seen_at"  # Unix seconds, refreshed at most every SEEN_GRANULARITY
TRACKED_KEY = "jkp_tracked_key"  # the session key last recorded in UserSession
SEEN_GRANULARITY = 60

STAFF, WORKER = "staff", "worker"


def limits(kind: str) -> tuple[int, int]:
    """(idle seconds, absolute seconds) for a kind of session."""
    if kind == STAFF:
        return (
            int(settings.STAFF_SESSION_IDLE_MINUTES) * 60,
            int(settings.STAFF_SESSION_MAX_HOURS) * 3600,
        )
    return (
        int(settings.WORKER_SESSION_IDLE_MINUTES) * 60,
        int(settings.WORKER_SESSION_MAX_HOURS) * 3600,
    )


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def track_session(request: HttpRequest, user_id: int) -> None:
    """Record the request's session key as one of ``user_id``'s sessions."""
    from jkp_site.core.models import UserSession

    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key
    if key is None:  # a backend without keys (signed cookies): nothing to record
        return
    UserSession.objects.update_or_create(session_key=key, defaults={"user_id": user_id})
    session[TRACKED_KEY] = key
    # Sessions older than the longest lifetime are over whatever their row says.
    longest = max(limits(STAFF)[1], limits(WORKER)[1])
    UserSession.objects.filter(
        user_id=user_id, created_at__lt=timezone.now() - timedelta(seconds=longest)
    ).delete()


def end_all_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every recorded session of ``user`` (but ``keep``, a session key). Returns how
    many were ended."""
    from jkp_site.core.models import UserSession

    store = _session_store()()
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _on_login(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[KIND] = STAFF if is_staff_member(user) else WORKER
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    track_session(request, user.pk)


def _on_logout(sender, request: HttpRequest | None, user: User | None, **kwargs) -> None:
    from jkp_site.core.models import UserSession

    if request is None or not hasattr(request, "session") or request.session.session_key is None:
        return
    UserSession.objects.filter(session_key=request.session.session_key).delete()


user_logged_in.connect(_on_login, dispatch_uid="core.session_policy.login")
user_logged_out.connect(_on_logout, dispatch_uid="core.session_policy.logout")


class SessionPolicyMiddleware:
    """Ends a signed-in session that has been idle, or alive, too long (see the module).

    After ``AuthenticationMiddleware`` and ``MessageMiddleware``. A session without the
    readings written at sign-in (one from before this policy) is ended as well. The request
    then goes on as an anonymous one, so the page's own sign-in rule applies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            self._enforce(request)
        response = self.get_response(request)
        if SESSION_KEY in session and session.get(TRACKED_KEY) != session.session_key:
            # The key changed under a signed-in user (a second factor verified, a password
            # changed): record the new one.
            track_session(request, int(session[SESSION_KEY]))
        return response

    def _enforce(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        kind = session.get(KIND, WORKER)
        idle, absolute = limits(kind)
        signed_in_at = session.get(SIGNED_IN_AT)
        seen_at = session.get(SEEN_AT)
        if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
            logout(request)
            return
        if now - signed_in_at > absolute:
            logout(request)
            hours = absolute // 3600
            messages.info(
                request,
                ngettext(
                    "Your session ended %(hours)d hour after you signed in. Sign in again.",
                    "Your session ended %(hours)d hours after you signed in. Sign in again.",
                    hours,
                )
                % {"hours": hours},
            )
            return
        if now - seen_at > idle:
            logout(request)
            minutes = idle // 60
            messages.info(
                request,
                ngettext(
                    "You were signed out after %(minutes)d minute without activity.",
                    "You were signed out after %(minutes)d minutes without activity.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            return
        if now - seen_at >= SEEN_GRANULARITY:
            session[SEEN_AT] = now
