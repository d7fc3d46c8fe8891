"""A real Celery worker for the tests that need one: a `celery -A jkp_site worker` subprocess in
its own process group, on pytest-django's test database and a broker of the test's choice, with
the ways a worker dies (its pool process killed, its whole process group killed)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


class Worker:
    """A `celery -A jkp_site worker` subprocess in its own process group."""

    def __init__(
        self,
        queue: str,
        log: Path,
        concurrency: int = 1,
        *,
        broker: str | None = None,
        env: dict[str, str] | None = None,
    ):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker or os.environ["REDIS_URL"],
            "DJANGO_SETTINGS_MODULE": "jkp_site.settings",
            "CONN_MAX_AGE": "0",
            **(env or {}),
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jkp_site",
                "worker",
                "-Q",
                queue,
                "-n",
                f"{queue}-{uuid.uuid4().hex[:4]}@%h",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pool_children(self) -> list[int]:
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                children.append(int(entry.name))
        return children

    def kill_pool_child(self) -> None:
        for pid in self.pool_children():
            os.kill(pid, signal.SIGKILL)

    def kill_everything(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill_everything()
        self.log.close()


def wait_for(predicate, *, timeout=120.0, interval=0.02, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
