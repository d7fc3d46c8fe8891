"""make prod-smoke: the production processes, started as production starts them, take one claim
from intake to a paid instalment.

1. A fresh PostgreSQL database and Redis database; generated keys in the environment; DEBUG off,
   the second factor on, JSON logs, every request sent as through a TLS load balancer
   (X-Forwarded-Proto: https).
2. ``deploy/entrypoint.sh migrate`` (migrate, collectstatic, compilemessages), then the fixtures
   (a branch, its staff with recovery codes, an employer and an eligible worker, an API client)
   from ``python deploy/prod_smoke.py fixtures``.
3. ``entrypoint.sh web`` (gunicorn), two ``entrypoint.sh worker`` (payments and imports; default
   and notifications) and ``entrypoint.sh beat``, each in its own process group.
4. Over HTTP: the officer takes the claim in on the staff screens, uploads the proofs, submits,
   verifies, runs the rules and recommends; the supervisor approves; the counsellor records the
   self-assessment; head office gathers the payment batch (a Celery task on the payments
   queue), exports it and imports the bank's result. The API then reports month 1 paid.
5. /readyz answers 200 (database, Redis, workers and beat); /metrics refuses an anonymous
   request and counts the paid instalment for the scraper; the worker's JSON log carries the
   request id of the request that asked for the batch.
6. Everything started is stopped (its process group); ``prod-smoke: ok``.

Settings: SMOKE_DATABASE_URL (postgres://postgres@127.0.0.1:5432/jkp_smoke; the database is
dropped and made again) and SMOKE_REDIS_URL (redis://127.0.0.1:6379/11; flushed).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import http.client
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"prod-smoke: {message}", flush=True)  # noqa: T201


class SmokeError(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeError(message)


# --- the environment ------------------------------------------------------------------------


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    check(re.fullmatch(r"[a-z0-9_]+", name), f"unexpected database name {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def start_s3(processes: Processes) -> dict[str, str]:
    """The document store every process shares: moto's S3 server (requirements-dev.txt) with a
    private bucket, as a store shared by several nodes would be; the local disk without moto."""
    try:
        import boto3
        import moto.server  # noqa: F401
    except ImportError:
        log("moto is not installed: documents stay on the local disk")
        return {}
    port = free_port()
    processes.start_command("s3", PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port))
    endpoint = f"http://127.0.0.1:{port}"
    settings = {
        "AWS_STORAGE_BUCKET_NAME": "jkp-smoke-documents",
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "jkp-smoke",
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(16),
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
    )

    def bucket_made() -> bool:
        try:
            client.create_bucket(Bucket=settings["AWS_STORAGE_BUCKET_NAME"])
        except Exception:  # the server is still starting
            return False
        return True

    wait_for(bucket_made, what="the S3 server", timeout=60, processes=processes)
    processes.env.update(settings)
    processes.s3 = client
    return settings


def smoke_environment(workdir: Path, port: int) -> dict[str, str]:
    keep = {
        name: value
        for name, value in os.environ.items()
        if name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
    }
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "jkp_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": new_key(),
        "BLIND_INDEX_KEY": new_key(),
        "METRICS_TOKEN": secrets.token_urlsafe(24),
        "DATABASE_URL": os.environ.get(
            "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jkp_smoke"
        ),
        "REDIS_URL": os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/11"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "JKP_VAR_DIR": str(workdir / "var"),
        "MEDIA_ROOT": str(workdir / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_FORMAT": "json",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_WORKER_TMP_DIR": str(workdir),
        "CELERY_CONCURRENCY": "1",
        "TRUSTED_PROXY_COUNT": "0",
        "PYTHON": PYTHON,
        "JKP_NO_VENV": "1",
    }


class Processes:
    """The processes started, each in a process group of its own, stopped as a group."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.s3: Any = None

    def run(self, *args: str) -> None:
        subprocess.run([str(ENTRYPOINT), *args], cwd=ROOT, env=self.env, check=True)

    def start(self, name: str, *args: str) -> None:
        self.start_command(name, str(ENTRYPOINT), *args)

    def start_command(self, name: str, *command: str) -> None:
        handle = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        self.started.append((name, process))

    def assert_running(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise SmokeError(f"{name} exited with {process.returncode}:\n{tail}")

    def stop(self) -> None:
        for _name, process in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for _name, process in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            # Whatever the group's leader left behind (gunicorn or Celery children).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


# --- HTTP as a browser behind the load balancer ---------------------------------------------


class Browser:
    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        sent = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST" and "csrftoken" in self.cookies:
            sent.setdefault("X-CSRFToken", self.cookies["csrftoken"])
            sent.setdefault("Origin", self.origin)
            sent.setdefault("Referer", self.origin + path)
        if files:
            boundary = uuid.uuid4().hex
            body = multipart(boundary, data or {}, files)
            sent["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urlencode(data).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, response.headers, content

    def get(self, path: str, **kwargs: Any) -> tuple[int, http.client.HTTPMessage, bytes]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> tuple[int, http.client.HTTPMessage, bytes]:
        return self.request("POST", path, **kwargs)

    def step(self, path: str, what: str, **kwargs: Any) -> str:
        """A POST that should redirect (the views answer every action with a redirect)."""
        status, headers, content = self.post(path, **kwargs)
        check(status == 302, f"{what}: expected a redirect, got {status}: {content[:400]!r}")
        return headers["Location"]

    def sign_in(self, username: str, password: str, code: str) -> None:
        self.cookies.clear()
        status, _headers, _content = self.get("/accounts/login/")
        check(status == 200 and "csrftoken" in self.cookies, f"login page: {status}")
        location = self.step(
            "/accounts/login/", "sign-in", data={"username": username, "password": password}
        )
        check("/accounts/login/" not in location, f"sign-in of {username} refused")
        location = self.step("/accounts/otp/", "second factor", data={"code": code})
        check("/accounts/otp/" not in location, f"second factor of {username} refused")


def multipart(boundary: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    for name, (filename, content, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def api(browser: Browser, token: str, method: str, path: str, payload: Any = None):
    body = json.dumps(payload).encode() if payload is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, _headers, content = Browser(browser.port).request(
        method, path, headers=headers, body=body
    )
    return status, json.loads(content or b"null")


def wait_for(predicate: Any, *, what: str, timeout: float, processes: Processes) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.assert_running()
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise SmokeError(f"timed out waiting for {what}")


# --- the claim ------------------------------------------------------------------------------


def drive_claim(browser: Browser, fx: dict[str, Any], processes: Processes) -> tuple[str, str]:
    from tests.samples import PDF

    users = fx["users"]
    today = dt.date.fromisoformat(fx["today"])

    # The officer: intake, the two proofs, submit, verify, rules, recommend.
    browser.sign_in(**users["officer"])
    status, _h, page = browser.post("/claims/intake/", data={"q": fx["kpj_number"]})
    check(status == 200 and fx["participant_name"].encode() in page, "intake search")
    location = browser.step(
        f"/claims/intake/{fx['participant_id']}/",
        "open the claim",
        data={
            "employer": str(fx["employer_id"]),
            "phk_date": fx["phk_date"],
            "reason": "efficiency",
            "contract_type": "PKWTT",
            "bank_name": "BRI",
            "bank_account": fx["bank_account"],
            "bank_account_holder": fx["participant_name"],
            "kapk_signed": "on",
        },
    )
    match = re.fullmatch(r"/claims/(\d+)/", location)
    check(match, f"the new claim's page: {location}")
    claim_id = int(match.group(1)) if match else 0
    base = f"/claims/{claim_id}"
    for doc_type in ("phk_acceptance", "phk_report_receipt"):
        browser.step(
            f"{base}/documents/",
            f"upload {doc_type}",
            data={"doc_type": doc_type},
            files={"uploaded_file": (f"{doc_type}.pdf", PDF, "application/pdf")},
        )
    browser.step(f"{base}/submit/", "submit", data={"confirmed": "1"})
    browser.step(f"{base}/verify/", "start verification", data={})
    _status, _h, page = browser.get(f"{base}/")
    documents = sorted(set(re.findall(rb"/claims/documents/(\d+)/check/", page)))
    check(len(documents) == 2, f"two documents to check, found {len(documents)}")
    for document in documents:
        browser.step(
            f"/claims/documents/{document.decode()}/check/",
            "accept a document",
            data={"accepted": "1"},
        )
    # The download stays authorised: streamed through the view, as an attachment.
    status, headers, content = browser.get(f"/claims/documents/{documents[0].decode()}/")
    check(status == 200 and content == PDF, f"document download: {status}")
    check("attachment" in headers.get("Content-Disposition", ""), "download as an attachment")
    browser.step(f"{base}/eligibility/", "run the rules", data={})
    browser.step(
        f"{base}/recommend/", "recommend", data={"recommendation": "approve", "confirmed": "1"}
    )
    _status, _h, page = browser.get(f"{base}/")
    number_match = re.search(rb"JKP-\d{4}-0*" + str(claim_id).encode() + rb"\b", page)
    check(number_match, "the claim number on its page")
    number = number_match.group(0).decode() if number_match else ""

    # The supervisor decides (four eyes: not the officer).
    browser.sign_in(**users["supervisor"])
    browser.step(f"{base}/approve/", "approve", data={"approve-note": "smoke", "confirmed": "1"})
    status, claim = api(browser, fx["token"], "GET", f"/api/v1/claims/{number}/")
    check(status == 200 and claim["state"] == "approved", f"approved: {status} {claim}")

    # The counsellor records the self-assessment: month 1 becomes payable.
    browser.sign_in(**users["counsellor"])
    browser.step(
        f"/training/claims/{claim_id}/activities/",
        "self-assessment",
        data={"kind": "self_assessment", "occurred_on": today.isoformat()},
    )
    status, claim = api(browser, fx["token"], "GET", f"/api/v1/claims/{number}/")
    month1 = claim["instalments"][0]
    check(claim["state"] == "benefit_active", f"benefit active: {claim['state']}")
    check(month1["status"] == "payable", f"month 1 payable: {month1}")

    # Head office gathers the batch: a task on the payments queue, run by a worker.
    browser.sign_in(**users["head_office"])
    request_id = f"smoke-{uuid.uuid4().hex}"
    browser.step(
        "/payments/run/",
        "gather the batch",
        data={"confirmed": "1"},
        headers={"X-Request-ID": request_id},
    )

    def batch_ready() -> str | None:
        _status, _h, listing = browser.get("/payments/")
        found = re.findall(rb'href="/payments/(\d+)/"', listing)
        if not found:
            return None
        _status, _h, detail = browser.get(f"/payments/{found[0].decode()}/")
        return found[0].decode() if number.encode() in detail else None

    batch = wait_for(batch_ready, what="the payment batch", timeout=120, processes=processes)
    status, headers, exported = browser.post(f"/payments/{batch}/export/", data={"confirmed": "1"})
    check(status == 200 and "text/csv" in headers.get("Content-Type", ""), f"export: {status}")
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    ours = [row for row in rows if row["claim"] == number]
    check(len(ours) == 1 and int(ours[0]["amount"]) == month1["amount"], f"export rows: {ours}")
    result = io.StringIO()
    writer = csv.writer(result)
    writer.writerow(["reference", "status", "amount", "bank_reference", "reason"])
    writer.writerows([row["reference"], "paid", row["amount"], "BRI-SMOKE", ""] for row in rows)
    # Checked and restated first (the file held under a one-use token), applied when confirmed.
    status, _h, asked = browser.post(
        f"/payments/{batch}/import/",
        files={"file": ("result.csv", result.getvalue().encode(), "text/csv")},
    )
    held = re.search(rb'name="held" value="([^"]+)"', asked)
    token = held.group(1).decode() if held else ""
    check(status == 200 and bool(token), f"bank result restated: {status}")
    browser.step(
        f"/payments/{batch}/import/",
        "import the bank result",
        data={"held": token, "confirmed": "1"},
    )
    status, claim = api(browser, fx["token"], "GET", f"/api/v1/claims/{number}/")
    month1 = claim["instalments"][0]
    check(month1["status"] == "paid" and month1["paid_at"], f"month 1 paid: {month1}")
    log(f"claim {number}: month 1 paid, Rp{month1['amount']:,}")
    return number, request_id


def check_operations(browser: Browser, env: dict[str, str], processes: Processes, rid: str) -> None:
    def ready() -> bool:
        status, _h, content = browser.get("/readyz")
        return status == 200 and json.loads(content)["status"] == "ok"

    # Beat's first relay runs a minute after it starts; readiness waits for it.
    wait_for(ready, what="/readyz to answer 200", timeout=150, processes=processes)
    status, _h, _c = Browser(browser.port).get("/metrics")
    check(status == 404, f"/metrics refused to an anonymous request: {status}")
    status, _h, content = Browser(browser.port).get(
        "/metrics", headers={"Authorization": f"Bearer {env['METRICS_TOKEN']}"}
    )
    text = content.decode()
    check(status == 200 and "jkp_instalments_paid_total 1.0" in text, f"metrics: {text[:600]}")
    check('jkp_claims{state="benefit_active"} 1.0' in text, "claims by state in the metrics")
    records = [
        json.loads(line)
        for line in (processes.logs / "worker-payments.log").read_text().splitlines()
        if line.startswith("{")
    ]
    carried = [r for r in records if r.get("request_id") == rid]
    check(carried, "the worker's log lines carry the request id of the batch request")
    check(
        any(r.get("task") == "benefits.tasks.run_payment_batch_task" for r in carried),
        "the payment task logged under the request id",
    )


# --- the fixtures (run in a subprocess with the smoke's settings) ---------------------------


def make_fixtures() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from api.models import Grant
    from api.services import create_integration_client
    from jkp_site.core import twofactor
    from jkp_site.core.roles import Role
    from tests.factories import (
        BranchFactory,
        EmployerFactory,
        EmploymentFactory,
        KanwilFactory,
        ParticipantFactory,
        UserFactory,
        add_contributions,
        add_enrollments,
    )

    branch = BranchFactory(code="SMK", name="Smoke", kanwil=KanwilFactory(code="SMK"))
    users = {}
    for key, role, staff_branch, is_staff in (
        ("officer", Role.PETUGAS, branch, False),
        ("supervisor", Role.KEPALA_BIDANG, branch, True),
        ("counsellor", Role.PENGANTAR_KERJA, branch, False),
        ("head_office", Role.KANTOR_PUSAT, None, True),
    ):
        password = secrets.token_urlsafe(16)
        user = UserFactory(
            username=f"smoke-{key}", branch=staff_branch, role=role, is_staff=is_staff
        )
        user.set_password(password)
        user.save()
        # An enrolled authenticator app, and a recovery code to sign in with.
        TOTPDevice.objects.create(user=user, name="smoke", confirmed=True)
        code = twofactor.regenerate_recovery_codes(user=user)[0]
        users[key] = {"username": user.username, "password": password, "code": code}
    employer = EmployerFactory(branch=branch)
    phk_date = timezone.localdate() - relativedelta(months=1)
    worker = ParticipantFactory()
    worker.bank_account_holder = worker.name
    worker.save()
    EmploymentFactory(participant=worker, employer=employer, start_date=dt.date(2020, 1, 1))
    add_enrollments(worker)
    add_contributions(worker, employer, last=phk_date, months=24, wage=4_000_000)
    _client, token = create_integration_client(name="smoke", grants=[Grant.CLAIMS_READ])
    json.dump(
        {
            "users": users,
            "token": token,
            "participant_id": worker.pk,
            "participant_name": worker.name,
            "kpj_number": worker.kpj_number,
            "bank_account": f"0012{worker.pk:08d}",
            "employer_id": employer.pk,
            "phk_date": phk_date.isoformat(),
            "today": timezone.localdate().isoformat(),
        },
        sys.stdout,
    )


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    sys.path.insert(0, str(ROOT))
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="jkp-prod-smoke-") as tmp:
        workdir = Path(tmp)
        (workdir / "logs").mkdir()
        env = smoke_environment(workdir, port)
        processes = Processes(env, workdir / "logs")
        try:
            recreate_database(env["DATABASE_URL"])
            flush_redis(env["REDIS_URL"])
            store = start_s3(processes)
            log("release steps (entrypoint.sh migrate)")
            processes.run("migrate")
            fixtures = subprocess.run(
                [PYTHON, str(Path(__file__).resolve()), "fixtures"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            fx = json.loads(fixtures.stdout)
            log("starting web, two workers and beat (entrypoint.sh)")
            processes.start("web", "web")
            processes.start("worker-payments", "worker", "payments,imports")
            processes.start("worker-default", "worker", "default,notifications")
            processes.start("beat", "beat")
            browser = Browser(port)

            def web_up() -> bool:
                try:
                    return browser.get("/healthz")[0] == 200
                except OSError:
                    return False

            wait_for(web_up, what="gunicorn to answer", timeout=60, processes=processes)
            _number, request_id = drive_claim(browser, fx, processes)
            check_operations(browser, env, processes, request_id)
            if store:
                listing = processes.s3.list_objects_v2(Bucket=store["AWS_STORAGE_BUCKET_NAME"])
                stored = [item["Key"] for item in listing.get("Contents", [])]
                check(len(stored) == 2, f"the two documents in the shared store: {stored}")
                check(not any((workdir / "media").rglob("*")), "no document on the local disk")
                log("documents on the shared S3-compatible store, downloads through the view")
        except (SmokeError, subprocess.CalledProcessError) as exc:
            log(f"FAILED: {exc}")
            for logfile in sorted((workdir / "logs").glob("*.log")):
                sys.stderr.write(f"--- {logfile.name} (tail)\n")
                sys.stderr.write(logfile.read_text(errors="replace")[-4000:] + "\n")
            if isinstance(exc, subprocess.CalledProcessError) and exc.stderr:
                sys.stderr.write(exc.stderr.decode(errors="replace")[-4000:])
            return 1
        finally:
            processes.stop()
    log("ok")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["fixtures"]:
        make_fixtures()
    else:
        sys.exit(main())
