from jkp_site.core.resilience import degraded_parts
from jkp_site.core.roles import ROLE_LABELS, Role


def roles(request):
    """The signed-in user's role names, for menus (read with their permissions, once)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "user_role_labels": []}
    names = user.role_names
    labels = [ROLE_LABELS[r] for r in Role if r.value in names]
    return {"user_roles": names, "user_role_labels": labels}


def degraded(request):
    """Parts of the service failing right now (the cache, the broker), for the staff banner."""
    return {"degraded_parts": degraded_parts()}
