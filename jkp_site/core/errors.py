"""Error tracking without personal data: Sentry's ``before_send`` (settings, SENTRY_DSN).

Every string in the event (messages, exception values, breadcrumbs, local variables, tags)
has its NIK-like digit runs replaced (jkp_site.core.logs.redact), and what a request carried
(body, cookies, query string, headers but the user agent) is dropped: the event keeps the
URL path, the view and the request id, which is enough to find the log lines.
"""

from __future__ import annotations

from typing import Any, cast

from sentry_sdk.types import Event, Hint

from jkp_site.core.logs import redact

_KEPT_HEADERS = {"user-agent", "x-request-id"}


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def before_send(event: Event, hint: Hint) -> Event | None:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in _KEPT_HEADERS
            }
    event.pop("user", None)
    return cast(Event, _scrub(event))
