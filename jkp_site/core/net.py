"""The client's address: one rule for the login lockout, the throttles, the API and the logs.

Behind N trusted proxies (``TRUSTED_PROXY_COUNT``), each of which appends the address it was
connected from to ``X-Forwarded-For``, the client is the Nth address from the right: everything
to the left of it was written by the client and proves nothing. With no trusted proxy
(``TRUSTED_PROXY_COUNT=0``, the default) the header is ignored and the address is the peer of
the connection, ``REMOTE_ADDR``. A header with fewer entries than trusted proxies did not pass
through all of them, so the peer is used then too. The address comes back in canonical form
(``2001:db8::1``), or empty when there is none.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# No address at all (a request made in code, such as the test client's force_login): empty, which
# axes stores as NULL and every throttle keys like any other address.
UNKNOWN = ""

_current_ip: contextvars.ContextVar[str] = contextvars.ContextVar("client_ip", default="-")


def _normalise(value: str) -> str | None:
    """An IP address in canonical form, or None. Tolerates a port (``1.2.3.4:80``,
    ``[2001:db8::1]:443``), which some proxies add."""
    value = value.strip()
    if not value:
        return None
    candidates = [value]
    if value.startswith("[") and "]" in value:
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:
        candidates.append(value.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (see the module's docstring)."""
    remote = _normalise(request.META.get("REMOTE_ADDR", "") or "") or UNKNOWN
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [part.strip() for part in header.split(",") if part.strip()]
    if len(hops) < trusted:
        return remote
    return _normalise(hops[-trusted]) or remote


class ClientIPMiddleware:
    """Puts ``request.client_ip`` on every request (the API and the views read it there) and
    the same address in the log records written while the request runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_ip(request)
        request.client_ip = address  # type: ignore[attr-defined]
        token = _current_ip.set(address)
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)


class ClientIPLogFilter(logging.Filter):
    """Adds ``client_ip`` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "client_ip"):
            record.client_ip = _current_ip.get()
        return True
