"""The deployment files: one entrypoint for every process, a route for every task (payments
and imports on queues of their own), a gunicorn configuration that follows the machine, and
packaging (image, compose, systemd) that only ever calls the entrypoint.

CI does not build the image nor start compose or systemd: make prod-smoke runs the entrypoint
itself. These tests read the files so a renamed role or a task without a route fails here.
"""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from jkp_site.celery import app

ROOT = Path(settings.BASE_DIR)
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
ROLES = ("migrate", "web", "worker", "beat")


def project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_has_a_route():
    assert project_tasks() == set(settings.CELERY_TASK_ROUTES)
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in settings.CELERY_TASK_ROUTES


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("benefits.tasks.run_payment_batch_task", "payments"),
        ("benefits.tasks.evaluate_due_instalments_task", "payments"),
        ("benefits.tasks.resume_stale_payment_batches_task", "payments"),
        ("imports.tasks.run_import_job_task", "imports"),
        ("imports.tasks.resume_stale_imports_task", "imports"),
        ("claims.tasks.notify_case_event_task", "notifications"),
        ("jkp_site.core.tasks.send_password_reset_task", "notifications"),
        ("portal.tasks.send_phone_code_task", "notifications"),
        ("jkp_site.outbox.tasks.relay_outbox_task", "default"),
    ],
)
def test_celery_routes_each_task_to_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_the_entrypoint_is_valid_bash_and_refuses_an_unknown_role():
    subprocess.run(["/bin/bash", "-n", str(ENTRYPOINT)], check=True)
    assert os.access(ENTRYPOINT, os.X_OK)
    result = subprocess.run([str(ENTRYPOINT), "serve"], capture_output=True, text=True)
    assert result.returncode == 64
    assert "usage:" in result.stderr
    text = ENTRYPOINT.read_text()
    # The release steps, in their order.
    steps = ["manage.py migrate", "manage.py collectstatic", "manage.py compilemessages"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)


def test_gunicorn_takes_its_workers_from_the_cpu_count(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == os.cpu_count() * 2 + 1
    assert config["timeout"] == 60
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"] == 3


def test_gunicorn_loads_the_configuration_and_the_application(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jkp_site.settings_test"}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "gunicorn"),
            *("--check-config", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")),
            "jkp_site.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_packaging_calls_only_the_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile
    assert "\nUSER jkp\n" in dockerfile
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2  # multi-stage
    compose = (ROOT / "compose.yaml").read_text()
    for command in ('["migrate"]', '["web"]', '["worker", "payments,imports"]', '["beat"]'):
        assert f"command: {command}" in compose
    for service in ("postgres:", "redis:", "minio:"):
        assert f"\n  {service}\n" in compose
    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    starts = {unit.name: unit.read_text() for unit in units}
    assert set(starts) == {
        "jkp-beat.service",
        "jkp-migrate.service",
        "jkp-web.service",
        "jkp-worker@.service",
    }
    for name, text in starts.items():
        role = name.removeprefix("jkp-").split("@")[0].removesuffix(".service")
        assert f"ExecStart=/opt/jkp/deploy/entrypoint.sh {role}" in text, name
        assert "User=jkp" in text, name
