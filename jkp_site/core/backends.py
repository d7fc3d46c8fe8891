"""The password backend: a user's permissions and roles in one statement, their branch with
the user.

Django's ``ModelBackend`` reads the user's own permissions and those of their groups in two
queries, on the first permission check of every request, and the menus read the groups (the
roles) in a third. Here all three come from one statement, written as SQL: the ORM's building
of the permission read alone cost three times the database's answer (about 1 ms of 1.3 ms
per request, ``benchmarks.bench_eligibility``). The signed-in user is read with their branch,
which every staff page names. What a user may do is what Django's backend allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _access_sql() -> str:
    """Rows ('perm', app label, codename) of the permissions given to a user or to their
    groups, and ('role', group name, '') of their groups."""
    user_model = get_user_model()
    own = user_model.user_permissions.through._meta
    membership = user_model.groups.through._meta
    granted = Group.permissions.through._meta

    def column(meta, name: str) -> str:
        return meta.get_field(name).column

    member_user, member_group = column(membership, "user"), column(membership, "group")
    return (
        "SELECT 'perm', ct.app_label, p.codename"  # noqa: S608 (model table and column names)
        f" FROM {Permission._meta.db_table} p"
        f" JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id"
        f" WHERE p.id IN (SELECT {column(own, 'permission')} FROM {own.db_table}"
        f" WHERE {column(own, 'user')} = %(user)s"
        f" UNION SELECT g.{column(granted, 'permission')} FROM {granted.db_table} g"
        f" JOIN {membership.db_table} m ON m.{member_group} = g.{column(granted, 'group')}"
        f" WHERE m.{member_user} = %(user)s)"
        f" UNION ALL SELECT 'role', g.name, '' FROM {Group._meta.db_table} g"
        f" JOIN {membership.db_table} m ON m.{member_group} = g.id"
        f" WHERE m.{member_user} = %(user)s"
    )


@dataclass(frozen=True)
class Access:
    """What one statement says of a user: their permission names and role (group) names."""

    perms: frozenset[str]
    roles: frozenset[str]


def access_of(user) -> Access:
    """The user's ``Access``, read once per user object (as Django keeps its permission
    cache on the object)."""
    if not hasattr(user, "_access"):
        with connection.cursor() as cursor:
            cursor.execute(_access_sql(), {"user": user.pk})
            rows = cursor.fetchall()
        user._access = Access(
            perms=frozenset(f"{a}.{b}" for kind, a, b in rows if kind == "perm"),
            roles=frozenset(a for kind, a, _b in rows if kind == "role"),
        )
    return user._access


class PermissionBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("branch").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
            else:
                user_obj._perm_cache = set(access_of(user_obj).perms)
        return user_obj._perm_cache
