"""Workers sign in to the portal with their KPJ number whatever their user name.

An account activated on the portal has the KPJ number as its user name; one made by the branch
or the demo data (``peserta1``) has another. This backend finds the worker's account by the KPJ
number on the participant record and checks the password as Django's own backend does; staff
accounts are never found this way.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest

from jkp_site.core.backends import PermissionBackend
from jkp_site.core.models import User
from jkp_site.core.roles import Role

KPJ = re.compile(r"^\d{11}$", re.ASCII)


class KpjBackend(PermissionBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None or not KPJ.match(username):
            return None
        user = (
            User.objects.filter(
                participant__kpj_number=username,
                groups__name=Role.PESERTA.value,
                is_staff=False,
            )
            .exclude(username=username)  # the default backend already tried this one
            .first()
        )
        if (
            user is None
            or not user.check_password(password)
            or not self.user_can_authenticate(user)
        ):
            return None
        return user
