"""The second factor of staff (ASVS V2.7/V2.8): with STAFF_OTP_REQUIRED on, a password alone
opens no staff page and not the admin; enrolment on the first sign-in with recovery codes
shown once; a lost factor reset by the branch supervisor or a superuser, on record. Workers
are never asked."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jkp_site.core.models import AccountEvent
from jkp_site.core.roles import Role
from jkp_site.core.twofactor import WrongCodeError
from tests.core.conftest import PASSWORD, RECOVERY, code_for, enrol, sign_in, sign_in_with_code
from tests.factories import UserFactory
from tests.portal.conftest import make_worker

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/", "/claims/", "/claims/intake/", "/training/", "/admin/", "/admin/core/user/"]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", branch=None, is_superuser=True, is_staff=True)


def otp_redirect(response, step: str = "otp_verify") -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(f"account:{step}")
    )


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "head_office", "counsellor", "superuser"]
)
def test_a_staff_password_alone_reaches_no_staff_page_nor_the_admin(
    request, client, otp_on, persona
):
    user = request.getfixturevalue(persona)
    enrol(user)

    response = sign_in(client, user)

    assert otp_redirect(client.get(response["Location"]))
    for page in STAFF_PAGES:
        assert otp_redirect(client.get(page)), page
    # A form posted straight at a staff action is turned away just the same.
    assert otp_redirect(client.post("/claims/take-next/"))
    assert otp_redirect(client.get("/claims/", HTTP_X_REQUESTED_WITH="XMLHttpRequest"))


def test_staff_without_a_factor_are_sent_to_enrolment(client, otp_on, officer):
    sign_in(client, officer)

    response = client.get("/claims/")

    assert otp_redirect(response, "otp_setup")
    assert "next=/claims/" in response["Location"]


def test_the_sign_out_and_language_pages_stay_open_before_the_code(client, otp_on, officer):
    enrol(officer)
    sign_in(client, officer)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in client.session


def test_a_worker_is_not_asked_for_a_second_factor(client, otp_on, branch):
    worker = make_worker(branch=branch, username="pekerja1")

    response = client.post(reverse("portal:login"), {"username": "pekerja1", "password": PASSWORD})

    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("account:security")).status_code == 200
    # The code pages have nothing to ask a worker.
    assert client.get(reverse("account:otp_verify"))["Location"] == "/"
    assert client.get(reverse("account:otp_setup"))["Location"] == "/"
    assert not TOTPDevice.objects.filter(user=worker.user).exists()


def test_enrolment_on_the_first_sign_in(client, otp_on, officer, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 5, tzinfo=dt.UTC), tick=False)
    sign_in(client, officer)
    page = client.get(reverse("account:otp_setup"), {"next": "/claims/"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert page.context["otpauth_uri"].startswith("otpauth://totp/")
    assert page.context["secret"].replace(" ", "") in page.context["otpauth_uri"]
    assert page.context["secret"].replace(" ", "") in page.text.replace(" ", "")

    wrong = client.post(reverse("account:otp_setup"), {"code": "000000", "next": "/claims/"})
    assert wrong.status_code == 400
    assert otp_redirect(client.get("/claims/"), "otp_setup")

    time_machine.shift(dt.timedelta(seconds=2))  # past django-otp's delay after a wrong code
    device.refresh_from_db()
    done = client.post(reverse("account:otp_setup"), {"code": code_for(device), "next": "/claims/"})

    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    assert len(done.context["codes"]) == 10
    assert len(set(done.context["codes"])) == 10
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert StaticToken.objects.filter(device__user=officer).count() == 10
    assert client.get("/claims/").status_code == 200
    # Shown once: enrolment is closed now, and no page lists the codes again.
    assert client.get(reverse("account:otp_setup")).status_code == 302
    security = client.get(reverse("account:security")).text
    assert not any(code in security for code in done.context["codes"])


def test_someone_with_a_factor_cannot_enrol_another_with_the_password(client, otp_on, officer):
    enrol(officer)
    sign_in(client, officer)

    assert otp_redirect(client.get(reverse("account:otp_setup")), "otp_verify")
    client.post(reverse("account:otp_setup"), {"code": "123456"})

    assert TOTPDevice.objects.filter(user=officer).count() == 1
    assert otp_redirect(client.get("/claims/"))


def test_the_code_step_opens_the_staff_pages_and_the_admin(client, otp_on, supervisor):
    device = enrol(supervisor)
    sign_in(client, supervisor)
    key_before = client.session.session_key

    response = client.post(
        reverse("account:otp_verify"), {"code": code_for(device), "next": "/claims/"}
    )

    assert response["Location"] == "/claims/"
    assert client.session.session_key != key_before  # a new key for the new level of trust
    assert client.get("/claims/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_the_code_step_refuses_an_outside_next(client, otp_on, officer):
    device = enrol(officer)
    sign_in(client, officer)
    response = client.post(
        reverse("account:otp_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_code_is_not_accepted_twice(client, otp_on, officer, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 5, tzinfo=dt.UTC), tick=False)
    device = enrol(officer)
    code = code_for(device)
    sign_in_with_code(client, officer, device)
    client.post(reverse("logout"))

    sign_in(client, officer)
    response = client.post(reverse("account:otp_verify"), {"code": code})

    assert response.status_code == 400
    assert otp_redirect(client.get("/claims/"))


def test_wrong_codes_are_refused_and_then_held_back(client, otp_on, officer, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 5, tzinfo=dt.UTC), tick=False)
    device = enrol(officer)
    sign_in(client, officer)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    assert client.post(reverse("account:otp_verify"), {"code": wrong}).status_code == 400
    # django-otp's delay after a failure: even the right code waits.
    held = client.post(reverse("account:otp_verify"), {"code": right})
    assert held.status_code == 400
    assert held.context["form"].errors["code"] != [str(WrongCodeError().message)]
    assert otp_redirect(client.get("/claims/"))

    time_machine.shift(dt.timedelta(seconds=31))
    ok = client.post(reverse("account:otp_verify"), {"code": code_for(device), "next": "/"})
    assert ok.status_code == 302
    assert client.get("/claims/").status_code == 200


def test_a_recovery_code_works_once(client, otp_on, officer, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 5, tzinfo=dt.UTC), tick=False)
    enrol(officer)
    sign_in(client, officer)
    typed = "-".join([RECOVERY[0][:4], RECOVERY[0][4:8], RECOVERY[0][8:12], RECOVERY[0][12:]])

    response = client.post(reverse("account:otp_verify"), {"code": typed.upper(), "next": "/"})

    assert response.status_code == 302
    assert client.get("/claims/").status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 9
    client.post(reverse("logout"))
    sign_in(client, officer)
    assert client.post(reverse("account:otp_verify"), {"code": RECOVERY[0]}).status_code == 400
    time_machine.shift(dt.timedelta(seconds=2))
    assert client.post(reverse("account:otp_verify"), {"code": RECOVERY[1]}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, otp_on, officer):
    device = enrol(officer)
    sign_in_with_code(client, officer, device)

    response = client.post(reverse("account:otp_recovery_codes"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = [code.replace("-", "") for code in response.context["codes"]]
    stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert stored == set(new)
    assert not stored & set(RECOVERY)


def test_new_recovery_codes_need_a_verified_session(client, officer):
    enrol(officer)
    client.force_login(officer)  # the factor is off here, but the session is not verified
    response = client.post(reverse("account:otp_recovery_codes"))
    assert otp_redirect(response)
    assert set(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    ) == set(RECOVERY)


def test_the_supervisor_resets_a_branch_officers_factor_on_record(
    client, otp_on, supervisor, officer
):
    officer_device = enrol(officer)
    officer_client = Client()
    sign_in_with_code(officer_client, officer, officer_device)
    assert officer_client.get("/claims/").status_code == 200
    sign_in_with_code(client, supervisor, enrol(supervisor))

    listing = client.get(reverse("account:staff_accounts"))
    assert listing.status_code == 200
    assert f'data-user="{officer.username}"' in listing.text
    response = client.post(
        reverse("account:staff_reset_second_factor", args=[officer.pk]), REMOTE_ADDR="10.2.3.4"
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    event = AccountEvent.objects.get()
    assert (event.kind, event.actor, event.subject) == ("otp_reset", supervisor, officer)
    assert (event.actor_username, event.subject_username) == ("kepala", "petugas")
    assert event.ip_address == "10.2.3.4"
    assert event.created_at is not None
    # The officer's sessions ended; at the next sign-in they enrol again.
    assert officer_client.get("/claims/").status_code == 302
    officer_client.post(reverse("login"), {"username": "petugas", "password": PASSWORD})
    assert otp_redirect(officer_client.get("/claims/"), "otp_setup")


def test_no_reset_outside_the_branch_of_oneself_or_without_the_role(
    client, supervisor, outside_supervisor, officer, second_officer, superuser
):
    enrol(officer)
    client.force_login(outside_supervisor)
    assert (
        client.post(reverse("account:staff_reset_second_factor", args=[officer.pk])).status_code
        == 404
    )
    assert (
        f'data-user="{officer.username}"' not in client.get(reverse("account:staff_accounts")).text
    )

    client.force_login(supervisor)
    enrol(supervisor)
    client.post(reverse("account:staff_reset_second_factor", args=[supervisor.pk]))
    assert TOTPDevice.objects.filter(user=supervisor).exists()  # not one's own
    client.post(reverse("account:staff_reset_second_factor", args=[superuser.pk]))

    client.force_login(second_officer)
    assert client.get(reverse("account:staff_accounts")).status_code == 403
    assert (
        client.post(reverse("account:staff_reset_second_factor", args=[officer.pk])).status_code
        == 403
    )
    assert TOTPDevice.objects.filter(user=officer).exists()
    assert not AccountEvent.objects.exists()


def test_a_superuser_resets_from_the_admin_on_record(client, otp_on, superuser, head_office):
    enrol(head_office)
    sign_in_with_code(client, superuser, enrol(superuser))

    response = client.post(
        "/admin/core/user/",
        {"action": "reset_second_factors", "_selected_action": [head_office.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=head_office).exists()
    event = AccountEvent.objects.get()
    assert (event.kind, event.actor, event.subject) == ("otp_reset", superuser, head_office)


def test_only_superusers_have_the_admin_actions(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/admin/core/user/")
    assert response.status_code == 403 or "reset_second_factors" not in response.text


def test_the_second_factor_is_off_in_the_demo_and_on_in_production(settings, tmp_path):
    assert settings.STAFF_OTP_REQUIRED is False  # the test settings load like the demo
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jkp_site.settings",
        "SECRET_KEY": "x" * 60,
        "FIELD_ENCRYPTION_KEY": "A" * 43 + "=",
        "BLIND_INDEX_KEY": "B" * 43 + "=",
        "ALLOWED_HOSTS": "jkp.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "JKP_VAR_DIR": str(tmp_path),
    }
    for name in ("DEBUG", "STAFF_OTP_REQUIRED", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    code = "from django.conf import settings; print(settings.DEBUG, settings.STAFF_OTP_REQUIRED)"

    def run(**extra):
        return (
            subprocess.run(
                [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
                cwd=Path(__file__).resolve().parents[2],
                env={**env, **extra},
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )

    assert run() == ["False", "True"]
    assert run(DEBUG="true") == ["True", "False"]
    assert run(DEBUG="true", STAFF_OTP_REQUIRED="true") == ["True", "True"]


def test_the_demo_role_groups_carry_the_account_permissions(supervisor, officer, counsellor):
    assert supervisor.has_perm("core.reset_second_factor")
    assert supervisor.has_perm("core.issue_worker_reset_link")
    assert officer.has_perm("core.issue_worker_reset_link")
    assert not officer.has_perm("core.reset_second_factor")
    assert not counsellor.has_perm("core.issue_worker_reset_link")
    assert not UserFactory(username="w", branch=None, role=Role.PESERTA).has_perm(
        "core.issue_worker_reset_link"
    )


def test_the_totp_helper_matches_the_device(officer):
    device = enrol(officer)
    assert device.verify_token(int(code_for(device)))
    assert len(str(totp(device.bin_key)).zfill(6)) == 6
