"""The staff pages as the data grows: the queue, the name search, the dashboard, the monthly
report and the API changes feed, each timed through Django's test client (middleware,
session, template and every query) at a small and a large size of the same generated world
(benchmarks/pages_data.py).

* `queue_scale`: page 1 of a branch queue at the large size ÷ at a size 100x smaller;
* `queue_depth`: the deepest reachable page (the last) ÷ page 1, at the large size, head
  office's queue (every claim visible);
* `search_scale`: a search for one person's full name, large ÷ 100x smaller;
* `dashboard_scale`, `report_scale`, `changes_scale`: the dashboard (6 months), the monthly
  report page and the API changes feed since 30 days ago, large ÷ 10x smaller.

Each figure is the best of several runs after a warm-up, with the query count of one request
in its note (the queue's goal: at most 10). The world is built once per process and grows
(small, medium, large); every figure is measured when the world reaches its size.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from dateutil.relativedelta import relativedelta

from benchmarks import pages_data
from benchmarks.harness import Figure, client_environment, report, say, timed

QUICK = {"small": 1_000, "medium": 10_000, "large": 100_000}
NATIONAL = {"small": 10_000, "medium": 100_000, "large": 1_000_000}
REPEAT = 7
QUEUE_QUERY_LIMIT = 10
DASHBOARD_MONTHS = 6


class Session:
    """Signed-in test clients: head office, a branch officer, and an API client."""

    def __init__(self) -> None:
        from django.contrib.auth.models import Group
        from django.test import Client
        from rest_framework.test import APIClient

        from api.models import Grant
        from api.services import create_integration_client
        from jkp_site.core.models import KantorCabang, User
        from jkp_site.core.roles import Role

        branch = KantorCabang.objects.get(code="PGB1")
        head, _ = User.objects.get_or_create(username="bench-pusat", defaults={"is_staff": True})
        head.groups.add(Group.objects.get(name=Role.KANTOR_PUSAT.value))
        officer, _ = User.objects.get_or_create(
            username="bench-petugas", defaults={"branch": branch}
        )
        officer.groups.add(Group.objects.get(name=Role.PETUGAS.value))
        self.head = Client()
        self.head.force_login(head)
        self.officer = Client()
        self.officer.force_login(officer)
        _client, token = create_integration_client(
            name="bench-changes", grants=[Grant.CHANGES_READ], branch=branch, employer=None
        )
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")


def _request(client, url: str, params: dict | None = None) -> tuple[float, int, Any]:
    """(best seconds, queries of one request, the last response)."""
    from django.db import connection

    responses = []
    statements = []

    def counted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def once() -> None:
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
        responses.append(response)

    once()
    with connection.execute_wrapper(counted):
        once()
    seconds = timed(once, repeat=REPEAT)
    return seconds, len(statements), responses[-1]


def _measure(stage: str, session: Session) -> dict[str, tuple[float, int]]:
    from django.utils import timezone

    from reports.monthly import month_start, rebuild_month

    today = timezone.localdate()
    month = month_start(today)
    results: dict[str, tuple[float, int]] = {}
    seconds, queries, _ = _request(session.officer, "/claims/")
    results["queue_branch"] = (seconds, queries)
    seconds, queries, _ = _request(session.head, "/claims/")
    results["queue_head"] = (seconds, queries)
    seconds, queries, response = _request(session.head, "/claims/", {"last": "1"})
    results["queue_last"] = (seconds, queries)
    rows = response.context["rows"]
    if not rows:
        raise SystemExit("the last page of the queue is empty")
    seconds, queries, response = _request(session.head, "/claims/", {"q": pages_data.SEARCHED_NAME})
    found = len(response.context["rows"])
    results["search"] = (seconds, queries)
    say(f"  {stage}: search found {found} claims on its first page")
    if stage != "small":
        started = time.perf_counter()
        for back in range(DASHBOARD_MONTHS):
            rebuild_month(month - relativedelta(months=back))
        say(
            f"  {stage}: {DASHBOARD_MONTHS} months of figures rebuilt in "
            f"{time.perf_counter() - started:.1f}s"
        )
        params = {"month": f"{month:%Y-%m}", "months": str(DASHBOARD_MONTHS)}
        results["dashboard"] = _request(session.head, "/reports/", params)[:2]
        results["report"] = _request(session.head, "/reports/monthly/", params)[:2]
        since = (timezone.now() - dt.timedelta(days=30)).isoformat()
        results["changes"] = _request(session.api, "/api/v1/changes/", {"since": since})[:2]
    for name, (seconds, queries) in results.items():
        say(f"  {stage}: {name:<13} {seconds * 1000:8.1f} ms  {queries} queries")
    return results


@cache
def _measurements(national: bool) -> dict[str, dict[str, tuple[float, int]]]:
    client_environment()
    sizes = NATIONAL if national else QUICK
    say(f"page benchmarks: sizes {sizes}")
    pages_data.reset()
    measured: dict[str, dict[str, tuple[float, int]]] = {}
    session: Session | None = None
    for stage, size in sizes.items():
        started = time.perf_counter()
        pages_data.grow_to(size)
        say(f"  {stage}: {size:,} claims generated in {time.perf_counter() - started:.1f}s")
        session = session or Session()
        measured[stage] = _measure(stage, session)
        measured[stage]["size"] = (float(size), 0)
    pages_data.reset()
    return measured


def _scale(
    name: str, key: str, small: str, large: str, goal: str, national: bool, note: str
) -> list[Figure]:
    measured = _measurements(national)
    big, queries = measured[large][key]
    little, _ = measured[small][key]
    return [
        report(
            name,
            size=int(measured[large]["size"][0]),
            value=big,
            floor=little,
            ratio=big / little,
            goal=goal,
            note=f"{note}; {queries} queries at the large size; small size "
            f"{int(measured[small]['size'][0]):,}",
        )
    ]


def queue_scale(national: bool = False) -> list[Figure]:
    return _scale(
        "queue_scale",
        "queue_branch",
        "small",
        "large",
        "<= 1.5",
        national,
        f"branch queue page 1 (goal <= {QUEUE_QUERY_LIMIT} queries)",
    )


def queue_depth(national: bool = False) -> list[Figure]:
    measured = _measurements(national)
    last, queries = measured["large"]["queue_last"]
    first, first_queries = measured["large"]["queue_head"]
    return [
        report(
            "queue_depth",
            size=int(measured["large"]["size"][0]),
            value=last,
            floor=first,
            goal="<= 2",
            note=f"head office, last page {queries} queries, page 1 {first_queries} queries "
            f"(goal <= {QUEUE_QUERY_LIMIT})",
        )
    ]


def search_scale(national: bool = False) -> list[Figure]:
    return _scale(
        "search_scale", "search", "small", "large", "<= 2", national, "one person's full name"
    )


def dashboard_scale(national: bool = False) -> list[Figure]:
    return _scale(
        "dashboard_scale",
        "dashboard",
        "medium",
        "large",
        "<= 1.5",
        national,
        f"head office dashboard, {DASHBOARD_MONTHS} months",
    )


def report_scale(national: bool = False) -> list[Figure]:
    return _scale(
        "report_scale", "report", "medium", "large", "<= 1.5", national, "monthly report page"
    )


def changes_scale(national: bool = False) -> list[Figure]:
    return _scale(
        "changes_scale",
        "changes",
        "medium",
        "large",
        "<= 1.5",
        national,
        "API changes since 30 days ago, first page, branch client",
    )


BENCHES: dict[str, Callable[..., list[Figure]]] = {
    "queue_scale": queue_scale,
    "queue_depth": queue_depth,
    "search_scale": search_scale,
    "dashboard_scale": dashboard_scale,
    "report_scale": report_scale,
    "changes_scale": changes_scale,
}
