import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from jkp_site.core.models import User
from participants.models import Participant
from tests.factories import ParticipantFactory
from tests.language import InEnglish

pytestmark = pytest.mark.django_db

PASSWORD = "kuat-Sekali-2025"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person():
    """A participant with no portal account yet."""
    return ParticipantFactory(name="Siti Rahayu", email="")


def form(person, **overrides):
    data = {
        "nik": person.nik,
        "kpj_number": person.kpj_number,
        "birth_date": person.birth_date.isoformat(),
        "password1": PASSWORD,
        "password2": PASSWORD,
        "email": "siti@contoh.invalid",
    }
    data.update(overrides)
    return data


def activate(client, data, **extra):
    return client.post(reverse("portal:activate"), data, **extra)


def test_activation_creates_one_signed_in_worker_account(client, person):
    response = activate(client, form(person))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    person.refresh_from_db()
    user = person.user
    assert user.username == person.kpj_number
    assert user.branch is None
    assert user.groups.filter(name="peserta").exists()
    assert user.check_password(PASSWORD)
    assert user.email == ""  # not yet confirmed
    assert client.get(reverse("portal:home")).status_code == 200


def test_nik_typed_with_spaces_is_accepted(client, person):
    spaced = " ".join([person.nik[:6], person.nik[6:12], person.nik[12:]])
    assert activate(client, form(person, nik=spaced)).status_code == 302


@pytest.mark.parametrize(
    "fault",
    [
        {"nik": "3174010000000000"},  # unknown NIK (another person's would be the same)
        {"kpj_number": "99999999999"},
        {"birth_date": "1990-04-18"},
    ],
    ids=["wrong-nik", "wrong-kpj", "wrong-birth-date"],
)
def test_one_wrong_fact_is_refused_with_the_same_message(client, person, fault):
    response = activate(client, form(person, **fault))

    assert response.status_code == 200
    assert not Participant.objects.get(pk=person.pk).user_id
    assert not User.objects.filter(username=person.kpj_number).exists()
    errors = response.context["form"].non_field_errors()
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "identity_not_proven"
    ]
    # Same words whichever fact was wrong, and none of them named.
    assert len(errors) == 1
    assert not response.context["form"].has_error("nik")
    assert not response.context["form"].has_error("kpj_number")
    assert not response.context["form"].has_error("birth_date")


def test_the_generic_message_is_identical_for_every_fault(client, person):
    messages = set()
    for fault in ({"nik": "3174010000000000"}, {"kpj_number": "99999999999"},
                  {"birth_date": "1991-01-01"}):  # fmt: skip
        response = activate(client, form(person, **fault))
        messages.add(tuple(response.context["form"].non_field_errors()))
    assert len(messages) == 1


def test_facts_of_two_different_people_do_not_combine(client, person):
    stranger = ParticipantFactory()
    response = activate(client, form(person, kpj_number=stranger.kpj_number))
    assert response.context["form"].non_field_errors()
    assert Participant.objects.filter(user__isnull=False).count() == 0


def test_malformed_numbers_are_field_errors_that_reveal_nothing(client, person):
    response = activate(client, form(person, nik="12345", kpj_number="abc"))
    assert response.context["form"].has_error("nik")
    assert response.context["form"].has_error("kpj_number")


def test_weak_or_mismatched_password_is_refused(client, person):
    response = activate(client, form(person, password1="12345678", password2="12345678"))
    assert response.context["form"].has_error("password1")
    response = activate(client, form(person, password2="something-else-99"))
    assert response.context["form"].has_error("password2")
    assert not Participant.objects.get(pk=person.pk).user_id


def test_one_account_per_participant(client, person):
    activate(client, form(person))
    client.logout()
    cache.clear()

    response = activate(
        client, form(person, password1="lain-Sekali-77", password2="lain-Sekali-77")
    )

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "account_exists"
    ]
    assert User.objects.filter(participant=person).count() == 1
    assert Participant.objects.get(pk=person.pk).user.check_password(PASSWORD)


def test_attempts_are_throttled_per_address_even_with_correct_details(client, person, settings):
    settings.PORTAL_ACTIVATION_LIMIT = 3
    for k in range(3):
        activate(client, form(person, birth_date=f"1980-01-0{k + 1}"))

    response = activate(client, form(person))

    assert response.status_code == 429
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["throttled"]
    assert not Participant.objects.get(pk=person.pk).user_id


def test_a_stranger_cannot_shut_the_owner_out_from_another_address(client, person, settings):
    """Failures on a NIK lock that NIK from that address only: the owner elsewhere goes on."""
    settings.PORTAL_ACTIVATION_LIMIT = 3
    for k in range(5):
        activate(client, form(person, kpj_number="9999999999" + str(k)), REMOTE_ADDR="10.0.0.7")
    assert activate(client, form(person), REMOTE_ADDR="10.0.0.7").status_code == 429

    response = activate(client, form(person), REMOTE_ADDR="10.0.0.99")

    assert response.status_code == 302
    assert Participant.objects.get(pk=person.pk).user_id


def test_many_addresses_on_one_nik_are_each_held_back(client, person, settings):
    settings.PORTAL_ACTIVATION_LIMIT = 10
    settings.PORTAL_ACTIVATION_PAIR_THRESHOLD = 3
    for address in ("10.0.0.1", "10.0.0.2"):
        for k in range(3):
            activate(client, form(person, birth_date=f"1980-01-0{k + 1}"), REMOTE_ADDR=address)
        # The per-(NIK, address) lock, well before the address limit.
        assert activate(client, form(person), REMOTE_ADDR=address).status_code == 429


def test_the_lock_on_a_nik_and_address_is_short_and_escalates(
    client, person, settings, time_machine
):
    settings.PORTAL_ACTIVATION_LIMIT = 100
    settings.PORTAL_ACTIVATION_PAIR_THRESHOLD = 3
    settings.PORTAL_ACTIVATION_PAIR_LOCK = 60
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC), tick=False)
    address = {"REMOTE_ADDR": "10.3.3.3"}
    for k in range(3):
        activate(client, form(person, birth_date=f"1980-01-0{k + 1}"), **address)
    locked = activate(client, form(person, birth_date="1980-01-09"), **address)
    assert locked.status_code == 429
    assert "1" in str(locked.context["form"].non_field_errors())  # one minute

    time_machine.shift(dt.timedelta(seconds=61))
    assert activate(client, form(person, birth_date="1980-01-08"), **address).status_code == 200
    # The fourth failure locks for twice as long.
    time_machine.shift(dt.timedelta(seconds=61))
    assert activate(client, form(person), **address).status_code == 429
    time_machine.shift(dt.timedelta(seconds=60))
    assert activate(client, form(person), **address).status_code == 302


def test_behind_a_proxy_the_activation_throttle_sees_the_client(client, person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PORTAL_ACTIVATION_LIMIT = 3
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    stranger = ParticipantFactory()
    for k in range(3):
        # A forged left-hand entry changes nothing: the proxy's entry is the client.
        activate(
            client,
            form(stranger, kpj_number="9999999999" + str(k)),
            HTTP_X_FORWARDED_FOR=f"1.1.1.{k}, 203.0.113.66",
            **proxy,
        )
    assert (
        activate(client, form(person), HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.66", **proxy)
    ).status_code == 429

    response = activate(client, form(person), HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)

    assert response.status_code == 302


def test_throttle_is_per_address_for_other_people(client, person, settings):
    settings.PORTAL_ACTIVATION_LIMIT = 3
    for _k in range(3):
        activate(client, form(person, kpj_number="99999999999"), REMOTE_ADDR="10.0.0.1")
    someone = ParticipantFactory()

    assert activate(client, form(someone), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_failures_below_the_limit_do_not_block_the_owner(client, person, settings):
    settings.PORTAL_ACTIVATION_LIMIT = 3
    activate(client, form(person, birth_date="1980-01-01"))
    activate(client, form(person, birth_date="1980-01-02"))
    assert activate(client, form(person)).status_code == 302


def test_confirmation_link_confirms_the_email(client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        activate(client, form(person))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["siti@contoh.invalid"]
    link = next(line for line in message.body.splitlines() if "/portal/email/confirm/" in line)
    path = link.split("testserver", 1)[1]

    # Opening the link changes nothing (mail scanners open links); the button does.
    assert client.get(path).status_code == 200
    assert User.objects.get(participant=person).email == ""
    response = client.post(path)

    assert response.status_code == 302
    user = User.objects.get(participant=person)
    assert user.email == "siti@contoh.invalid"
    assert Participant.objects.get(pk=person.pk).email == "siti@contoh.invalid"


def test_confirmation_link_works_once_and_not_when_tampered(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activate(client, form(person))
    link = next(line for line in mail.outbox[0].body.splitlines() if "/email/confirm/" in line)
    path = link.split("testserver", 1)[1]
    client.post(path)
    assert client.post(path).status_code == 400  # already used
    tampered = path.replace("/confirm/", "/confirm/x")
    assert client.post(tampered).status_code == 400


def test_confirmation_link_expires(
    client, person, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        activate(client, form(person))
    link = next(line for line in mail.outbox[0].body.splitlines() if "/email/confirm/" in line)
    time_machine.move_to(dt.datetime(2025, 6, 5, 9, tzinfo=dt.UTC), tick=False)

    assert client.post(link.split("testserver", 1)[1]).status_code == 400
    assert User.objects.get(participant=person).email == ""


def test_portal_pages_need_a_signed_in_worker(client, officer):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    client.force_login(officer)
    assert client.get(reverse("portal:home")).status_code == 403


def test_worker_signs_in_with_the_kpj_number(client, person):
    activate(client, form(person))
    client.logout()
    response = client.post(
        reverse("portal:login"),
        {"username": person.kpj_number, "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_the_sign_in_label_admits_a_plain_user_name(client):
    """Accounts made by the branch (and the demo peserta1/peserta2) sign in with a user name."""
    response = InEnglish(client).get(reverse("portal:login"))

    assert response.context["form"].fields["username"].label == "KPJ number or user name"
    assert "KPJ number or user name" in response.text


def test_portal_sign_in_is_locked_after_repeated_failures(client, person):
    activate(client, form(person))
    client.logout()
    address = {"REMOTE_ADDR": "10.9.9.9"}
    for _attempt in range(5):
        client.post(
            reverse("portal:login"), {"username": person.kpj_number, "password": "salah"}, **address
        )

    response = client.post(
        reverse("portal:login"), {"username": person.kpj_number, "password": PASSWORD}, **address
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_worker_changes_the_email_by_confirming_the_new_one(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activate(client, form(person))
    client.post(mail.outbox[0].body.split("testserver", 1)[1].split()[0])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:change_email"), {"email": "baru@contoh.invalid"})

    user = User.objects.get(participant=person)
    assert user.email == "siti@contoh.invalid"  # unchanged until the new link is used
    assert mail.outbox[-1].to == ["baru@contoh.invalid"]
    client.post(mail.outbox[-1].body.split("testserver", 1)[1].split()[0])
    user.refresh_from_db()
    assert user.email == "baru@contoh.invalid"


def test_a_worker_with_a_plain_user_name_signs_in_with_the_kpj_number_too(client, person):
    from jkp_site.core.roles import Role
    from tests.factories import UserFactory

    account = UserFactory(username="peserta9", branch=None, role=Role.PESERTA)
    account.set_password(PASSWORD)
    account.save()
    person.user = account
    person.save(update_fields=["user"])
    for username in (person.kpj_number, "peserta9"):
        client.logout()
        response = client.post(
            reverse("portal:login"),
            {"username": username, "password": PASSWORD},
            REMOTE_ADDR="10.1.1.2",
        )
        assert response.status_code == 302, username
    client.logout()
    wrong = client.post(
        reverse("portal:login"),
        {"username": person.kpj_number, "password": "salah-sekali"},
        REMOTE_ADDR="10.1.1.2",
    )
    assert wrong.status_code == 200


def test_a_staff_account_is_never_found_by_a_kpj_number(client, person, officer):
    officer.set_password(PASSWORD)
    officer.save()
    person.user = officer
    person.save(update_fields=["user"])
    response = client.post(
        reverse("portal:login"),
        {"username": person.kpj_number, "password": PASSWORD},
        REMOTE_ADDR="10.1.1.3",
    )
    assert response.status_code == 200
