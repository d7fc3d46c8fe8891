"""Password reset the standard Django way (ASVS V2.5): workers by a signed e-mail link from
the portal, or by a one-time link an officer makes at the branch after checking the KTP;
staff by a link a superuser makes in the admin. Links work once and expire; nothing tells
whether an address exists; the people who made links are on record."""

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jkp_site.core.models import AccountEvent
from tests.core.conftest import enrol, sign_in
from tests.factories import ParticipantFactory, UserFactory
from tests.language import InEnglish
from tests.portal.conftest import make_worker

pytestmark = pytest.mark.django_db

OLD = "secret-pass-123"
NEW = "Baru-Sekali-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(branch):
    participant = make_worker(branch=branch, username="pekerja1")
    participant.user.email = "pekerja1@contoh.invalid"
    participant.user.save()
    return participant


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", branch=None, is_superuser=True, is_staff=True)


def ask(client, email, capture, **extra):
    with capture(execute=True):
        return client.post(reverse("portal:password_reset"), {"email": email}, **extra)


def link_in(message) -> str:
    return (
        re.search(r"https?://\S+", message.body)
        .group(0)
        .split("testserver", 1)[-1]
        .split("127.0.0.1:8000", 1)[-1]
    )


def use(client, path, password=NEW):
    """Open a reset link and set a password; returns the final response."""
    opened = client.get(path)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def portal_sign_in(client, username, password):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


# --- the worker, by e-mail ---------------------------------------------------------------------


def test_the_portal_sign_in_offers_a_reset(client):
    page = InEnglish(client).get(reverse("portal:login"))
    assert reverse("portal:password_reset") in page.text


def test_a_worker_gets_a_link_that_works_once(client, worker, django_capture_on_commit_callbacks):
    response = ask(client, "PEKERJA1@contoh.invalid", django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("portal:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pekerja1@contoh.invalid"]
    path = link_in(mail.outbox[0])
    assert path.startswith("/portal/password/reset/")

    done = use(client, path)

    assert done["Location"] == reverse("portal:password_reset_complete")
    assert portal_sign_in(Client(), "pekerja1", NEW)["Location"] == reverse("portal:home")
    again = use(Client(), path, password="Lagi-Sekali-2027")
    assert again.status_code == 200
    assert again.context["validlink"] is False


def test_the_answer_is_the_same_whether_or_not_the_address_exists(
    client, worker, officer, django_capture_on_commit_callbacks
):
    officer.email = "petugas@bpjs.invalid"
    officer.save()
    answers = [
        ask(client, address, django_capture_on_commit_callbacks)
        for address in ("pekerja1@contoh.invalid", "nobody@contoh.invalid", "petugas@bpjs.invalid")
    ]

    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("portal:password_reset_done"))
    }
    # Only the worker's address got a link: staff reset through a superuser, strangers nothing.
    assert [m.to for m in mail.outbox] == [["pekerja1@contoh.invalid"]]


def test_the_link_expires(
    client, worker, django_capture_on_commit_callbacks, time_machine, settings
):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC), tick=False)
    ask(client, "pekerja1@contoh.invalid", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    time_machine.shift(dt.timedelta(minutes=61))

    expired = use(client, path)

    assert expired.context["validlink"] is False
    assert portal_sign_in(Client(), "pekerja1", OLD).status_code == 302


def test_a_reset_ends_every_session_and_lifts_a_lockout(
    client, worker, django_capture_on_commit_callbacks
):
    phone = Client()
    portal_sign_in(phone, "pekerja1", OLD)
    stranger = Client()
    for _ in range(5):
        portal_sign_in(stranger, "pekerja1", "tebakan")
    assert portal_sign_in(Client(), "pekerja1", OLD).status_code == 429

    ask(client, "pekerja1@contoh.invalid", django_capture_on_commit_callbacks)
    use(client, link_in(mail.outbox[0]))

    assert phone.get(reverse("portal:home")).status_code == 302
    assert portal_sign_in(Client(), "pekerja1", NEW).status_code == 302


def test_reset_e_mails_are_limited_silently(client, worker, django_capture_on_commit_callbacks):
    for _ in range(4):
        response = ask(client, "pekerja1@contoh.invalid", django_capture_on_commit_callbacks)
        assert response["Location"] == reverse("portal:password_reset_done")
    assert len(mail.outbox) == 3  # per account and hour


def test_the_reset_page_takes_no_staff_account(client, officer):
    officer.email = "petugas@bpjs.invalid"
    officer.save()
    assert client.get(reverse("portal:password_reset")).status_code == 200


# --- the worker, at the branch -----------------------------------------------------------------


def test_an_officer_makes_a_one_time_link_after_checking_the_ktp(client, officer, worker):
    client.force_login(officer)
    search = client.post(reverse("worker_accounts:search"), {"q": worker.kpj_number})
    assert search.status_code == 200
    assert worker.name in search.text

    response = client.post(
        reverse("worker_accounts:reset_link", args=[worker.pk]),
        {"identity_checked": "yes"},
        REMOTE_ADDR="10.4.4.4",
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = response.context["link"]
    assert "/portal/password/reset/" in link
    event = AccountEvent.objects.get()
    assert (event.kind, event.actor, event.subject) == ("branch_reset_link", officer, worker.user)
    assert event.ip_address == "10.4.4.4"

    path = link.split("testserver", 1)[1]
    desk = Client()
    assert use(desk, path)["Location"] == reverse("portal:password_reset_complete")
    assert use(Client(), path).context["validlink"] is False
    assert portal_sign_in(Client(), "pekerja1", NEW).status_code == 302


def test_no_link_without_the_identity_check(client, officer, worker):
    client.force_login(officer)
    response = client.post(reverse("worker_accounts:reset_link", args=[worker.pk]))
    assert response.status_code == 302
    assert not AccountEvent.objects.exists()


def test_no_link_for_a_worker_of_another_branch_or_without_the_role(
    client, outsider, counsellor, worker
):
    client.force_login(outsider)
    assert (
        worker.name
        not in client.post(reverse("worker_accounts:search"), {"q": worker.kpj_number}).text
    )
    client.post(
        reverse("worker_accounts:reset_link", args=[worker.pk]), {"identity_checked": "yes"}
    )
    client.force_login(counsellor)
    assert client.get(reverse("worker_accounts:search")).status_code == 403
    assert (
        client.post(
            reverse("worker_accounts:reset_link", args=[worker.pk]), {"identity_checked": "yes"}
        ).status_code
        == 403
    )
    assert not AccountEvent.objects.exists()


def test_no_branch_link_for_a_staff_account(client, officer, second_officer, branch):
    from participants.models import Employment
    from tests.factories import EmployerFactory, EmploymentFactory

    participant = ParticipantFactory(user=second_officer)
    EmploymentFactory(participant=participant, employer=EmployerFactory(branch=branch))
    assert Employment.objects.filter(participant=participant).exists()
    client.force_login(officer)
    client.post(
        reverse("worker_accounts:reset_link", args=[participant.pk]), {"identity_checked": "yes"}
    )
    assert not AccountEvent.objects.exists()


# --- staff, from a superuser -----------------------------------------------------------------


def test_a_superuser_makes_a_staff_link_shown_once_and_on_record(
    client, superuser, officer, settings
):
    client.force_login(superuser)
    response = client.post(
        "/admin/core/user/",
        {"action": "make_password_reset_links", "_selected_action": [officer.pk]},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [(user, link)] = response.context["links"]
    assert user == officer
    assert "/accounts/reset/" in link
    event = AccountEvent.objects.get()
    assert (event.kind, event.actor, event.subject) == ("admin_reset_link", superuser, officer)

    path = link.split("testserver", 1)[1]
    staff = Client()
    opened = staff.get(path)
    done = staff.post(opened["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("account:password_reset_complete")
    assert Client().get(path).context["validlink"] is False
    assert sign_in(Client(), officer, NEW).status_code == 302


def test_a_new_staff_password_still_needs_the_second_factor(client, superuser, officer, otp_on):
    enrol(officer)
    from jkp_site.core.passwords import reset_path

    staff = Client()
    opened = staff.get(reset_path(officer))
    staff.post(opened["Location"], {"new_password1": NEW, "new_password2": NEW})
    sign_in(staff, officer, NEW)
    assert staff.get("/claims/")["Location"].startswith(reverse("account:otp_verify"))


def test_only_a_superuser_makes_staff_links(client, supervisor, officer):
    client.force_login(supervisor)
    client.post(
        "/admin/core/user/",
        {"action": "make_password_reset_links", "_selected_action": [officer.pk]},
    )
    assert not AccountEvent.objects.exists()
    assert SESSION_KEY in client.session


@pytest.fixture
def otp_on(settings):
    settings.STAFF_OTP_REQUIRED = True


# --- the link's address, and the record ------------------------------------------------------


def test_the_link_opens_where_the_worker_asked_for_it(
    client, worker, django_capture_on_commit_callbacks, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:password_reset"),
            {"email": "pekerja1@contoh.invalid"},
            HTTP_HOST="localhost:8123",
        )

    assert "http://localhost:8123/portal/password/reset/" in mail.outbox[0].body


def test_a_forged_host_gets_no_link(client, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:password_reset"),
            {"email": "pekerja1@contoh.invalid"},
            HTTP_HOST="evil.invalid",
        )
    assert response.status_code == 400
    assert mail.outbox == []


def test_asking_and_resetting_are_on_record(client, worker, django_capture_on_commit_callbacks):
    ask(
        client,
        "pekerja1@contoh.invalid",
        django_capture_on_commit_callbacks,
        REMOTE_ADDR="10.7.7.7",
    )
    use(client, link_in(mail.outbox[0]))

    asked, done = AccountEvent.objects.order_by("pk")
    assert (asked.kind, asked.actor, asked.subject, asked.note) == (
        "reset_asked",
        None,
        worker.user,
        "e-mail",
    )
    assert asked.ip_address == "10.7.7.7"
    assert (done.kind, done.actor, done.subject) == ("password_reset", worker.user, worker.user)


def test_nothing_is_recorded_for_an_address_of_no_account(
    client, django_capture_on_commit_callbacks
):
    ask(client, "nobody@contoh.invalid", django_capture_on_commit_callbacks)
    assert not AccountEvent.objects.exists()


# --- staff, by e-mail ----------------------------------------------------------------------


def ask_staff(client, email, capture, **extra):
    with capture(execute=True):
        return client.post(reverse("account:password_reset"), {"email": email}, **extra)


def test_staff_reset_their_own_password_by_e_mail(
    client, officer, worker, django_capture_on_commit_callbacks
):
    officer.email = "petugas@bpjs.invalid"
    officer.save()
    assert reverse("account:password_reset") in client.get(reverse("login")).text

    answers = [
        ask_staff(client, address, django_capture_on_commit_callbacks)
        for address in ("petugas@bpjs.invalid", "nobody@bpjs.invalid", "pekerja1@contoh.invalid")
    ]

    assert {a["Location"] for a in answers} == {reverse("account:password_reset_done")}
    assert [m.to for m in mail.outbox] == [["petugas@bpjs.invalid"]]  # workers use the portal
    path = link_in(mail.outbox[0])
    assert path.startswith("/accounts/reset/")
    done = use(client, path)
    assert done["Location"] == reverse("account:password_reset_complete")
    assert sign_in(Client(), officer, NEW).status_code == 302
    assert list(AccountEvent.objects.values_list("kind", flat=True).order_by("pk")) == [
        "reset_asked",
        "password_reset",
    ]


def test_staff_reset_e_mails_are_limited_silently(
    client, officer, django_capture_on_commit_callbacks
):
    officer.email = "petugas@bpjs.invalid"
    officer.save()
    for _ in range(4):
        response = ask_staff(client, "petugas@bpjs.invalid", django_capture_on_commit_callbacks)
        assert response["Location"] == reverse("account:password_reset_done")
    assert len(mail.outbox) == 3


def test_one_address_asking_for_many_accounts_is_limited(
    client, worker, django_capture_on_commit_callbacks
):
    for n in range(10):
        ask(client, f"orang{n}@contoh.invalid", django_capture_on_commit_callbacks)
    ask(client, "pekerja1@contoh.invalid", django_capture_on_commit_callbacks)
    assert mail.outbox == []
