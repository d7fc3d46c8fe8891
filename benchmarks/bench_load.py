"""Load (`load`, national size only): a queue + detail mix at RATE requests/s for SECONDS s
against gunicorn (2 workers, deploy/gunicorn.conf.py), over the page benchmarks' claims
(benchmarks/pages_data.py, 1,000,000 claims at national size).

gunicorn runs the production configuration, as ``make prod-smoke`` does: DEBUG off, the static
files collected (whitenoise's manifest), the Redis cache, JSON logs at WARNING, the staff second
factor required, every request sent as through the TLS load balancer (X-Forwarded-Proto:
https). Its keys are the benchmark process's own, so it reads the generated data.

A branch officer (PGB1, which sees its two sub-offices) and head office are signed in, each with
an enrolled authenticator verified in the session; the requests go round officer queue, officer
claim detail, head office queue, head office claim detail (a claim drawn from what each one
sees). The load is open: request i leaves at
i / RATE s whatever came back before, and its latency runs from that moment (a slow answer
delays nothing else, and a queue of waiting requests counts against the server). Errors are
anything but 200, and no answer within TIMEOUT s.

The figure: p95 in ms, floor 100 ms (the goal on a quiet machine: p95 <= 100 ms, no errors),
with p50, p99 and the errors in the JSON. `--size N` runs it at N claims (to try it small):
`python -m benchmarks load --size 10000`. Without --national or --size it is skipped.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks import pages_data
from benchmarks.harness import Figure, bench_dir, report, say

NATIONAL = 1_000_000
RATE = 30
SECONDS = 60
WORKERS = 2
TIMEOUT = 30.0
FLOOR_MS = 100.0
CLIENT_THREADS = 64
SAMPLE = 500
ROOT = Path(__file__).resolve().parent.parent
# What the TLS load balancer in front of gunicorn adds (SECURE_PROXY_SSL_HEADER).
BALANCER = {"X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _session_cookies() -> dict[str, str]:
    """The session cookie of a branch officer and of head office, each session verified with
    the user's authenticator (what the second-factor step leaves in it)."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jkp_site.core.models import KantorCabang, User
    from jkp_site.core.roles import Role

    branch = KantorCabang.objects.get(code="PGB1")
    people: dict[str, tuple[str, dict[str, object], Role]] = {
        "officer": ("bench-load-petugas", {"branch": branch}, Role.PETUGAS),
        "head": ("bench-load-pusat", {"is_staff": True}, Role.KANTOR_PUSAT),
    }
    cookies = {}
    for who, (username, defaults, role) in people.items():
        user, _ = User.objects.get_or_create(username=username, defaults=defaults)
        user.groups.add(Group.objects.get(name=role.value))
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        cookies[who] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def _claim_sample() -> dict[str, list[int]]:
    """Claims each one sees: the officer's branch and its sub-offices; every claim."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM claims_claim c JOIN core_kantorcabang b ON b.id = c.branch_id "
            "WHERE b.code = 'PGB1' OR b.parent_id = (SELECT id FROM core_kantorcabang "
            "WHERE code = 'PGB1') ORDER BY random() LIMIT %s",
            [SAMPLE],
        )
        officer = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM claims_claim ORDER BY random() LIMIT %s", [SAMPLE])
        head = [row[0] for row in cursor.fetchall()]
    return {"officer": officer, "head": head}


def _production_environment(port: int, static_root: Path) -> dict[str, str]:
    """The benchmark's own database and keys in the production configuration."""
    from django.conf import settings

    return os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "STAFF_OTP_REQUIRED": "true",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
    }


def _collect_static(env: dict[str, str]) -> None:
    """What a release does before gunicorn starts (deploy/entrypoint.sh migrate): whitenoise's
    manifest, without which a page in production cannot name its static files."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    say(f"load: static files collected in {time.perf_counter() - began:.1f}s")


def _start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and config)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "jkp_site.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn ended at start (exit {server.returncode}); see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers=BALANCER)
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    _stop(server)
    raise SystemExit(f"gunicorn did not answer /healthz within 120 s; see {log}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _plan(cookies: dict[str, str], claims: dict[str, list[int]]) -> list[tuple[str, str]]:
    """(path, cookie) of each request, in order: queue and detail, officer and head office."""
    rng = random.Random(14)  # noqa: S311 (which claim to ask for, not a secret)
    plan = []
    for i in range(RATE * SECONDS):
        who = "officer" if i % 4 < 2 else "head"
        path = "/claims/" if i % 2 == 0 else f"/claims/{rng.choice(claims[who])}/"
        plan.append((path, cookies[who]))
    return plan


def _fire(port: int, plan: list[tuple[str, str]]) -> tuple[list[float], int, dict[str, int]]:
    """Latencies (s) of the answered requests, the errors and their kinds."""
    latencies: list[float] = []
    kinds: dict[str, int] = {}
    lock = threading.Lock()

    def one(path: str, cookie: str, leaves_at: float) -> None:
        if time.perf_counter() - leaves_at > TIMEOUT:
            # Still waiting for a client thread after TIMEOUT: a timeout, not sent at all (so
            # the run ends within SECONDS + 2 x TIMEOUT however slow the server is).
            with lock:
                kinds["not sent in time"] = kinds.get("not sent in time", 0) + 1
            return
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            connection.request(
                "GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1", **BALANCER}
            )
            response = connection.getresponse()
            response.read()
            connection.close()
            outcome = "ok" if response.status == 200 else f"HTTP {response.status}"
        except OSError as exc:
            outcome = type(exc).__name__
        took = time.perf_counter() - leaves_at
        with lock:
            if outcome == "ok":
                latencies.append(took)
            else:
                kinds[outcome] = kinds.get(outcome, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        for i, (path, cookie) in enumerate(plan):
            leaves_at = started + i / RATE
            pause = leaves_at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(one, path, cookie, leaves_at)
    return latencies, sum(kinds.values()), kinds


def _serve_and_fire(
    env: dict[str, str], port: int, log: Path, plan: list[tuple[str, str]]
) -> tuple[list[float], int, dict[str, int]]:
    server = _start_gunicorn(env, port, log)
    try:
        say(
            f"load: gunicorn ({WORKERS} workers, production configuration) on 127.0.0.1:{port};"
            f" {RATE}/s for {SECONDS}s"
        )
        return _fire(port, plan)
    finally:
        _stop(server)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("inf")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load(national: bool = False, size: int | None = None) -> list[Figure]:
    if size is None:
        if not national:
            say("load: national size only (python -m benchmarks load --national, or --size N)")
            return []
        size = NATIONAL
    from django.db import connection

    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close()
    pages_data.reset()
    began = time.perf_counter()
    pages_data.grow_to(size)
    say(f"load: {size:,} claims generated in {time.perf_counter() - began:.1f}s")
    cookies = _session_cookies()
    claims = _claim_sample()
    connection.close()
    log = bench_dir() / "load-gunicorn.log"
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="jkp-bench-static-") as static_root:
        env = _production_environment(port, Path(static_root))
        _collect_static(env)
        latencies, errors, kinds = _serve_and_fire(env, port, log, _plan(cookies, claims))
    pages_data.reset()
    p50, p95, p99 = (_percentile(latencies, share) * 1000 for share in (0.50, 0.95, 0.99))
    sent = RATE * SECONDS
    mean = statistics.fmean(latencies) * 1000 if latencies else float("inf")
    say(
        f"  load: {len(latencies)} of {sent} answered; p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"p99 {p99:.0f} ms, mean {mean:.0f} ms; errors {errors} {kinds or ''}"
    )
    return [
        report(
            "load",
            size=size,
            value=p95,
            floor=FLOOR_MS,
            goal="<= 1",
            unit="ms",
            note=f"p95 of a queue + detail mix, officer and head office, {RATE}/s for "
            f"{SECONDS}s against gunicorn with {WORKERS} workers; goal p95 <= {FLOOR_MS:.0f} ms "
            "and no errors",
            extra={
                "p50_ms": p50,
                "p95_ms": p95,
                "p99_ms": p99,
                "mean_ms": mean,
                "sent": sent,
                "answered": len(latencies),
                "errors": errors,
                "error_kinds": kinds,
            },
            also_met=errors == 0,
        )
    ]


BENCHES: dict[str, Callable[..., list[Figure]]] = {"load": load}
