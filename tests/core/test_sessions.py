"""Sessions (ASVS V3.3): staff and workers time out when idle and after an absolute lifetime;
a password change or reset ends the other sessions; "sign out everywhere" ends them all."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from jkp_site.core.models import UserSession
from jkp_site.core.session_policy import SEEN_AT
from tests.core.conftest import PASSWORD, enrol, sign_in, sign_in_with_code
from tests.portal.conftest import make_worker

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def worker(branch):
    return make_worker(branch=branch, username="pekerja1")


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_an_idle_staff_session_expires(client, clock, officer, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    sign_in(client, officer)
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/claims/").status_code == 200  # activity keeps it alive
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/claims/").status_code == 200

    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/claims/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)
    follow = client.get(response["Location"])
    assert any("30" in str(message) for message in follow.context["messages"])


def test_a_staff_session_ends_after_its_absolute_lifetime(client, clock, officer, settings):
    settings.STAFF_SESSION_MAX_HOURS = 12
    sign_in(client, officer)
    for _step in range(28):  # 28 x 25 min = 11 h 40 min, never idle for long
        clock.shift(dt.timedelta(minutes=25))
        assert client.get("/claims/").status_code == 200
    clock.shift(dt.timedelta(minutes=15))
    assert client.get("/claims/").status_code == 200  # 11 h 55 min in

    clock.shift(dt.timedelta(minutes=10))

    assert client.get("/claims/").status_code == 302
    assert not signed_in(client)


def test_a_worker_session_is_shorter(client, clock, worker, officer, settings):
    settings.WORKER_SESSION_IDLE_MINUTES = 15
    client.post(reverse("portal:login"), {"username": "pekerja1", "password": PASSWORD})
    staff = Client()
    sign_in(staff, officer)
    clock.shift(dt.timedelta(minutes=16))

    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert staff.get("/claims/").status_code == 200  # 16 minutes is nothing for staff


def test_the_last_seen_stamp_is_written_at_most_once_a_minute(client, clock, officer):
    sign_in(client, officer)
    first = client.session[SEEN_AT]
    clock.shift(dt.timedelta(seconds=30))
    client.get("/claims/")
    assert client.session[SEEN_AT] == first
    clock.shift(dt.timedelta(seconds=45))
    client.get("/claims/")
    assert client.session[SEEN_AT] == first + 75


def test_a_session_from_before_the_policy_is_ended(client, officer):
    client.force_login(officer)
    session = client.session
    for key in list(session.keys()):
        if key.startswith("jkp_"):
            del session[key]
    session.save()

    assert client.get("/claims/").status_code == 302
    assert not signed_in(client)


def test_a_password_change_ends_the_other_sessions(client, officer):
    other = Client()
    sign_in(other, officer)
    sign_in(client, officer)
    assert other.get("/claims/").status_code == 200

    response = client.post(
        reverse("account:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Baru-Sekali-2026",
            "new_password2": "Baru-Sekali-2026",
        },
    )

    assert response.status_code == 302
    assert client.get("/claims/").status_code == 200  # this session goes on
    assert other.get("/claims/").status_code == 302
    assert not signed_in(other)
    assert UserSession.objects.filter(user=officer).count() == 1


def test_the_session_hash_alone_ends_sessions_on_a_password_change(client, officer):
    """Django's own rule, whatever page changed the password (the admin, a shell)."""
    sign_in(client, officer)
    officer.set_password("Lain-Sekali-2026")
    officer.save()

    assert client.get("/claims/").status_code == 302
    assert not signed_in(client)


def test_a_worker_password_change_ends_the_other_sessions(client, worker):
    other = Client()
    for each in (client, other):
        each.post(reverse("portal:login"), {"username": "pekerja1", "password": PASSWORD})
    response = client.post(
        reverse("portal:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Baru-Sekali-2026",
            "new_password2": "Baru-Sekali-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert other.get(reverse("portal:home")).status_code == 302


def test_sign_out_everywhere_ends_every_staff_session(client, officer):
    phone, laptop = Client(), Client()
    for each in (client, phone, laptop):
        sign_in(each, officer)
    assert Session.objects.count() == 3

    response = client.post(reverse("account:logout_everywhere"))

    assert response["Location"] == reverse("login")
    for each in (client, phone, laptop):
        assert each.get("/claims/").status_code == 302
        assert not signed_in(each)
    assert not UserSession.objects.filter(user=officer).exists()
    assert not Session.objects.filter(session_key__in=[phone.session.session_key]).exists()


def test_sign_out_everywhere_leaves_other_people_signed_in(client, officer, second_officer):
    colleague = Client()
    sign_in(colleague, second_officer)
    sign_in(client, officer)
    client.post(reverse("account:logout_everywhere"))
    assert colleague.get("/claims/").status_code == 200


def test_sign_out_everywhere_for_a_worker(client, worker):
    phone = Client()
    for each in (client, phone):
        each.post(reverse("portal:login"), {"username": "pekerja1", "password": PASSWORD})
    home = client.get(reverse("portal:home"))
    assert reverse("portal:logout_everywhere") in home.text

    response = client.post(reverse("portal:logout_everywhere"))

    assert response["Location"] == reverse("portal:login")
    assert phone.get(reverse("portal:home")).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302


def test_sign_out_everywhere_needs_a_post(client, officer):
    sign_in(client, officer)
    assert client.get(reverse("account:logout_everywhere")).status_code == 405
    assert signed_in(client)


def test_sign_out_everywhere_covers_sessions_verified_with_a_second_factor(client, otp_on, officer):
    device = enrol(officer)
    other = Client()
    sign_in_with_code(other, officer, device)
    assert other.get("/claims/").status_code == 200  # its key changed at the code step
    sign_in(client, officer)

    client.post(reverse("account:logout_everywhere"))  # before this session's code: refused
    assert other.get("/claims/").status_code == 200

    code = StaticToken.objects.filter(device__user=officer).first().token
    client.post(reverse("account:otp_verify"), {"code": code})
    client.post(reverse("account:logout_everywhere"))

    assert other.get("/claims/").status_code == 302
