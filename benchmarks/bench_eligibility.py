"""Eligibility through the web: the officer's "run eligibility" and the API look-up, each
÷ a raw SELECT of the same participant's contribution rows (issue #14: goal <= 10).

The world is the page benchmarks' claims (benchmarks/pages_data.py) with a contribution table
written by one INSERT ... SELECT: every participant has MONTHS paid months up to the month of
its PHK, inserted month by month as the monthly files arrive (so one participant's rows lie
on as many pages as it has months, as they do in production), then every month moved into its
own partition as the daily job leaves them (participants.partitions): the request and the
floor both read a participant's months through every partition up to the PHK month (about 40).
Quick: 50,000 participants, 1.2 million contribution rows; national: 500,000 participants,
12 million rows.

* `eligibility_officer`: POST /claims/<pk>/eligibility/ as the branch officer on a claim whose
  eligibility was checked (a re-run: one result, its checks and a case event each time);
* `eligibility_api`: POST /api/v1/eligibility/ with the participant's NIK and a PHK date, as a
  branch-limited integration client (the summary and the engine's evaluation);
* the floor: `SELECT period, wage FROM participants_contributionmonth WHERE participant_id = %s
  AND period <= %s ORDER BY period` of the same participant, through the same connection.

Each figure is the fastest of REPEAT requests after a warm-up. Its note gives that request's
statements and the time they took in the database alone (each statement's round trip): what
the request cannot go below however lean its Python, beside the floor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from benchmarks import pages_data
from benchmarks.harness import Figure, client_environment, report, say, timed

QUICK = 50_000
NATIONAL = 500_000
MONTHS = 24
REPEAT = 40
GOAL = "<= 10"
NIK = "3174015808900007"
WAGE = 4_500_000


@dataclass(frozen=True)
class World:
    participants: int
    contributions: int
    claim_id: int
    participant_id: int
    phk_month: Any
    phk_date: Any
    officer: Any
    api: Any


def _sql(statement: str, params: list | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _contributions() -> None:
    """MONTHS paid months per participant, up to its PHK month, month by month, each month in
    its partition."""
    _sql("SET session_replication_role = replica")
    try:
        _sql(
            "INSERT INTO participants_contributionmonth "
            "(participant_id, employer_id, period, wage, paid_on, created_at) "
            "SELECT t.participant_id, t.employer_id, "
            "(date_trunc('month', t.phk_date) - m * interval '1 month')::date, "
            "%s + (t.participant_id %% 9) * 250000, "
            "(date_trunc('month', t.phk_date) - m * interval '1 month' + interval '1 month' "
            "+ interval '9 days')::date, now() "
            "FROM generate_series(%s::int, 0, -1) m CROSS JOIN claims_termination t "
            "ORDER BY m DESC, t.participant_id",
            [WAGE, MONTHS - 1],
        )
    finally:
        _sql("SET session_replication_role = DEFAULT")
    # The table's production shape: every month in its own partition, as the imports and the
    # daily job leave it (a participant's months then lie in as many partitions).
    from participants.partitions import ensure_contribution_partitions

    ensure_contribution_partitions()
    _sql("ANALYZE participants_contributionmonth")


def _signed_in(claim) -> tuple[Any, Any]:
    from django.contrib.auth.models import Group
    from django.test import Client
    from rest_framework.test import APIClient

    from api.models import Grant, IntegrationClient
    from api.services import create_integration_client
    from jkp_site.core.models import User
    from jkp_site.core.roles import Role

    officer, _ = User.objects.get_or_create(
        username="bench-elig-petugas", defaults={"branch": claim.branch}
    )
    officer.groups.add(Group.objects.get(name=Role.PETUGAS.value))
    client = Client()
    client.force_login(officer)
    integration, token = create_integration_client(
        name="bench-eligibility", grants=[Grant.ELIGIBILITY_READ], branch=claim.branch
    )
    # The benchmark asks more often than an integrator may per minute.
    IntegrationClient.objects.filter(pk=integration.pk).update(rate_per_minute=1_000_000)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client, api


def _target() -> Any:
    """A claim of the branch officer's whose eligibility was checked, its participant with a
    known NIK, its programmes and its employment."""
    from claims.models import Claim, ClaimState
    from participants.models import Employment, Participant, ProgramEnrollment

    claim = (
        Claim.objects.select_related("participant", "termination", "branch")
        .filter(state=ClaimState.ELIGIBILITY_CHECKED, branch__parent__isnull=True)
        .order_by("id")
        .first()
    )
    if claim is None:
        raise SystemExit("no claim in eligibility_checked among the generated ones")
    participant = claim.participant
    participant.nik = NIK
    participant.save()
    Participant.objects.filter(pk=participant.pk).update(
        registered_on=claim.termination.phk_date.replace(year=claim.termination.phk_date.year - 3)
    )
    for program in ("JKN", "JKK", "JKM", "JHT", "JP"):
        ProgramEnrollment.objects.get_or_create(
            participant=participant, program=program, defaults={"since": "2015-01-01"}
        )
    Employment.objects.get_or_create(
        participant=participant,
        employer=claim.termination.employer,
        defaults={"contract_type": "PKWTT", "start_date": "2015-01-01"},
    )
    return claim


def _world(national: bool) -> World:
    client_environment()
    size = NATIONAL if national else QUICK
    pages_data.reset()
    started = time.perf_counter()
    pages_data.grow_to(size)
    _contributions()
    from participants.models import ContributionMonth

    rows = ContributionMonth.objects.count()
    say(
        f"eligibility: {size:,} participants and {rows:,} contribution rows generated in "
        f"{time.perf_counter() - started:.1f}s"
    )
    claim = _target()
    officer, api = _signed_in(claim)
    phk = claim.termination.phk_date
    return World(size, rows, claim.pk, claim.participant_id, phk.replace(day=1), phk, officer, api)


def _timed_request(send: Callable[[], Any], expected: int) -> tuple[float, int, float]:
    """The fastest of REPEAT requests: (seconds, its statements, their own seconds in the
    database)."""
    from django.db import connection

    statements: list[float] = []

    def counted(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(time.perf_counter() - began)

    def once() -> None:
        response = send()
        if response.status_code != expected:
            raise SystemExit(f"eligibility request answered {response.status_code}")

    once()
    runs = []
    with connection.execute_wrapper(counted):
        for _ in range(REPEAT):
            statements.clear()
            began = time.perf_counter()
            once()
            runs.append((time.perf_counter() - began, len(statements), sum(statements)))
    return min(runs)


def _floor(world: World) -> float:
    """The raw SELECT of the participant's contribution rows, best of REPEAT."""
    from django.db import connection

    def select() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT period, wage FROM participants_contributionmonth "
                "WHERE participant_id = %s AND period <= %s ORDER BY period",
                [world.participant_id, world.phk_month],
            )
            if len(cursor.fetchall()) != MONTHS:
                raise SystemExit("the benchmarked participant lacks its contribution months")

    select()
    return timed(select, repeat=REPEAT * 3)


@cache
def _measurements(national: bool) -> dict[str, tuple[float, int, float, float, World]]:
    """Both requests and the floor, measured on one world, which is removed after."""
    world = _world(national)
    url = f"/claims/{world.claim_id}/eligibility/"
    body = {"nik": NIK, "phk_date": world.phk_date.isoformat(), "reason": "efficiency"}
    requests = {
        "eligibility_officer": (lambda: world.officer.post(url), 302),
        "eligibility_api": (
            lambda: world.api.post("/api/v1/eligibility/", body, format="json"),
            200,
        ),
    }
    measured = {}
    for name, (send, expected) in requests.items():
        seconds, queries, in_database = _timed_request(send, expected)
        floor = _floor(world)
        say(
            f"  {name}: {seconds * 1000:.2f} ms, {queries} queries taking "
            f"{in_database * 1000:.2f} ms; raw SELECT {floor * 1000:.3f} ms"
        )
        measured[name] = (seconds, queries, in_database, floor, world)
    pages_data.reset()
    return measured


def _figure(name: str, national: bool, what: str) -> list[Figure]:
    seconds, queries, in_database, floor, world = _measurements(national)[name]
    return [
        report(
            name,
            size=world.contributions,
            value=seconds,
            floor=floor,
            goal=GOAL,
            note=f"{what}; {queries} queries, {in_database * 1000:.2f} ms of it in them; "
            f"{MONTHS} months of {world.participants:,} "
            "participants; floor: raw SELECT of the participant's contribution rows",
        )
    ]


def eligibility_officer(national: bool = False) -> list[Figure]:
    return _figure("eligibility_officer", national, "officer re-runs eligibility (POST)")


def eligibility_api(national: bool = False) -> list[Figure]:
    return _figure("eligibility_api", national, "API eligibility look-up with an evaluation")


BENCHES: dict[str, Callable[..., list[Figure]]] = {
    "eligibility_officer": eligibility_officer,
    "eligibility_api": eligibility_api,
}
