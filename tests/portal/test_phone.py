"""A mobile number instead of (or beside) an e-mail address: activation sends a code by SMS
that confirms the number; the number can be changed the same way; a forgotten password is
reset with a code sent to it. The SMS backend of the tests keeps messages in
``jkp_site.core.sms.outbox``; the console backend of development writes them to the log."""

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jkp_site.core import sms
from jkp_site.core.models import AccountEvent
from portal import codes
from tests.factories import ParticipantFactory
from tests.language import InEnglish
from tests.portal.conftest import make_worker

pytestmark = pytest.mark.django_db

PASSWORD = "kuat-Sekali-2025"
NEW = "Baru-Sekali-2026"
PHONE = "+6281234567890"


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


@pytest.fixture
def person():
    return ParticipantFactory(name="Siti Rahayu", email="", phone="")


def activation(person, **overrides):
    data = {
        "nik": person.nik,
        "kpj_number": person.kpj_number,
        "birth_date": person.birth_date.isoformat(),
        "password1": PASSWORD,
        "password2": PASSWORD,
        "email": "",
        "phone": "0812-3456-7890",
    }
    data.update(overrides)
    return data


def code_in(message) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def activate(client, person, capture, **overrides):
    with capture(execute=True):
        return client.post(reverse("portal:activate"), activation(person, **overrides))


# --- activation ------------------------------------------------------------------------------


def test_activation_with_a_phone_sends_a_code_by_sms_and_no_e_mail(
    client, person, django_capture_on_commit_callbacks
):
    response = activate(client, person, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("portal:confirm_phone")
    assert mail.outbox == []
    [message] = sms.outbox
    assert message.to == PHONE
    assert person.nik not in message.body
    assert str(codes.CODE_MINUTES) in message.body
    person.refresh_from_db()
    assert person.user.phone == ""  # not until the code is typed back

    page = InEnglish(client).get(reverse("portal:confirm_phone"))
    assert "•••••••••••890" in page.text
    assert PHONE not in page.text
    confirmed = client.post(reverse("portal:confirm_phone"), {"code": code_in(message)})

    assert confirmed["Location"] == reverse("portal:home")
    person.refresh_from_db()
    assert person.user.phone == PHONE
    assert person.phone == PHONE


def test_activation_needs_an_e_mail_address_or_a_phone(client, person):
    response = InEnglish(client).post(
        reverse("portal:activate"), activation(person, email="", phone="")
    )

    assert response.status_code == 200
    assert "Give an e-mail address or a mobile phone number (or both)." in response.text
    person.refresh_from_db()
    assert person.user is None


def test_activation_with_both_sends_a_link_and_a_code(
    client, person, django_capture_on_commit_callbacks
):
    activate(client, person, django_capture_on_commit_callbacks, email="siti@contoh.invalid")

    assert [m.to for m in mail.outbox] == [["siti@contoh.invalid"]]
    assert [m.to for m in sms.outbox] == [PHONE]


def test_a_number_that_is_not_an_indonesian_mobile_is_refused(client, person):
    response = InEnglish(client).post(
        reverse("portal:activate"), activation(person, phone="021 555 1234")
    )
    assert response.context["form"].has_error("phone")
    assert sms.outbox == []


def test_without_an_sms_gateway_activation_asks_for_an_e_mail_address(client, person, settings):
    settings.SMS_BACKEND = ""
    page = InEnglish(client).get(reverse("portal:activate"))
    assert "phone" not in page.context["form"].fields

    refused = InEnglish(client).post(reverse("portal:activate"), activation(person))

    assert refused.context["form"].has_error("email")
    assert client.get(reverse("portal:password_reset_phone")).status_code == 404


# --- the code ----------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_five_end_the_code(
    client, person, django_capture_on_commit_callbacks
):
    activate(client, person, django_capture_on_commit_callbacks)
    right = code_in(sms.outbox[0])
    wrong = "000000" if right != "000000" else "111111"

    for _ in range(codes.MAX_TRIES):
        response = InEnglish(client).post(reverse("portal:confirm_phone"), {"code": wrong})
        if response.status_code == 302:
            break
        assert response.status_code == 400
        assert "This code is wrong or has expired." in response.text

    late = client.post(reverse("portal:confirm_phone"), {"code": right})
    assert late["Location"] == reverse("portal:change_phone")
    person.refresh_from_db()
    assert person.user.phone == ""


def test_a_code_expires(client, person, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC), tick=False)
    activate(client, person, django_capture_on_commit_callbacks)
    time_machine.shift(dt.timedelta(minutes=codes.CODE_MINUTES + 1))

    response = client.post(reverse("portal:confirm_phone"), {"code": code_in(sms.outbox[0])})

    assert response["Location"] == reverse("portal:change_phone")
    person.refresh_from_db()
    assert person.user.phone == ""


def test_a_new_code_replaces_the_old_one(client, person, django_capture_on_commit_callbacks):
    activate(client, person, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:confirm_phone"), {"resend": "1"})
    first, second = (code_in(m) for m in sms.outbox)

    if first != second:
        assert client.post(reverse("portal:confirm_phone"), {"code": first}).status_code == 400
    assert client.post(reverse("portal:confirm_phone"), {"code": second}).status_code == 302


def test_codes_to_one_account_are_limited(client, person, django_capture_on_commit_callbacks):
    activate(client, person, django_capture_on_commit_callbacks)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("portal:confirm_phone"), {"resend": "1"})
    assert len(sms.outbox) == 3


def test_another_workers_code_does_not_confirm_a_number(
    client, person, django_capture_on_commit_callbacks, branch
):
    activate(client, person, django_capture_on_commit_callbacks)
    key = client.session["portal:phone_code"]
    other = make_worker(branch=branch, username="pekerja9")
    stranger = Client()
    stranger.force_login(other.user)
    session = stranger.session
    session["portal:phone_code"] = key
    session.save()

    response = stranger.post(reverse("portal:confirm_phone"), {"code": code_in(sms.outbox[0])})

    assert response["Location"] == reverse("portal:change_phone")
    other.user.refresh_from_db()
    assert other.user.phone == ""


def test_a_worker_adds_a_mobile_number_later(
    worker_client, worker, django_capture_on_commit_callbacks
):
    assert "Add my mobile number" in InEnglish(worker_client).get(reverse("portal:home")).text
    with django_capture_on_commit_callbacks(execute=True):
        sent = worker_client.post(reverse("portal:change_phone"), {"phone": "+62 857 1111 2222"})
    assert sent["Location"] == reverse("portal:confirm_phone")
    assert sms.outbox[0].to == "+6285711112222"

    worker_client.post(reverse("portal:confirm_phone"), {"code": code_in(sms.outbox[0])})

    worker.user.refresh_from_db()
    assert worker.user.phone == "+6285711112222"
    assert (
        "Change my mobile number (•••••••••••222)"
        in InEnglish(worker_client).get(reverse("portal:home")).text
    )


def test_the_console_backend_logs_the_code_and_a_masked_number(settings, caplog):
    settings.SMS_BACKEND = "jkp_site.core.sms.ConsoleBackend"
    with caplog.at_level(logging.INFO, logger="jkp.sms"):
        sms.send_sms(to=PHONE, body="JKP: 123456 is your code.")
    assert "JKP: 123456 is your code." in caplog.text
    assert PHONE not in caplog.text
    assert "890" in caplog.text


def test_mobile_numbers_are_read_as_people_write_them():
    for written in ("0812-3456-7890", "62 812 3456 7890", "+62 (812) 3456 7890"):
        assert sms.normalise_mobile(written) == PHONE
    for wrong in ("021 555 1234", "0812", "+1 212 555 0100", "0812-3456-789O"):
        assert sms.normalise_mobile(wrong) is None


# --- a reset by phone --------------------------------------------------------------------------


@pytest.fixture
def phoned(branch):
    worker = make_worker(branch=branch, username="pekerja1")
    worker.user.phone = PHONE
    worker.user.save()
    return worker


def ask_code(client, capture, kpj, phone="0812 3456 7890", **extra):
    with capture(execute=True):
        return client.post(
            reverse("portal:password_reset_phone"), {"kpj_number": kpj, "phone": phone}, **extra
        )


def test_a_worker_resets_the_password_with_a_code_by_sms(
    client, phoned, django_capture_on_commit_callbacks
):
    page = InEnglish(client).get(reverse("portal:password_reset"))
    assert reverse("portal:password_reset_phone") in page.text

    asked = ask_code(client, django_capture_on_commit_callbacks, phoned.kpj_number)

    assert asked["Location"] == reverse("portal:password_reset_code")
    [message] = sms.outbox
    assert message.to == PHONE
    assert mail.outbox == []
    opened = client.post(reverse("portal:password_reset_code"), {"code": code_in(message)})
    assert opened["Location"].startswith("/portal/password/reset/")
    form = client.get(opened["Location"])
    done = client.post(form["Location"], {"new_password1": NEW, "new_password2": NEW})

    assert done["Location"] == reverse("portal:password_reset_complete")
    signed_in = Client().post(
        reverse("portal:login"), {"username": phoned.kpj_number, "password": NEW}
    )
    assert signed_in["Location"] == reverse("portal:home")
    kinds = list(AccountEvent.objects.order_by("pk").values_list("kind", "note", "subject"))
    assert kinds == [
        ("reset_asked", "phone", phoned.user.pk),
        ("password_reset", "", phoned.user.pk),
    ]
    # The code works once.
    assert client.post(reverse("portal:password_reset_code"), {"code": code_in(message)})[
        "Location"
    ] == reverse("portal:password_reset_phone")


def test_the_answer_is_the_same_whether_or_not_the_account_exists(
    client, phoned, django_capture_on_commit_callbacks, officer
):
    answers = []
    for kpj, phone in [
        (phoned.kpj_number, "0812 3456 7890"),  # the worker's
        (phoned.kpj_number, "0812 0000 0000"),  # another number
        ("99999999999", "0812 3456 7890"),  # no such participant
    ]:
        fresh = Client()
        asked = ask_code(fresh, django_capture_on_commit_callbacks, kpj, phone)
        code_page = InEnglish(fresh).get(asked["Location"])
        answers.append((asked.status_code, asked["Location"], code_page.status_code))
        assert "If the KPJ number and the mobile number belong to a portal account" in (
            code_page.text
        )

    assert len(set(answers)) == 1
    assert [m.to for m in sms.outbox] == [PHONE]


def test_no_code_typed_for_a_missing_account_works(client, django_capture_on_commit_callbacks):
    ask_code(client, django_capture_on_commit_callbacks, "99999999999")
    for code in ("000000", "123456"):
        response = client.post(reverse("portal:password_reset_code"), {"code": code})
        assert response.status_code == 400


def test_reset_codes_are_limited_silently(client, phoned, django_capture_on_commit_callbacks):
    for _ in range(4):
        asked = ask_code(Client(), django_capture_on_commit_callbacks, phoned.kpj_number)
        assert asked["Location"] == reverse("portal:password_reset_code")
    assert len(sms.outbox) == 3  # per account and hour, as by e-mail


def test_wrong_codes_from_one_address_are_limited(
    client, phoned, django_capture_on_commit_callbacks
):
    for _ in range(4):
        ask_code(client, django_capture_on_commit_callbacks, "99999999999", REMOTE_ADDR="10.9.9.9")
        for _ in range(5):
            client.post(
                reverse("portal:password_reset_code"), {"code": "000000"}, REMOTE_ADDR="10.9.9.9"
            )
    ask_code(client, django_capture_on_commit_callbacks, phoned.kpj_number, REMOTE_ADDR="10.9.9.9")

    response = InEnglish(client).post(
        reverse("portal:password_reset_code"),
        {"code": code_in(sms.outbox[-1])},
        REMOTE_ADDR="10.9.9.9",
    )

    assert response.status_code == 429
    assert "Too many codes asked for or typed." in response.text


def test_a_staff_account_gets_no_code(client, officer, django_capture_on_commit_callbacks):
    from tests.factories import ParticipantFactory as Participants

    Participants(user=officer, kpj_number="12345678901")
    officer.phone = PHONE
    officer.save()
    ask_code(client, django_capture_on_commit_callbacks, "12345678901")
    assert sms.outbox == []
