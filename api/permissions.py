from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from api.models import IntegrationClient


class HasGrant(BasePermission):
    """The view's `required_grant` must be among the calling client's grants."""

    message = _("This token is not granted this operation.")

    def has_permission(self, request, view) -> bool:
        client = request.auth
        return isinstance(client, IntegrationClient) and client.has_grant(view.required_grant)
