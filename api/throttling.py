"""Per-token rate limits: each integration client has its own budget of requests per minute
(``IntegrationClient.rate_per_minute``, or ``API_RATE_PER_MINUTE``), counted in the shared
cache (Redis in production), answered with a JSON 429 and ``Retry-After``."""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from api.models import IntegrationClient

DEFAULT_RATE_PER_MINUTE = 120


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return f"{getattr(settings, 'API_RATE_PER_MINUTE', DEFAULT_RATE_PER_MINUTE)}/min"

    def allow_request(self, request: Request, view: APIView) -> bool:
        client = request.auth
        if isinstance(client, IntegrationClient) and client.rate_per_minute:
            self.num_requests, self.duration = client.rate_per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        client = request.auth
        if not isinstance(client, IntegrationClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
