"""Who is staff (and so signs in with two factors), and the audit of account actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jkp_site.core.roles import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from jkp_site.core.models import AccountEvent, User

# The roles of the branch and head office (design.md). Workers (peserta) are not among them.
STAFF_ROLES = frozenset(
    {
        Role.PETUGAS.value,
        Role.KEPALA_BIDANG.value,
        Role.KANTOR_PUSAT.value,
        Role.PENGANTAR_KERJA.value,
    }
)

_CACHE_ATTRIBUTE = "_jkp_is_staff_member"


def is_staff_member(user: User) -> bool:
    """A user with a staff role, the admin flag or superuser status: the people the second
    factor and the staff session limits are for. Cached on the user object (one query)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = bool(
            user.is_superuser or user.is_staff or user.groups.filter(name__in=STAFF_ROLES).exists()
        )
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def record_account_event(
    *,
    kind: str,
    actor: User | None,
    subject: User,
    request: HttpRequest | None = None,
    ip_address: str = "",
    note: str = "",
) -> AccountEvent:
    """Record what was done to ``subject``'s sign-in. ``actor`` None: someone not signed in
    (a reset asked for on a public page); the address is the request's, or ``ip_address``
    where the request is gone (a background task)."""
    from jkp_site.core.models import AccountEvent
    from jkp_site.core.net import client_ip

    return AccountEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        subject=subject,
        subject_username=subject.get_username(),
        ip_address=client_ip(request) if request is not None else ip_address,
        note=note[:255],
    )
