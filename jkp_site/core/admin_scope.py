"""Admin pages scoped to a branch answer 404 for an object out of scope, never Django's
redirect to the index ("... doesn't exist. Perhaps it was deleted?"), which would tell a
supervisor that another branch's row exists."""

from __future__ import annotations

from typing import Any

from django.http import Http404


class OutOfScopeIs404:
    def _get_obj_does_not_exist_redirect(self, request: Any, opts: Any, object_id: Any) -> Any:
        raise Http404
