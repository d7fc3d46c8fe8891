"""Bearer-token authentication for integrating systems. No sessions, no cookies."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.models import IntegrationClient
from api.services import split_token
from jkp_site.core import requestid
from jkp_site.core.net import client_ip

# Updating last_used_at on every call would make each read a write; once a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


class IntegrationTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer jkp_<prefix>_<secret>`.

    request.user becomes the client's service user (the actor recorded in the audit trail)
    and request.auth the IntegrationClient, whose grants and scope the views check.
    """

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        prefix = split_token(token)
        client = (
            IntegrationClient.objects.select_related("service_user", "branch", "employer")
            .filter(token_prefix=prefix, is_active=True)
            .first()
            if prefix
            else None
        )
        if client is None or not client.token_matches(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if client.expires_at is not None and client.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired; ask for a new one."))
        if not client.allows_address(client_ip(request)):
            raise exceptions.AuthenticationFailed(_("This token may not be used from here."))
        if (
            client.last_used_at is None
            or (now - client.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            IntegrationClient.objects.filter(pk=client.pk).update(last_used_at=now)
        # This request's log lines name the client (RequestIdMiddleware resets it afterwards).
        requestid.bind(
            actor=f"api:{client.pk}", branch=str(client.branch_id) if client.branch_id else "-"
        )
        return client.service_user, client

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
