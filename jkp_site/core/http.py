"""The request type of views that only run for a signed-in user."""

from django.http import HttpRequest

from jkp_site.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request past ``login_required`` (or the portal's ``worker_required``).

    Only an annotation: Django still passes its own request object, but behind those checks
    ``request.user`` is always a ``User``, never ``AnonymousUser``, and the type says so.
    """

    user: User
