"""The password backend, reading a user's permissions in one statement.

Django's ``ModelBackend`` reads the user's own permissions and those of their groups in two
queries, on the first permission check of every request; every staff request checks one.
Here both come from one statement, written as SQL: the ORM's building of it cost three times
the database's answer (about 1 ms of 1.3 ms per request, ``benchmarks.bench_eligibility``).
What a user may do is what Django's backend allows.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _permissions_sql() -> str:
    """The names (app label, codename) of the permissions given to a user or to their groups."""
    user_model = get_user_model()
    own = user_model.user_permissions.through._meta
    membership = user_model.groups.through._meta
    granted = Group.permissions.through._meta

    def column(meta, name: str) -> str:
        return meta.get_field(name).column

    member_group, granted_group = column(membership, "group"), column(granted, "group")
    return (
        "SELECT ct.app_label, p.codename"  # noqa: S608 (model table and column names)
        f" FROM {Permission._meta.db_table} p"
        f" JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id"
        f" WHERE p.id IN (SELECT {column(own, 'permission')} FROM {own.db_table}"
        f" WHERE {column(own, 'user')} = %(user)s"
        f" UNION SELECT g.{column(granted, 'permission')} FROM {granted.db_table} g"
        f" JOIN {membership.db_table} m ON m.{member_group} = g.{granted_group}"
        f" WHERE m.{column(membership, 'user')} = %(user)s)"
    )


class PermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = list(Permission.objects.values_list("content_type__app_label", "codename"))
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), {"user": user_obj.pk})
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
