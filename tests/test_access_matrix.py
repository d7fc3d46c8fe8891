"""The access matrix: every URL the resolver knows, for every persona, by GET and by POST.

The URL patterns are walked from ``get_resolver()`` (the staff screens, the portal, the API and
the admin with everything it generates: changelist, add, change, delete, history, past versions,
autocomplete, the custom views, and each admin action as a POST to its changelist). Every one
must have an entry in ``EXPECTED``; a new URL without one fails ``test_every_url_has_an_entry``
and its own test.

The object ids come from branch A and worker 1: a claim whose benefit is running, with its
documents, instalments, decision, eligibility result, events, referral, activities, pending bank
account change and identity flag; its participant and employer; a payment batch, an import job,
a personal-data reveal, an integration client... Branch B and worker 2 have data of their own, so
that a list shown to them is not empty by accident: their answers on branch A's objects are 404,
and branch A's rows are missing from their lists ("hidden").

The personas: the anonymous; branch A's officer, supervisor and counsellor; head office;
branch B's officer and supervisor; worker 1 (the claim's owner) and worker 2; the superuser;
a branch A officer who has not yet given the second factor; and, on the DRF views, a token
with every grant limited to branch A and one limited to branch B. Staff sessions carry a
verified second factor, and the gate is on (``STAFF_OTP_REQUIRED``), as in production.

The world is built once for the module inside a transaction rolled back at the end; every cell
(persona, URL, method) runs in a savepoint of its own, rolled back, so a POST cannot change what
the next request sees. POST bodies are empty (or, for the API, a valid body about branch A's
worker): the matrix is about who gets past access control, not about the forms.

A cell whose answer is wrong today is written ``known_gap(expected, got, where)``: the test
passes on ``got`` and says what the answer should be and where the fault is; fixing the app makes
that cell fail until the table says ``expected``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.views import APIView

from api.models import Grant, NikLookup
from api.services import create_integration_client
from api.throttling import TokenRateThrottle
from benefits import services as benefit_services
from claims import letters, payment_details
from claims import recovery as debt_recovery
from claims.models import ClaimState, Document, IdentityFlag, InstalmentStatus, PaymentBatch
from claims.reassessment import reassess_claim
from jkp_site.core.identity import is_staff_member, record_account_event
from jkp_site.core.models import AccountEvent
from jkp_site.core.roles import Role
from jkp_site.outbox.models import OutboxMessage
from participants.models import ContributionMonth, ImportJob
from participants.services import reveal_personal_data
from reports import monthly as reports
from reports.models import ReportMonth, SameDayMiss
from tests.benefits.builders import set_status
from tests.claims.conftest import drive, eligible_worker, open_draft
from tests.factories import BranchFactory, EmployerFactory, KanwilFactory, UserFactory
from training import services as training_services
from training.models import JobSeekingActivity, TrainingProvider

# Asks pytest-django for the test database; each test also runs in a savepoint of its own.
pytestmark = [pytest.mark.django_db]
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Under xdist (`make test`: --dist loadgroup) the whole module goes to one worker, which
    # builds the world once. The marker exists only where xdist runs (strict markers).
    pytestmark.append(pytest.mark.xdist_group("access_matrix"))

# --- outcomes --------------------------------------------------------------------------------

OK = "ok"  # past access control: 2xx, 3xx not to a sign-in page, or 400/409/422 on the input
HIDDEN = "hidden"  # a list that answers, without branch A's / worker 1's row in it
LOGIN = "login"  # redirected to a sign-in page (staff, portal or admin)
FORBIDDEN = "forbidden"  # 403
NOT_FOUND = "not_found"  # 404: another branch's or another worker's object is never shown
METHOD = "method"  # 405
UNAUTH = "unauth"  # API 401: no token
# An admin action not offered to this user (the changelist says so), or an action refused with
# a message on another page, as for an object that does not exist (nothing shown).
REFUSED = "refused"
# The admin's answer for an object its queryset does not hold: a redirect to the admin index
# ("... doesn't exist. Perhaps it was deleted?"); claims/admin.py makes that a 404.
ADMIN_INDEX = "admin_index"
# A signed-in staff member without the second factor in this session: sent to the code step.
SECOND_FACTOR = "second_factor"
SECOND_FACTOR_PATHS = {"/accounts/otp/", "/accounts/otp/setup/"}

LOGIN_PATHS = {"/accounts/login/", "/portal/login/", "/admin/login/"}


@dataclass(frozen=True)
class Gap:
    """A cell the app answers wrongly today: ``got`` is pinned so the gap stays visible."""

    expected: str
    got: str
    where: str


def known_gap(expected: str, got: str, where: str) -> Gap:
    return Gap(expected, got, where)


Cell = str | Gap

# --- personas --------------------------------------------------------------------------------

ANON = "anon"
OFFICER, SUPERVISOR, COUNSELLOR, HEAD_OFFICE = "officer", "supervisor", "counsellor", "head_office"
OUTSIDER, OUTSIDE_SUPERVISOR = "outsider", "outside_supervisor"  # branch B
WORKER1, WORKER2 = "worker1", "worker2"  # worker 1 owns branch A's claim
SUPERUSER = "superuser"
UNVERIFIED = "unverified_officer"  # branch A officer, password given, second factor not yet
TOKEN_A, TOKEN_B = "token_a", "token_b"  # every grant, limited to branch A / branch B

PERSONAS = (
    ANON,
    OFFICER,
    SUPERVISOR,
    COUNSELLOR,
    HEAD_OFFICE,
    OUTSIDER,
    OUTSIDE_SUPERVISOR,
    WORKER1,
    WORKER2,
    SUPERUSER,
    UNVERIFIED,
    TOKEN_A,
    TOKEN_B,
)
# The builders below write every persona's cells but the unverified officer's: that one answer
# is the same almost everywhere, and is filled in after the table (``SECOND_FACTOR_OPEN``).
BUILT = tuple(p for p in PERSONAS if p != UNVERIFIED)
# Branch B's staff hold the same roles as their branch A counterpart.
MIRROR = {OUTSIDER: OFFICER, OUTSIDE_SUPERVISOR: SUPERVISOR}
WORKERS = (WORKER1, WORKER2)
TOKENS = (TOKEN_A, TOKEN_B)
METHODS = ("GET", "POST")

Row = dict[str, dict[str, Cell]]

# --- row builders ----------------------------------------------------------------------------
#
# A "spec" is either a set of roles allowed (among officer, supervisor, counsellor, head_office;
# in the admin: supervisor, head_office, superuser) or a single outcome for every signed-in
# persona (METHOD on a POST-only URL...). ``scope`` says what branch B's staff get where their
# branch A counterpart is allowed: "object" -> 404, "list" -> hidden, "none" (national data) ->
# the same as branch A.

Spec = frozenset[str] | str

O, S, C, H, SU = OFFICER, SUPERVISOR, COUNSELLOR, HEAD_OFFICE, SUPERUSER  # noqa: E741


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


NOBODY: frozenset[str] = frozenset()


def _pair(value: Cell | tuple[Cell, Cell]) -> dict[str, Cell]:
    get, post = value if isinstance(value, tuple) else (value, value)
    return {"GET": get, "POST": post}


def _scoped(allowed: bool, scope: str, hidden_or_404: Cell | None = None) -> Cell:
    if not allowed:
        return FORBIDDEN
    if hidden_or_404 is not None:
        return hidden_or_404
    return {"object": NOT_FOUND, "list": HIDDEN, "none": OK}[scope]


def staff(
    get: Spec,
    post: Spec,
    *,
    scope: str | tuple[str, str] = "object",
    anon: Cell | tuple[Cell, Cell] = LOGIN,
    **cells: Cell | tuple[Cell, Cell],
) -> Row:
    """A staff screen behind ``login_required`` and a permission, on branch A's data.
    ``scope`` may differ by method: (GET's, POST's), for a search POSTed."""
    get_scope, post_scope = (scope, scope) if isinstance(scope, str) else scope
    scopes = {"GET": get_scope, "POST": post_scope}

    def one(spec: Spec, persona: str, method: str) -> Cell:
        if isinstance(spec, str):
            return spec
        if persona == SUPERUSER:
            return OK
        if persona in WORKERS:
            return FORBIDDEN
        if persona in MIRROR:
            return _scoped(MIRROR[persona] in spec, scopes[method])
        return OK if persona in spec else FORBIDDEN

    row: Row = {}
    for persona in BUILT:
        if persona == ANON or persona in TOKENS:
            row[persona] = _pair(anon)
        else:
            row[persona] = {"GET": one(get, persona, "GET"), "POST": one(post, persona, "POST")}
    return _override(row, cells)


def signed_in(get: Cell = OK, post: Cell = OK, **cells: Cell | tuple[Cell, Cell]) -> Row:
    """Any signed-in user; the anonymous go to the sign-in page."""
    row = {p: _pair((get, post)) for p in BUILT}
    for persona in (ANON, *TOKENS):
        row[persona] = _pair(LOGIN)
    return _override(row, cells)


def public(get: Cell = OK, post: Cell = OK, **cells: Cell | tuple[Cell, Cell]) -> Row:
    return _override({p: _pair((get, post)) for p in BUILT}, cells)


def portal(
    get: Cell, post: Cell, *, owner: str = "object", **cells: Cell | tuple[Cell, Cell]
) -> Row:
    """A worker's page: ``get``/``post`` are worker 1's answers. ``owner``: "object" (worker 2
    gets 404 where worker 1 gets in), "list" (worker 2's list lacks worker 1's row) or "none"
    (worker 2's own page). Staff have no participant record: 403."""

    def other(value: Cell) -> Cell:
        if value != OK or owner == "none":
            return value
        return NOT_FOUND if owner == "object" else HIDDEN

    row: Row = {}
    for persona in BUILT:
        if persona == ANON or persona in TOKENS:
            row[persona] = _pair(LOGIN)
        elif persona == WORKER1:
            row[persona] = _pair((get, post))
        elif persona == WORKER2:
            row[persona] = _pair((other(get), other(post)))
        else:
            row[persona] = _pair(FORBIDDEN)
    return _override(row, cells)


def api(get: Cell, post: Cell, *, scope: str = "object", **cells: Cell | tuple[Cell, Cell]) -> Row:
    """An integration endpoint: ``get``/``post`` are branch A's token's answers. No session
    authentication: every browser persona is unauthenticated, signed in or not."""

    def other(value: Cell) -> Cell:
        return _scoped(True, scope) if value == OK else value

    row: Row = {p: _pair(UNAUTH) for p in BUILT}
    row[TOKEN_A] = _pair((get, post))
    row[TOKEN_B] = _pair((other(get), other(post)))
    return _override(row, cells)


ADMIN_STAFF = (SUPERVISOR, OUTSIDE_SUPERVISOR, HEAD_OFFICE, SUPERUSER)
STAFF_PERSONAS = (OFFICER, SUPERVISOR, COUNSELLOR, HEAD_OFFICE, OUTSIDER, OUTSIDE_SUPERVISOR, SU)


def admin_page(
    get: Spec,
    post: Spec,
    *,
    scope: str = "none",
    out_of_scope: dict[str, Cell] | None = None,
    **cells: Cell | tuple[Cell, Cell],
) -> Row:
    """An admin page: only ``is_staff`` users get in (the others go to the admin's sign-in).
    ``out_of_scope`` (by method) replaces branch B's supervisor's answer where the scope hides
    the object from a supervisor allowed in."""
    oos = out_of_scope or {}

    def one(spec: Spec, persona: str, method: str) -> Cell:
        if isinstance(spec, str):
            return spec
        if persona == OUTSIDE_SUPERVISOR:
            return _scoped(SUPERVISOR in spec, scope, oos.get(method))
        return OK if persona in spec else FORBIDDEN

    row: Row = {}
    for persona in BUILT:
        if persona in ADMIN_STAFF:
            row[persona] = {"GET": one(get, persona, "GET"), "POST": one(post, persona, "POST")}
        else:
            row[persona] = _pair(LOGIN)
    return _override(row, cells)


def admin_model(
    model: str,
    *,
    view: frozenset[str],
    add: frozenset[str] = NOBODY,
    change: frozenset[str] = NOBODY,
    delete: frozenset[str] = NOBODY,
    scope: str = "none",
    out_of_scope: Cell | None = None,
    cells: dict[str, dict[str, Cell | tuple[Cell, Cell]]] | None = None,
    **extra: Row,
) -> dict[str, Row]:
    """The six pages the admin generates for a model. ``view`` includes whoever may change.
    ``model`` is "app_label_modelname"; ``scope`` is "object" for branch-scoped models;
    ``out_of_scope`` is what their object pages answer branch B's supervisor (404 by rule);
    ``cells`` overrides single cells, by page ("history") and persona."""
    app_label, model_name = _split_model(model)
    see = view | change
    list_scope = "list" if scope == "object" else "none"
    on_get = {"GET": out_of_scope} if out_of_scope else None
    on_both = {"GET": out_of_scope, "POST": out_of_scope} if out_of_scope else None
    rows = {
        f"admin:{model}_changelist": admin_page(see, see, scope=list_scope),
        f"admin:{model}_add": admin_page(add, add),
        # POST asks for the change permission before the lookup: only GET finds it missing.
        f"admin:{model}_change": admin_page(see, change, scope=scope, out_of_scope=on_get),
        f"admin:{model}_history": admin_page(see, see, scope=scope, out_of_scope=on_both),
        f"admin:{model}_delete": admin_page(delete, delete, scope=scope),
        # The old change URL only redirects to the new one, without a lookup.
        f"route:admin/{app_label}/{model_name}/<path:object_id>/": admin_page(
            ADMIN_STAFF_ALL, ADMIN_STAFF_ALL
        ),
    }
    for page, overrides in (cells or {}).items():
        _override(rows[f"admin:{model}_{page}"], overrides)
    rows.update(extra)
    return rows


def admin_action(
    model: str, action: str, *, view: frozenset[str], may: frozenset[str], scope: str = "none"
) -> dict[str, Row]:
    """An admin action, POSTed to the changelist with branch A's object selected: "ok" when it
    runs on that object, "not_found" when it runs without it (out of scope), "refused" when the
    changelist does not offer it."""
    row: Row = {}
    for persona in BUILT:
        if persona not in ADMIN_STAFF:
            row[persona] = {"POST": LOGIN}
            continue
        actor = SUPERVISOR if persona == OUTSIDE_SUPERVISOR else persona
        if actor not in view | may:
            cell: Cell = FORBIDDEN
        elif actor not in may:
            cell = REFUSED
        elif persona == OUTSIDE_SUPERVISOR and scope == "object":
            cell = NOT_FOUND
        else:
            cell = OK
        row[persona] = {"POST": cell}
    return {action_key(model, action): row}


def _override_action(rows: dict[str, Row], **cells: Cell) -> dict[str, Row]:
    for row in rows.values():
        for persona, cell in cells.items():
            row[persona] = {"POST": cell}
    return rows


def action_key(model: str, action: str) -> str:
    return f"admin:{model}_changelist+action={action}"


ADMIN_STAFF_ALL = roles(SUPERVISOR, HEAD_OFFICE, SUPERUSER)


def _override(row: Row, cells: dict[str, Cell | tuple[Cell, Cell]]) -> Row:
    for persona, value in cells.items():
        assert persona in PERSONAS, persona
        row[persona] = _pair(value)
    return row


def _split_model(model: str) -> tuple[str, str]:
    for config in apps.get_app_configs():
        if model.startswith(config.label + "_"):
            return config.label, model.removeprefix(config.label + "_")
    raise LookupError(model)


# --- the gaps found --------------------------------------------------------------------------

# Django's history view looks the object up before it checks the permission: branch B's
# supervisor, who may not read training records at all, gets the 404 of an object out of scope.
TRAINING_HISTORY_GAP: dict[str, dict[str, Cell | tuple[Cell, Cell]]] = {
    "history": {OUTSIDE_SUPERVISOR: NOT_FOUND}
}

# axes' "Clean up expired attempts" (axes/admin.py) reads request.axes_attempt_time, which only
# the sign-in handlers set: offered to the superuser, it fails with a server error every time.
AXES_CLEANUP_CRASH = "axes AccessAttemptAdmin.cleanup_expired_attempts: AttributeError (500)"


# --- the table -------------------------------------------------------------------------------

OFFICE = roles(O, S, C, H)  # every staff role reads the claim
BENEFIT_STAFF = roles(O, S, C)  # training.manage_activity

EXPECTED: dict[str, Row] = {
    # --- site ---------------------------------------------------------------------------------
    # Signed out, the home page is the staff sign-in beside the workers' way in to the portal.
    "home": public(),
    "healthz": public(OK, METHOD),
    "readyz": public(),  # readiness for the load balancer (any method)
    # Prometheus: only a scraper with the token or from an allowed network (tests/ops).
    "metrics": public(NOT_FOUND, METHOD),
    "login": public(),
    # Signing out ends on a sign-in page: "login" is the success here.
    "logout": public(METHOD, LOGIN),
    "set_language": public(),
    # --- one's own sign-in (jkp_site/core/account_views.py); staff sessions here are verified ---
    "account:otp_verify": signed_in(),  # verified already, or a worker: sent on
    # Staff with a factor already are sent to the code step (verified or not); workers on.
    "account:otp_setup": signed_in(**dict.fromkeys(STAFF_PERSONAS, SECOND_FACTOR)),
    "account:otp_recovery_codes": signed_in(
        METHOD, OK, worker1=(METHOD, FORBIDDEN), worker2=(METHOD, FORBIDDEN)
    ),
    "account:security": signed_in(),
    "account:logout_everywhere": signed_in(METHOD, LOGIN),
    "account:password_change": signed_in(),
    "account:password_reset": public(),  # staff ask for a link by e-mail
    "account:password_reset_done": public(OK, METHOD),
    "account:password_reset_confirm": public(),  # a link that is not valid
    "account:password_reset_complete": public(OK, METHOD),
    # A supervisor resets the second factor of the branch's staff; the superuser anyone's.
    "account:staff_accounts": staff(roles(S), roles(S), scope="list"),
    "account:staff_reset_second_factor": staff(METHOD, roles(S)),
    # An officer gives a worker of the branch a reset link, after checking the KTP.
    "worker_accounts:search": staff(roles(O, S), roles(O, S), scope=("none", "list")),
    # Out of scope the service refuses with the search page's message (as for no such worker).
    "worker_accounts:reset_link": staff(
        METHOD, roles(O, S), outsider=(METHOD, REFUSED), outside_supervisor=(METHOD, REFUSED)
    ),
    # --- claims (claims/views.py) -----------------------------------------------------------------
    "claims:list": staff(OFFICE, OFFICE, scope="list"),
    "claims:take_next": staff(METHOD, roles(O), scope="none"),
    # POSTs worker 1's NIK: branch A's staff are taken to the claim, branch B's are told none.
    "claims:find_by_nik": staff(METHOD, OFFICE, scope="list"),
    "claims:intake": staff(roles(O), roles(O), scope=("none", "list")),  # the search is POSTed
    "claims:create": staff(roles(O), roles(O)),
    "claims:detail": staff(OFFICE, OFFICE),
    "claims:edit": staff(roles(O), roles(O)),
    "claims:approval": staff(roles(S), roles(S)),
    "claims:document_upload": staff(METHOD, roles(O)),
    "claims:document_download": staff(
        roles(O, S, H),
        roles(O, S, H),
        counsellor=(
            FORBIDDEN,
            FORBIDDEN,
        ),
        worker1=(
            FORBIDDEN,
            FORBIDDEN,
        ),
        worker2=(
            FORBIDDEN,
            FORBIDDEN,
        ),
    ),
    # The same document inline, for the approval screen's preview: the download's readers, GET only.
    "claims:document_view": staff(
        roles(O, S, H),
        METHOD,
        counsellor=(FORBIDDEN, METHOD),
        worker1=(FORBIDDEN, METHOD),
        worker2=(FORBIDDEN, METHOD),
    ),
    "claims:document_check": staff(METHOD, roles(O)),
    # Taking back a document not yet accepted: who may upload (an empty POST asks to confirm).
    "claims:document_remove": staff(METHOD, roles(O)),
    "claims:document_replace": staff(METHOD, roles(O)),
    # The claim's decision letter (claims.letters): every staff role that reads the claim; a
    # worker, even the claim's own, is 404 here (workers have the portal's link).
    "claims:letter_download": staff(
        OFFICE, METHOD, worker1=(NOT_FOUND, METHOD), worker2=(NOT_FOUND, METHOD)
    ),
    "claims:submit": staff(METHOD, roles(O)),
    "claims:withdraw": staff(METHOD, roles(O)),
    "claims:start_verification": staff(METHOD, roles(O)),
    "claims:run_eligibility": staff(METHOD, roles(O)),
    "claims:recommend": staff(METHOD, roles(O)),
    "claims:approve": staff(METHOD, roles(S)),
    "claims:reject": staff(METHOD, roles(S)),
    "claims:return": staff(METHOD, roles(O, S)),
    "claims:appeal": staff(METHOD, roles(O)),
    "claims:reopen": staff(METHOD, roles(S)),
    "claims:stop": staff(METHOD, roles(S)),
    "claims:reassign": staff(METHOD, roles(S)),
    "claims:bank_change_decide": staff(METHOD, roles(O, S)),
    "claims:identity_flag_clear": staff(METHOD, roles(S)),
    # --- benefits and training (benefits/views.py): require_GET/POST come first -------------------
    "benefits:caseload": staff(BENEFIT_STAFF, METHOD, scope="list", anon=(LOGIN, METHOD)),
    "benefits:benefit": staff(BENEFIT_STAFF, METHOD, anon=(LOGIN, METHOD)),
    "benefits:activity_add": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    "benefits:counselling_schedule": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    "benefits:reemployment": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    "benefits:refer": staff(METHOD, roles(O, C), anon=(METHOD, LOGIN)),
    "benefits:counselling_outcome": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    "benefits:enrol": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    "benefits:attendance": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    "benefits:complete": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    "benefits:end_referral": staff(METHOD, BENEFIT_STAFF, anon=(METHOD, LOGIN)),
    # The training catalogue is national.
    "benefits:providers": staff(BENEFIT_STAFF, BENEFIT_STAFF, scope="none"),
    "benefits:program_create": staff(BENEFIT_STAFF, BENEFIT_STAFF, scope="none"),
    # --- payments (benefits/payment_views.py): head office; batches span every branch -------------
    "payments:batch_list": staff(roles(H), METHOD, scope="none", anon=(LOGIN, METHOD)),
    "payments:batch_run": staff(METHOD, roles(H), scope="none", anon=(METHOD, LOGIN)),
    # The live progress of a gathering (asked without its moment: 400, past access control).
    "payments:gather_progress": staff(roles(H), METHOD, scope="none", anon=(LOGIN, METHOD)),
    "payments:batch_detail": staff(roles(H), METHOD, scope="none", anon=(LOGIN, METHOD)),
    "payments:batch_export": staff(METHOD, roles(H), scope="none", anon=(METHOD, LOGIN)),
    "payments:batch_import": staff(METHOD, roles(H), scope="none", anon=(METHOD, LOGIN)),
    "payments:correct_account": staff(roles(O, S), roles(O, S)),
    # --- reassessment (benefits/reassessment_views.py) --------------------------------------------
    "reassessment:case": staff(OFFICE, METHOD, anon=(LOGIN, METHOD)),
    "reassessment:letter": staff(OFFICE, METHOD, anon=(LOGIN, METHOD)),
    "reassessment:reassess": staff(METHOD, roles(S), anon=(METHOD, LOGIN)),
    "reassessment:propose_plan": staff(METHOD, roles(S), anon=(METHOD, LOGIN)),
    "reassessment:answer": staff(METHOD, roles(S), anon=(METHOD, LOGIN)),
    "reassessment:decide_plan": staff(METHOD, roles(S), anon=(METHOD, LOGIN)),
    # Head office: every branch's claims after a ruling, and the bank's file of repayments.
    "reassessment:rulings": staff(roles(H), roles(H), scope="none"),
    "reassessment:receipts": staff(METHOD, roles(H), scope="none", anon=(METHOD, LOGIN)),
    # --- reports (reports/views.py): head office, national figures -------------------------------
    "reports:dashboard": staff(roles(H), roles(H), scope="none"),
    "reports:monthly": staff(roles(H), roles(H), scope="none"),
    "reports:generate": staff(METHOD, roles(H), scope="none", anon=(METHOD, LOGIN)),
    "reports:download": staff(roles(H), roles(H), scope="none"),
    # Same Day Service misses: every staff role, of the branch they see.
    "reports:same_day_missed": staff(OFFICE, METHOD, scope="list", anon=(LOGIN, METHOD)),
    # --- portal (portal/views.py) ----------------------------------------------------------------
    "portal:home": portal(OK, OK, owner="list"),
    "portal:login": public(),
    "portal:logout": public(METHOD, LOGIN),
    "portal:logout_everywhere": signed_in(METHOD, LOGIN),
    "portal:password_reset": public(),
    "portal:password_reset_done": public(OK, METHOD),
    "portal:password_reset_phone": public(),  # KPJ and mobile number: a code by SMS
    "portal:password_reset_code": public(),  # no code asked for in this session: sent back
    "portal:password_reset_confirm": public(),  # a link that is not valid
    "portal:password_reset_complete": public(OK, METHOD),
    "portal:password_change": portal(OK, OK, owner="none"),
    "portal:activate": public(),
    "portal:confirm_email": public(),  # POST with a token that is not valid: 400
    "portal:change_email": portal(OK, OK, owner="none"),
    "portal:change_phone": portal(OK, OK, owner="none"),
    "portal:confirm_phone": portal(OK, OK, owner="none"),  # no code pending: to change_phone
    "portal:precheck": portal(OK, OK, owner="none"),
    "portal:notifications": portal(OK, OK, owner="none"),
    "portal:file_claim": portal(OK, OK, owner="none"),
    # POST on the case page re-uploads a document while the branch verifies; not while the
    # benefit runs.
    "portal:claim": portal(OK, NOT_FOUND),
    "portal:claim_step": portal(OK, OK),  # no longer a draft: back to the case page
    "portal:claim_appeal": portal(METHOD, OK, worker2=(METHOD, NOT_FOUND)),
    "portal:claim_withdraw": portal(METHOD, OK, worker2=(METHOD, NOT_FOUND)),
    "portal:report_activity": portal(OK, OK),
    "portal:employment_status": portal(OK, OK),
    "portal:accept_training": portal(METHOD, OK, worker2=(METHOD, NOT_FOUND)),
    "portal:document": portal(OK, OK),
    # The worker takes back an upload (an empty POST asks to confirm); worker 2: not theirs.
    "portal:document_remove": portal(METHOD, OK, worker2=(METHOD, NOT_FOUND)),
    "portal:letter": portal(OK, METHOD),
    "portal:reassessment_letter": portal(OK, METHOD),
    "portal:debt_object": portal(METHOD, OK, worker2=(METHOD, NOT_FOUND)),
    "portal:instalment": portal(OK, OK),
    # --- API (api/views.py) ----------------------------------------------------------------------
    "api:v1-eligibility": api(METHOD, OK),
    "api:v1-phk-report": api(METHOD, OK),
    "api:v1-claim-status": api(OK, METHOD),
    "api:v1-changes": api(OK, METHOD, scope="list"),
    "api:schema": public(OK, METHOD),
    "api:docs": public(OK, METHOD),
    # --- admin site ------------------------------------------------------------------------------
    "admin:index": admin_page(ADMIN_STAFF_ALL, ADMIN_STAFF_ALL),
    # Signed-in staff are sent on to the index; anyone else gets the form.
    "admin:login": public(**dict.fromkeys(ADMIN_STAFF, (ADMIN_INDEX, OK))),
    # Staff sign out by POST (to the admin's sign-in page); the admin sends anyone else to its
    # index (which then asks them to sign in).
    "admin:logout": admin_page(
        METHOD, LOGIN, **{p: ADMIN_INDEX for p in BUILT if p not in ADMIN_STAFF}
    ),
    "admin:password_change": admin_page(ADMIN_STAFF_ALL, ADMIN_STAFF_ALL),
    "admin:password_change_done": admin_page(ADMIN_STAFF_ALL, METHOD),
    "admin:jsi18n": admin_page(ADMIN_STAFF_ALL, METHOD),
    # The participant form's employer field: branch-scoped like the employer list.
    "admin:autocomplete": admin_page(ADMIN_STAFF_ALL, METHOD, scope="list"),
    "admin:view_on_site": admin_page(ADMIN_STAFF_ALL, ADMIN_STAFF_ALL),
    "admin:app_list": admin_page(ADMIN_STAFF_ALL, ADMIN_STAFF_ALL),
    "route:admin/(?P<url>.*)$": admin_page(NOT_FOUND, NOT_FOUND),
    # --- admin: reference data (superuser edits; supervisors and head office read) ---------------
    **admin_model("auth_group", view=roles(SU), add=roles(SU), change=roles(SU), delete=roles(SU)),
    **admin_action("auth_group", "delete_selected", view=roles(SU), may=roles(SU)),
    **admin_model(
        "core_kanwil",
        view=roles(S, H, SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
    ),
    **admin_action("core_kanwil", "delete_selected", view=roles(S, H, SU), may=roles(SU)),
    **admin_model(
        "core_kantorcabang",
        view=roles(S, H, SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
    ),
    **admin_action("core_kantorcabang", "delete_selected", view=roles(S, H, SU), may=roles(SU)),
    **admin_model(
        "core_user",
        view=roles(SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
        **{"admin:auth_user_password_change": admin_page(roles(SU), roles(SU))},
    ),
    **admin_action("core_user", "delete_selected", view=roles(SU), may=roles(SU)),
    **admin_action("core_user", "make_password_reset_links", view=roles(SU), may=roles(SU)),
    **admin_action("core_user", "reset_second_factors", view=roles(SU), may=roles(SU)),
    # The record of resets and reset links: read-only, for the superuser.
    **admin_model("core_accountevent", view=roles(SU)),
    **admin_action("core_accountevent", "delete_selected", view=roles(SU), may=NOBODY),
    # --- admin: second factors (django-otp), superuser; secrets are never shown ------------------
    **admin_model(
        "otp_totp_totpdevice",
        view=roles(SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
        **{
            # OTP_ADMIN_HIDE_SENSITIVE_DATA: refused to everyone.
            "admin:otp_totp_totpdevice_config": admin_page(NOBODY, NOBODY),
            "admin:otp_totp_totpdevice_qrcode": admin_page(NOBODY, NOBODY),
        },
    ),
    **admin_action("otp_totp_totpdevice", "delete_selected", view=roles(SU), may=roles(SU)),
    **admin_model(
        "otp_static_staticdevice",
        view=roles(SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
    ),
    **admin_action("otp_static_staticdevice", "delete_selected", view=roles(SU), may=roles(SU)),
    # --- admin: axes' sign-in records (superuser) ------------------------------------------------
    **admin_model("axes_accessattempt", view=roles(SU), change=roles(SU), delete=roles(SU)),
    **admin_action("axes_accessattempt", "delete_selected", view=roles(SU), may=roles(SU)),
    **_override_action(
        admin_action(
            "axes_accessattempt", "cleanup_expired_attempts", view=roles(SU), may=roles(SU)
        ),
        superuser=known_gap(OK, "error AttributeError", AXES_CLEANUP_CRASH),
    ),
    **admin_model("axes_accesslog", view=roles(SU), change=roles(SU), delete=roles(SU)),
    **admin_action("axes_accesslog", "delete_selected", view=roles(SU), may=roles(SU)),
    **admin_model("axes_accessfailurelog", view=roles(SU), change=roles(SU), delete=roles(SU)),
    **admin_action("axes_accessfailurelog", "delete_selected", view=roles(SU), may=roles(SU)),
    # --- admin: participants (participants/admin.py), branch-scoped ------------------------------
    **admin_model(
        "participants_employer",
        view=roles(S, H, SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
        scope="object",
        out_of_scope=NOT_FOUND,
    ),
    **admin_action(
        "participants_employer",
        "delete_selected",
        view=roles(S, H, SU),
        may=roles(SU),
        scope="object",
    ),
    **admin_model(
        "participants_participant",
        view=roles(S, H, SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
        scope="object",
        out_of_scope=NOT_FOUND,
        **{
            "admin:participants_participant_reveal": admin_page(
                ADMIN_STAFF_ALL, ADMIN_STAFF_ALL, scope="object"
            )
        },
    ),
    **admin_action(
        "participants_participant",
        "delete_selected",
        view=roles(S, H, SU),
        may=roles(SU),
        scope="object",
    ),
    # The log of whole numbers shown: read-only for everyone.
    **admin_model(
        "participants_personaldatareveal",
        view=roles(S, H, SU),
        scope="object",
        out_of_scope=NOT_FOUND,
    ),
    **admin_action(
        "participants_personaldatareveal",
        "delete_selected",
        view=roles(S, H, SU),
        may=NOBODY,
        scope="object",
    ),
    **admin_model(
        "participants_contributionmonth",
        view=roles(S, H, SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
        scope="object",
        out_of_scope=NOT_FOUND,
    ),
    **admin_action(
        "participants_contributionmonth",
        "delete_selected",
        view=roles(S, H, SU),
        may=roles(SU),
        scope="object",
    ),
    # --- admin: contribution imports (imports/admin.py), head office -----------------------------
    **admin_model(
        "participants_importjob",
        view=roles(H, SU),
        add=roles(H, SU),
        delete=roles(SU),
        **{
            "admin:participants_importjob_progress": admin_page(roles(H, SU), roles(H, SU)),
            "admin:participants_importjob_errors": admin_page(roles(H, SU), roles(H, SU)),
        },
    ),
    **admin_action("participants_importjob", "delete_selected", view=roles(H, SU), may=roles(SU)),
    **admin_action(
        "participants_importjob", "apply_valid_rows_action", view=roles(H, SU), may=roles(H, SU)
    ),
    **admin_action("participants_importjob", "resume_action", view=roles(H, SU), may=roles(H, SU)),
    **admin_action("participants_importjob", "cancel_action", view=roles(H, SU), may=roles(H, SU)),
    # --- admin: claims (claims/admin.py), read-only for everyone, branch-scoped ------------------
    **admin_model(
        "claims_claim",
        view=roles(S, H, SU),
        scope="object",
        **{
            # A past version: read, never posted back (no "revert"); out of scope first.
            "admin:claims_claim_simple_history": admin_page(
                ADMIN_STAFF_ALL,
                METHOD,
                scope="object",
                outside_supervisor=(NOT_FOUND, NOT_FOUND),
            ),
        },
    ),
    **admin_action("claims_claim", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_action(
        "claims_claim", "reassign", view=roles(S, H, SU), may=roles(S, SU), scope="object"
    ),
    **admin_model("claims_caseevent", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_caseevent", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    # What the worker was told: read by the branch; a failed one sent again by its supervisor.
    **admin_model("claims_eventnotification", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_eventnotification", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_action(
        "claims_eventnotification",
        "send_again",
        view=roles(S, H, SU),
        may=roles(S, SU),
        scope="object",
    ),
    **admin_model("claims_decision", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_decision", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_model("claims_document", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_document", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_model("claims_eligibilityresult", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_eligibilityresult", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_model("claims_cashinstalment", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_cashinstalment", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    # Reassessments and what they found (claims/admin.py): read-only, scoped to the branch.
    **admin_model("claims_reassessment", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_reassessment", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_model("claims_underpayment", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_underpayment", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_model("claims_debt", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_debt", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    **admin_model("claims_recoveryplan", view=roles(S, H, SU), scope="object"),
    **admin_action("claims_recoveryplan", "delete_selected", view=roles(S, H, SU), may=NOBODY),
    # A reassessment job spans every branch: head office.
    **admin_model("claims_reassessmentjob", view=roles(H, SU)),
    **admin_action("claims_reassessmentjob", "delete_selected", view=roles(H, SU), may=NOBODY),
    # A payment batch spans every branch: head office.
    **admin_model("claims_paymentbatch", view=roles(H, SU)),
    **admin_action("claims_paymentbatch", "delete_selected", view=roles(H, SU), may=NOBODY),
    # --- admin: training (training/admin.py), superuser ------------------------------------------
    **admin_model(
        "training_trainingprovider",
        view=roles(SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
    ),
    **admin_action("training_trainingprovider", "delete_selected", view=roles(SU), may=roles(SU)),
    **admin_model(
        "training_trainingprogram",
        view=roles(SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
    ),
    **admin_action("training_trainingprogram", "delete_selected", view=roles(SU), may=roles(SU)),
    **admin_model(
        "training_trainingreferral",
        view=roles(SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
        scope="object",
        cells=TRAINING_HISTORY_GAP,
    ),
    **admin_action("training_trainingreferral", "delete_selected", view=roles(SU), may=roles(SU)),
    **admin_model(
        "training_jobseekingactivity",
        view=roles(SU),
        add=roles(SU),
        change=roles(SU),
        delete=roles(SU),
        scope="object",
        cells=TRAINING_HISTORY_GAP,
    ),
    **admin_action("training_jobseekingactivity", "delete_selected", view=roles(SU), may=roles(SU)),
    # --- admin: integration clients (api/admin.py): head office reads, the superuser manages -----
    **admin_model(
        "api_integrationclient",
        view=roles(H, SU),
        change=roles(SU),
        delete=roles(SU),
    ),
    **admin_action("api_integrationclient", "delete_selected", view=roles(H, SU), may=roles(SU)),
    **admin_action("api_integrationclient", "rotate_token", view=roles(H, SU), may=roles(SU)),
    # The record of API requests that carried a NIK: head office reads it, nobody edits it.
    **admin_model("api_niklookup", view=roles(H, SU)),
    **admin_action("api_niklookup", "delete_selected", view=roles(H, SU), may=NOBODY),
    # --- admin: the task outbox (jkp_site/outbox/admin.py): the superuser reads it -----------
    **admin_model("outbox_outboxmessage", view=roles(SU)),
    **admin_action("outbox_outboxmessage", "delete_selected", view=roles(SU), may=NOBODY),
}


# What the unverified officer may still open (jkp_site/core/twofactor.py's gate): the code
# step, signing in and out, the language, liveness and password-reset links. Every other page,
# the portal and the admin included, sends them to the code step; DRF views answer them as
# anyone without a token.
SECOND_FACTOR_OPEN: dict[str, Cell | tuple[Cell, Cell]] = {
    "account:otp_verify": OK,  # the form; an empty code is refused (400)
    "account:otp_setup": SECOND_FACTOR,  # a factor already: to the code step
    "login": OK,
    "logout": (METHOD, LOGIN),
    "set_language": OK,
    "healthz": (OK, METHOD),
    "account:password_reset_confirm": OK,
    "account:password_reset_complete": (OK, METHOD),
}


# --- discovery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or "route:<the whole pattern>" for an unnamed one
    pattern: str
    view: Callable[..., Any]


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = f"route:{pattern}"
            yield Route(key, pattern, entry.callback)


def discover_routes() -> dict[str, Route]:
    found: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        assert route.key not in found, f"two URL patterns are called {route.key}"
        found[route.key] = route
    return found


@dataclass(frozen=True)
class Action:
    key: str
    model: type[Model]
    name: str


def discover_actions() -> dict[str, Action]:
    found = {}
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        for _func, name, _description in model_admin._get_base_actions():
            key = action_key(label, name)
            found[key] = Action(key, model, name)
    return found


ROUTES = discover_routes()
ACTIONS = discover_actions()


def _is_drf(key: str) -> bool:
    view_class = getattr(ROUTES[key].view, "cls", None) if key in ROUTES else None
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def personas_of(key: str) -> tuple[str, ...]:
    """A bearer token is read by DRF's authentication only: on any other view a request with
    one is an anonymous request. The token personas run on the DRF views (found from the
    resolver, so one added outside /api/ gets them too); the others' rows have no token cells."""
    return PERSONAS if _is_drf(key) else tuple(p for p in PERSONAS if p not in TOKENS)


for _key, _row in EXPECTED.items():
    if _is_drf(_key):
        # The API is outside the second-factor gate, and sessions do not sign in there.
        _row[UNVERIFIED] = dict(_row[ANON])
    else:
        for _token in TOKENS:
            _row.pop(_token, None)
        _open = SECOND_FACTOR_OPEN.get(_key)
        _row[UNVERIFIED] = _pair(_open) if _open else dict.fromkeys(_row[ANON], SECOND_FACTOR)


def test_every_url_has_an_entry():
    """Every URL pattern and admin action has its row; no row names something gone."""
    known = set(ROUTES) | set(ACTIONS)
    missing = sorted(known - set(EXPECTED))
    stale = sorted(set(EXPECTED) - known)
    assert not missing, "URLs without an entry in EXPECTED:\n  " + "\n  ".join(missing)
    assert not stale, "EXPECTED entries that no longer resolve:\n  " + "\n  ".join(stale)


def test_every_row_covers_every_persona_and_method():
    for key, row in EXPECTED.items():
        assert set(row) == set(personas_of(key)), key
        methods = ("POST",) if key in ACTIONS else METHODS
        for persona, cells in row.items():
            assert set(cells) == set(methods), (key, persona)
            assert all(cell is not None for cell in cells.values()), (key, persona)


# --- the world -------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any]
    admin_objects: dict[type[Model], Model]
    tokens: dict[str, str]
    clients: dict[str, Client] = field(default_factory=dict)
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    # What outlives the rolled-back transaction, removed after the module: stored files, and
    # the API clients' rate-limit counters (a later test's client may get the same id).
    files: list[str] = field(default_factory=list)
    cache_keys: list[str] = field(default_factory=list)


def _build_world() -> World:
    today = timezone.localdate()
    branch_a = BranchFactory(code="AMX-A", name="Cabang A", kanwil=KanwilFactory(code="AMX-KA"))
    branch_b = BranchFactory(code="AMX-B", name="Cabang B", kanwil=KanwilFactory(code="AMX-KB"))
    officer = UserFactory(username="amx_petugas_a", branch=branch_a, role=Role.PETUGAS)
    supervisor = UserFactory(
        username="amx_kepala_a", branch=branch_a, role=Role.KEPALA_BIDANG, is_staff=True
    )
    counsellor = UserFactory(username="amx_konselor_a", branch=branch_a, role=Role.PENGANTAR_KERJA)
    head_office = UserFactory(
        username="amx_pusat", branch=None, role=Role.KANTOR_PUSAT, is_staff=True
    )
    outsider = UserFactory(username="amx_petugas_b", branch=branch_b, role=Role.PETUGAS)
    outside_supervisor = UserFactory(
        username="amx_kepala_b", branch=branch_b, role=Role.KEPALA_BIDANG, is_staff=True
    )
    superuser = UserFactory(username="amx_root", branch=None, is_staff=True, is_superuser=True)

    # Worker 1: branch A's claim, taken through the workflow to a running benefit.
    employer_a = EmployerFactory(branch=branch_a, name="PT Cabang A")
    participant_a = eligible_worker(employer_a)
    worker1 = UserFactory(username="amx_pekerja_1", branch=None, role=Role.PESERTA)
    participant_a.user = worker1
    participant_a.save(update_fields=["user"])
    claim = open_draft(participant_a, employer_a, officer)
    claim = drive(claim, ClaimState.BENEFIT_ACTIVE, officer=officer, supervisor=supervisor)

    # Worker 2: a claim of their own at branch B.
    employer_b = EmployerFactory(branch=branch_b, name="PT Cabang B")
    participant_b = eligible_worker(employer_b)
    worker2 = UserFactory(username="amx_pekerja_2", branch=None, role=Role.PESERTA)
    participant_b.user = worker2
    participant_b.save(update_fields=["user"])
    claim_b = open_draft(participant_b, employer_b, outsider)
    drive(claim_b, ClaimState.SUBMITTED, officer=outsider, supervisor=outside_supervisor)

    provider = training_services.create_training_provider(
        acting_user=counsellor,
        name="LPK Matriks",
        kind=TrainingProvider.Kind.LPK,
        ownership=TrainingProvider.Ownership.PRIVATE,
        city="Jakarta",
    )
    program = training_services.create_training_program(
        acting_user=counsellor,
        provider_id=provider.pk,
        title="Operator forklift",
        competency="Operasi forklift",
        duration_hours=40,
        cost=900_000,
        start_date=today,
    )
    referral = training_services.refer_to_training(
        claim_id=claim.pk, program_id=program.pk, acting_user=officer
    )
    activity = benefit_services.record_activity(
        claim_id=claim.pk,
        acting_user=counsellor,
        kind=JobSeekingActivity.Kind.JOB_APPLICATION,
        occurred_on=today,
        employer_name="PT Lowongan",
        position="Staf gudang",
    )
    counselling = training_services.schedule_counselling(
        claim_id=claim.pk, acting_user=counsellor, occurred_on=today
    )
    bank_change = payment_details.request_bank_account_change(
        claim_id=claim.pk,
        acting_user=officer,
        bank_name="BNI",
        bank_account="0987654321",
        account_holder=participant_a.name,
    )
    flag = IdentityFlag.objects.create(
        claim=claim, kind=IdentityFlag.Kind.BANK_ACCOUNT, other_participant=participant_b
    )
    set_status(claim, [1], InstalmentStatus.PAID)
    batch = PaymentBatch.objects.get(reference="PB-TEST-PAID")
    instalment = claim.instalments.get(month=1)
    document = claim.documents.order_by("pk").first()
    # Made here, once, so that no cell's request writes a file its rollback would leave behind.
    letter = letters.letter_for(claim_id=claim.pk, kind="approval", acting_user=supervisor)
    # Reassessments (claims.reassessment): a lower wage then a higher one leave the claim a debt
    # and an underpayment; a plan waits for a second supervisor; the letter is made here too.
    ContributionMonth.objects.filter(participant=participant_a).update(wage=2_000_000)
    reassessment = reassess_claim(claim_id=claim.pk, trigger="supervisor", acting_user=supervisor)
    ContributionMonth.objects.filter(participant=participant_a).update(wage=5_000_000)
    reassess_claim(claim_id=claim.pk, trigger="supervisor", acting_user=supervisor)
    debt = reassessment.debt
    plan = debt_recovery.propose_recovery_plan(
        debt_id=debt.pk, kind="write_off", reason="matrix", acting_user=supervisor
    )
    reassessment_letter = letters.reassessment_letter_for(
        reassessment_id=reassessment.pk, acting_user=supervisor
    )
    reveal_personal_data(
        participant_id=participant_a.pk, field="nik", reason="matrix", acting_user=supervisor
    )
    job = ImportJob.objects.create(
        file=ContentFile(b"nik,npp,period,wage,paid_date\n", name="matriks.csv"),
        original_name="matriks.csv",
        status=ImportJob.Status.NEEDS_DECISION,
        errors_file=ContentFile(b"line,field,reason\n", name="matriks-errors.csv"),
        created_by=head_office,
    )
    month = reports.month_start(today) - relativedelta(months=1)
    report = default_storage.save(reports.report_path(month, "xlsx"), ContentFile(b"PK matriks"))
    # The month's figures kept with branch A's claim among its Same Day Service misses.
    ReportMonth.objects.create(month=month, computed_at=timezone.now())
    SameDayMiss.objects.create(
        month=month,
        branch=branch_a,
        claim=claim,
        completed_at=timezone.now(),
        decided_at=timezone.now(),
        working_days=2,
    )
    client_a, token_a = create_integration_client(
        name="AMX branch A", grants=list(Grant.values), branch=branch_a
    )
    client_b, token_b = create_integration_client(
        name="AMX branch B", grants=list(Grant.values), branch=branch_b
    )
    attempt = {
        "user_agent": "matrix",
        "ip_address": "10.0.0.1",
        "username": "amx",
        "http_accept": "*/*",
    }
    attempt_row = AccessAttempt.objects.create(
        **attempt, path_info="/accounts/login/", get_data="", post_data="", failures_since_start=1
    )
    log_row = AccessLog.objects.create(**attempt, path_info="/accounts/login/")
    failure_row = AccessFailureLog.objects.create(**attempt, path_info="/accounts/login/")
    nik_lookup = NikLookup.objects.create(
        client=client_a, endpoint="eligibility", nik_index="0" * 64, outcome="found"
    )
    recovery = StaticDevice.objects.create(user=officer, name="recovery codes", confirmed=True)
    recovery.token_set.create(token="matrix0001")
    account_event = record_account_event(
        kind=AccountEvent.Kind.ADMIN_RESET_LINK, actor=superuser, subject=officer
    )

    users = {
        UNVERIFIED: UserFactory(username="amx_petugas_a2", branch=branch_a, role=Role.PETUGAS),
        OFFICER: officer,
        SUPERVISOR: supervisor,
        COUNSELLOR: counsellor,
        HEAD_OFFICE: head_office,
        OUTSIDER: outsider,
        OUTSIDE_SUPERVISOR: outside_supervisor,
        WORKER1: worker1,
        WORKER2: worker2,
        SUPERUSER: superuser,
    }
    objects = {
        "claim": claim,
        "participant": participant_a,
        "employer": employer_a,
        "document": document,
        "instalment": instalment,
        "batch": batch,
        "referral": referral,
        "activity": activity,
        "counselling": counselling,
        "bank_change": bank_change,
        "flag": flag,
        "month": month,
        "reassessment": reassessment,
        "debt": debt,
        "plan": plan,
        # A staff member of branch A whose second factor a supervisor may reset.
        "staff_member": officer,
    }
    admin_objects: dict[type[Model], Model] = {
        Group: Group.objects.get(name=Role.PETUGAS.value),
        AccessAttempt: attempt_row,
        AccessLog: log_row,
        AccessFailureLog: failure_row,
        type(branch_a.kanwil): branch_a.kanwil,
        type(branch_a): branch_a,
        type(officer): officer,
        type(employer_a): employer_a,
        type(participant_a): participant_a,
        apps.get_model("participants", "PersonalDataReveal"): apps.get_model(
            "participants", "PersonalDataReveal"
        ).objects.get(participant=participant_a),
        ContributionMonth: ContributionMonth.objects.filter(participant=participant_a).first(),
        ImportJob: job,
        type(claim): claim,
        apps.get_model("claims", "CaseEvent"): claim.events.order_by("pk").first(),
        apps.get_model("claims", "EventNotification"): apps.get_model(
            "claims", "EventNotification"
        ).objects.create(
            event=claim.events.order_by("pk").first(), status="failed", last_error="matrix"
        ),
        apps.get_model("claims", "Decision"): claim.decisions.order_by("pk").first(),
        type(document): document,
        apps.get_model("claims", "EligibilityResult"): claim.eligibility_results.first(),
        type(instalment): instalment,
        type(reassessment): reassessment,
        type(debt): debt,
        type(plan): plan,
        apps.get_model("claims", "Underpayment"): claim.underpayments.first(),
        apps.get_model("claims", "ReassessmentJob"): apps.get_model(
            "claims", "ReassessmentJob"
        ).objects.create(trigger="ruling", note="matrix", status="done"),
        PaymentBatch: batch,
        TrainingProvider: provider,
        type(program): program,
        type(referral): referral,
        JobSeekingActivity: activity,
        type(client_a): client_a,
        NikLookup: nik_lookup,
        AccountEvent: account_event,
        StaticDevice: recovery,
        OutboxMessage: OutboxMessage.objects.create(
            task="matrix.nothing", available_at=timezone.now()
        ),
    }
    world = World(users, objects, admin_objects, {TOKEN_A: token_a, TOKEN_B: token_b})
    world.files = [
        report,
        job.file.name,
        job.errors_file.name,
        letter.file.name,
        reassessment_letter.file.name,
        *Document.objects.filter(claim__in=[claim, claim_b]).values_list("file", flat=True),
    ]
    world.cache_keys = [
        TokenRateThrottle.cache_format % {"scope": TokenRateThrottle.scope, "ident": c.pk}
        for c in (client_a, client_b)
    ]
    # Every staff member has an authenticator app (the admin's TOTP device is the officer's).
    for user in users.values():
        if is_staff_member(user):
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            if user == officer:
                admin_objects[TOTPDevice] = device
    return world


def _sign_in(world: World) -> None:
    for persona in PERSONAS:
        headers = {}
        if persona in TOKENS:
            headers["authorization"] = f"Bearer {world.tokens[persona]}"
        client = Client(headers=headers)
        if persona in world.users:
            user = world.users[persona]
            client.force_login(user)
            device = TOTPDevice.objects.filter(user=user).first()
            if device is not None and persona != UNVERIFIED:
                # Signed in with the second factor, as the sign-in pages leave a staff session.
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        world.clients[persona] = client
        world.cookies[persona] = {name: morsel.value for name, morsel in client.cookies.items()}


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _keep_connection(self: BaseDatabaseWrapper) -> None:
    return None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction that is rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = None
        try:
            built = _build_world()
            _sign_in(built)
            # Thousands of expected 403/404/405 are each a logged warning: not worth formatting.
            logging.disable(logging.WARNING)
            # Only status codes and bodies are read: the test client need not copy the context
            # of every template rendered (the admin renders hundreds per page).
            with (
                # The world lives in one open transaction: the end of a request must not close
                # the connection, as close_old_connections does with CONN_MAX_AGE=0 (the
                # PostgreSQL test settings) whenever a response is closed.
                mock.patch.object(
                    BaseDatabaseWrapper, "close_if_unusable_or_obsolete", _keep_connection
                ),
                mock.patch("django.test.client.store_rendered_templates", _nothing),
                # As in production (the demo default, DEBUG, leaves it off).
                override_settings(STAFF_OTP_REQUIRED=True),
            ):
                yield built
        finally:
            logging.disable(logging.NOTSET)
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            if built is not None:
                for name in built.files:
                    default_storage.delete(name)
                cache.delete_many(built.cache_keys)


# --- requests --------------------------------------------------------------------------------

# Which object an app URL's id names (the claim unless said here).
OBJECT_OF = {
    "claims:create": "participant",
    "claims:document_download": "document",
    "claims:document_view": "document",
    "claims:document_check": "document",
    "claims:document_remove": "document",
    "claims:document_replace": "document",
    "claims:bank_change_decide": "bank_change",
    "claims:identity_flag_clear": "flag",
    "benefits:counselling_outcome": "counselling",
    "benefits:enrol": "referral",
    "benefits:attendance": "referral",
    "benefits:complete": "referral",
    "benefits:end_referral": "referral",
    "payments:batch_detail": "batch",
    "payments:batch_export": "batch",
    "payments:batch_import": "batch",
    "portal:accept_training": "referral",
    "portal:document": "document",
    "portal:document_remove": "document",
    "portal:instalment": "instalment",
    "portal:reassessment_letter": "reassessment",
    "portal:debt_object": "debt",
    "reassessment:letter": "reassessment",
    "reassessment:propose_plan": "debt",
    "reassessment:answer": "debt",
    "reassessment:decide_plan": "plan",
    "account:staff_reset_second_factor": "staff_member",
}

_PART = re.compile(
    r"<(?:[^>:]+:)?(?P<conv>[^>]+)>"  # <int:pk>, <path:object_id>
    r"|\(\?P<(?P<group>\w+)>[^)]*\)"  # (?P<app_label>...)
    r"|\((?!\?)[^)]*\)"  # ([^/]+): positional
)
_ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def _values(route: Route, world: World) -> tuple[dict[str, Any], list[Any]]:
    """The URL parameters: by name, and positional (the admin's past-version URL)."""
    obj = world.objects
    match = _ADMIN_MODEL.match(route.pattern)
    if match:
        try:
            model = apps.get_model(match["app"], match["model"])
        except LookupError:
            model = None
        if model is not None:
            target = world.admin_objects[model]
            pk = target.pk
            version = getattr(target, "history", None)
            positional = [pk, version.order_by("-history_id").first().history_id] if version else []
            return {"object_id": pk, "pk": pk, "id": pk}, positional
    if route.key == "admin:view_on_site":
        claim = obj["claim"]
        return {
            "content_type_id": ContentType.objects.get_for_model(claim).pk,
            "object_id": claim.pk,
        }, []
    if route.key == "admin:app_list":
        return {"app_label": "claims"}, []
    if route.key == "route:admin/(?P<url>.*)$":
        return {"url": "no-such-page/"}, []
    target = obj[OBJECT_OF.get(route.key, "claim")]
    return {
        "pk": target.pk,
        "participant_pk": obj["participant"].pk,
        "claim_pk": obj["claim"].pk,
        "number": obj["claim"].number,
        "token": "not-a-valid-token",
        "uidb64": "MA",
        "step": "phk",
        "kind": "approval",  # the letters of the running claim: its decision letter
        "month": f"{obj['month']:%Y-%m}",
        "fmt": "xlsx",
    }, []


def url_for(route: Route, world: World) -> str:
    named, positional = _values(route, world)
    positional = list(positional)

    def fill(match: re.Match) -> str:
        name = match["conv"] or match["group"]
        if name is None:
            return str(positional.pop(0))
        return str(named[name])

    return "/" + _PART.sub(fill, route.pattern).replace("^", "").replace("$", "")


def _query(key: str, world: World) -> dict[str, str]:
    """What a GET asks (and a POST carries in its URL)."""
    if key == "admin:autocomplete":
        return {"app_label": "participants", "model_name": "employment", "field_name": "employer"}
    if key == "api:v1-changes":
        return {"since": "2020-01-01T00:00:00Z"}
    return {}


def _body(key: str, world: World) -> dict[str, Any]:
    """What a POST sends: nothing for most forms (access is decided before they are read);
    worker 1's details where the scope applies to what is sent (searches, the API)."""
    participant = world.objects["participant"]
    if key == "claims:find_by_nik":
        return {"nik": participant.nik}
    if key in ("claims:intake", "worker_accounts:search"):
        return {"q": participant.name}
    if key == "worker_accounts:reset_link":
        return {"identity_checked": "yes"}
    if key == "api:v1-eligibility":
        return {"nik": participant.nik}
    if key == "api:v1-phk-report":
        return {
            "nik": participant.nik,
            "npp": world.objects["employer"].npp,
            "phk_date": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
            "reason": "efficiency",
        }
    return {}


Probe = Callable[[Any], bool]


def _contains(text: str) -> Probe:
    return lambda response: text in response.content.decode()


def _shown(key: str, world: World, method: str) -> Probe | None:
    """For a list (or a search): whether the answer shows branch A's (worker 1's) row."""
    claim = world.objects["claim"]
    participant = world.objects["participant"]
    if key == "claims:list":
        return _contains(f'"{reverse("claims:detail", args=[claim.pk])}"')
    if key == "claims:find_by_nik" and method == "POST":
        detail = reverse("claims:detail", args=[claim.pk])
        return lambda response: response.get("Location") == detail
    if key == "claims:intake" and method == "POST":
        return _contains(reverse("claims:create", args=[participant.pk]))
    if key == "worker_accounts:search" and method == "POST":
        return _contains(reverse("worker_accounts:reset_link", args=[participant.pk]))
    if key == "account:staff_accounts":
        return _contains(world.users[OFFICER].username)
    if key == "reports:same_day_missed":
        return _contains(f'data-claim="{claim.number}"')
    if key == "benefits:caseload":
        return _contains(reverse("benefits:benefit", args=[claim.pk]))
    if key == "portal:home":
        return _contains(reverse("portal:claim", args=[claim.pk]))
    if key == "api:v1-changes":
        return lambda response: any(
            claim.number in json.dumps(item) for item in response.json().get("results", [])
        )
    if key == "admin:autocomplete":
        employer = str(world.objects["employer"].pk)
        return lambda response: any(r["id"] == employer for r in response.json()["results"])
    if key.startswith("admin:") and key.endswith("_changelist"):
        match = _ADMIN_MODEL.match(ROUTES[key].pattern)
        assert match
        target = world.admin_objects[apps.get_model(match["app"], match["model"])]
        change = reverse(f"admin:{match['app']}_{match['model']}_change", args=[target.pk])
        return _contains(f'"{change}"')
    return None


def _refused(key: str) -> Probe | None:
    """For an action whose service refuses with a message on another page: whether it did."""
    if key == "worker_accounts:reset_link":
        return lambda response: response.status_code == 302
    return None


def classify(response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        location = urlsplit(response["Location"]).path
        if location in LOGIN_PATHS:
            return LOGIN
        if location in SECOND_FACTOR_PATHS:
            return SECOND_FACTOR
        return ADMIN_INDEX if location == "/admin/" else OK
    if status == 401:
        return UNAUTH
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status == 405:
        return METHOD
    if status < 300 or status in (400, 409, 422):
        return OK
    return f"status {status}"


def _reset(world: World, persona: str) -> Client:
    """The persona's client as signed in at the start (a logout must not carry over)."""
    client = world.clients[persona]
    client.cookies = SimpleCookie()
    for name, value in world.cookies[persona].items():
        client.cookies[name] = value
    return client


ERRORS: dict[str, str] = {}  # "error <type>" -> the last message, for the failure report


def _in_savepoint(run: Callable[[], str]) -> str:
    with transaction.atomic():
        try:
            outcome = run()
        except Exception as exc:
            outcome = f"error {type(exc).__name__}"
            ERRORS[outcome] = str(exc)[:200]
        transaction.set_rollback(True)
    return outcome


def request_route(world: World, persona: str, key: str, method: str) -> str:
    route = ROUTES[key]
    url = url_for(route, world)
    query = _query(key, world)
    shown = _shown(key, world, method)
    refused = _refused(key)

    def run() -> str:
        client = _reset(world, persona)
        if method == "GET":
            response = client.get(url, query)
        else:
            path = f"{url}?{urlencode(query)}" if query else url
            if key.startswith("api:"):
                response = client.post(path, _body(key, world), content_type="application/json")
            else:
                response = client.post(path, _body(key, world))
        try:
            outcome = classify(response)
            if outcome == OK and refused is not None and refused(response):
                return REFUSED
            if outcome == OK and shown is not None and response.status_code in (200, 302):
                return OK if shown(response) else HIDDEN
            return outcome
        finally:
            response.close()

    return _in_savepoint(run)


def request_action(world: World, persona: str, key: str) -> str:
    action = ACTIONS[key]
    model_admin = admin.site._registry[action.model]
    target = world.admin_objects[action.model]
    changelist = reverse(
        f"admin:{action.model._meta.app_label}_{action.model._meta.model_name}_changelist"
    )
    ran: list[set[Any]] = []
    original = model_admin.get_actions

    def spying(request):
        found = original(request)
        if action.name in found:
            func, name, description = found[action.name]

            def spy(modeladmin, req, queryset, _func=func):
                ran.append(set(queryset.values_list("pk", flat=True)))
                return _func(modeladmin, req, queryset)

            found[action.name] = (spy, name, description)
        return found

    def run() -> str:
        client = _reset(world, persona)
        with mock.patch.object(model_admin, "get_actions", spying):
            response = client.post(
                changelist,
                {"action": action.name, "_selected_action": [str(target.pk)], "index": "0"},
            )
        outcome = classify(response)
        response.close()
        if ran:
            return OK if target.pk in ran[0] else NOT_FOUND
        return REFUSED if outcome == OK else outcome

    return _in_savepoint(run)


def _describe(cell: Cell) -> str:
    return f"{cell.got} (gap: should be {cell.expected})" if isinstance(cell, Gap) else cell


@pytest.mark.parametrize("key", sorted([*ROUTES, *ACTIONS]))
def test_access(world, django_db_blocker, key):
    assert key in EXPECTED, f"{key} has no entry in EXPECTED"
    row = EXPECTED[key]
    wrong = []
    with django_db_blocker.unblock():
        for persona in personas_of(key):
            for method, cell in row[persona].items():
                if key in ACTIONS:
                    got = request_action(world, persona, key)
                else:
                    got = request_route(world, persona, key, method)
                want = cell.got if isinstance(cell, Gap) else cell
                if got != want:
                    detail = f" ({ERRORS[got]})" if got in ERRORS else ""
                    wrong.append(
                        f"{persona:>19} {method:<4} expected {_describe(cell)}, got {got}{detail}"
                    )
    assert not wrong, f"{key}\n" + "\n".join(wrong)
