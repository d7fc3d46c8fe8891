import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse

from jkp_site.core.models import User
from jkp_site.core.money import format_rupiah
from participants.models import Participant
from tests.language import InEnglish

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_login_page_is_indonesian_first(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="id"' in response.text
    assert "Masuk" in response.text


def test_a_refused_sign_in_says_user_name_once(client, officer):
    staff = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    assert "Nama pengguna atau sandi tidak benar" in staff.text
    assert "nama pengguna nama pengguna" not in staff.text.lower()  # Django's own wording
    worker = client.post(reverse("portal:login"), {"username": "11000000009", "password": "x"})
    assert "Nomor KPJ (atau nama pengguna) atau sandi tidak benar" in worker.text


def test_english_is_available(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in" in client.get(reverse("login")).text


def test_pages_carry_a_content_security_policy_without_outside_origins(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy


def test_the_home_page_signed_out_is_the_staff_sign_in_beside_the_workers_way_in(client):
    response = InEnglish(client).get("/")

    assert response.status_code == 200
    assert f'action="{reverse("login")}"' in response.text
    assert reverse("account:password_reset") in response.text
    workers = response.text.split('id="workers-way-in"', 1)[1]
    assert "Workers: the JKP portal" in workers
    assert f'href="{reverse("portal:login")}"' in workers
    assert f'href="{reverse("portal:activate")}"' in workers


def test_signing_in_from_the_home_page_takes_staff_to_their_work(client, officer):
    officer.set_password("Rahasia-Kuat-2025")
    officer.save()
    client.get("/")

    response = client.post(
        reverse("login"), {"username": officer.username, "password": "Rahasia-Kuat-2025"}
    )

    assert response["Location"] == reverse("home")
    assert "Welcome" in InEnglish(client).get("/").text


def test_the_staff_sign_in_page_shows_the_workers_way_in_too(client):
    page = client.get(reverse("login"))
    assert 'id="workers-way-in"' in page.text


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(5_000_000, "Rp 5.000.000"), (0, "Rp 0"), (1_575_000, "Rp 1.575.000"), (-2500, "-Rp 2.500")],
)
def test_rupiah_formatting(amount, shown):
    assert format_rupiah(amount) == shown
    assert Template("{% load jkp %}{{ v|rupiah }}").render(Context({"v": amount})) == shown


def test_seed_demo_is_idempotent_and_gives_one_login_per_role(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    count = Participant.objects.count()
    call_command("seed_demo")
    assert Participant.objects.count() == count
    for username in ["petugas1", "petugas2", "kepala1", "kepala2", "konselor1", "konselor2",
                     "pusat1", "admin", "peserta1", "peserta2"]:  # fmt: skip
        user = User.objects.get(username=username)
        assert user.check_password("demo-jkp-2025")
        assert user.is_superuser or user.groups.exists()
    response = client.post(
        reverse("login"), {"username": "kepala1", "password": "demo-jkp-2025"}, follow=True
    )
    assert response.status_code == 200
    assert client.get("/admin/participants/participant/").status_code == 200


def test_seed_demo_refuses_outside_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_failed_logins_are_throttled(client, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "secret-pass-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_production_settings_pass_the_deploy_checks(tmp_path):
    """README: with SECRET_KEY set, DEBUG is off and `manage.py check --deploy` passes."""
    import base64
    import os
    import subprocess
    import sys
    from pathlib import Path

    def key() -> str:
        return base64.urlsafe_b64encode(os.urandom(32)).decode()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jkp_site.settings",
        "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "FIELD_ENCRYPTION_KEY": key(),
        "BLIND_INDEX_KEY": key(),
        "ALLOWED_HOSTS": "jkp.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "JKP_VAR_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    # Set for the browser tests' event loop in this process; no production server has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
