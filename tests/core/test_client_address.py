"""One client address behind trusted proxies (jkp_site.core.net.client_ip), used by the
lockout, the spraying limit, the activation throttle, the API and the logs; the lockout holds
per user name across addresses, and one address trying many user names is stopped."""

import logging

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse

from jkp_site.core.net import ClientIPLogFilter, client_ip
from tests.core.conftest import PASSWORD
from tests.factories import UserFactory

rf = RequestFactory()


def request(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


# --- the rule ----------------------------------------------------------------------------------


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("192.0.2.7", "203.0.113.9")) == "192.0.2.7"


def test_behind_one_proxy_the_rightmost_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("10.0.0.1", "203.0.113.9")) == "203.0.113.9"
    # A client that sends its own header: the proxy appended the real address on the right.
    assert client_ip(request("10.0.0.1", "198.51.100.66, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request("10.0.0.1", "1.1.1.1, 2.2.2.2, 203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    header = "198.51.100.66, 203.0.113.9, 10.0.0.5"
    assert client_ip(request("10.0.0.1", header)) == "203.0.113.9"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("10.0.0.1", "203.0.113.9")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1")) == "10.0.0.1"


def test_garbage_and_ports_are_handled(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1", "203.0.113.9:51234")) == "203.0.113.9"
    assert client_ip(request("10.0.0.1", "[2001:db8::1]:443")) == "2001:db8::1"
    assert client_ip(request("10.0.0.1", "2001:DB8::1")) == "2001:db8::1"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("")) == ""


def test_the_request_and_the_logs_carry_the_address(client, settings, caplog, db):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert response.wsgi_request.client_ip == "203.0.113.9"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    assert ClientIPLogFilter().filter(record)
    assert record.client_ip == "-"


def test_axes_asks_the_same_function(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(request("10.0.0.1", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"


# --- lockout per user name -------------------------------------------------------------------


def fail(client, username, **extra):
    return client.post(reverse("login"), {"username": username, "password": "salah"}, **extra)


@pytest.mark.django_db
def test_the_lockout_holds_across_addresses(client, officer):
    for k in range(5):
        fail(client, officer.username, REMOTE_ADDR=f"10.0.1.{k}")

    response = client.post(
        reverse("login"),
        {"username": officer.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.9.9",
    )

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_behind_a_proxy_the_lockout_does_not_care_about_the_forged_header(
    client, officer, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for k in range(5):
        fail(client, officer.username, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"9.9.9.{k}")
    response = client.post(
        reverse("login"),
        {"username": officer.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="8.8.8.8",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_lockout_of_one_name_leaves_the_others_alone(client, officer, second_officer):
    for _ in range(5):
        fail(client, officer.username)
    response = client.post(
        reverse("login"), {"username": second_officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302


# --- password spraying -----------------------------------------------------------------------


@pytest.mark.django_db
def test_many_user_names_from_one_address_block_that_address(client, officer, settings):
    settings.LOGIN_SPRAY_LIMIT = 20
    for k in range(19):
        assert fail(client, f"tebakan{k}", REMOTE_ADDR="10.6.6.6").status_code == 200
    # The same name again does not count twice.
    fail(client, "tebakan0", REMOTE_ADDR="10.6.6.6")
    ok = Client()
    assert (
        ok.post(
            reverse("login"),
            {"username": officer.username, "password": PASSWORD},
            REMOTE_ADDR="10.6.6.6",
        ).status_code
        == 302
    )

    fail(client, "tebakan19", REMOTE_ADDR="10.6.6.6")  # the 20th distinct name

    blocked = Client().post(
        reverse("login"),
        {"username": officer.username, "password": PASSWORD},
        REMOTE_ADDR="10.6.6.6",
    )
    assert blocked.status_code == 429
    # Another address is not blocked, and the officer's name is not locked.
    elsewhere = Client().post(
        reverse("login"),
        {"username": officer.username, "password": PASSWORD},
        REMOTE_ADDR="10.7.7.7",
    )
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_the_spraying_block_ends_after_the_window(client, officer, settings, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC), tick=False)
    settings.LOGIN_SPRAY_LIMIT = 3
    settings.LOGIN_SPRAY_WINDOW_MINUTES = 15
    for k in range(3):
        fail(client, f"tebakan{k}", REMOTE_ADDR="10.6.6.6")
    login = {"username": officer.username, "password": PASSWORD}
    assert Client().post(reverse("login"), login, REMOTE_ADDR="10.6.6.6").status_code == 429
    time_machine.shift(dt.timedelta(minutes=16))
    assert Client().post(reverse("login"), login, REMOTE_ADDR="10.6.6.6").status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_two_clients_are_told_apart_and_a_forged_entry_does_not_fool_it(
    client, officer, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_SPRAY_LIMIT = 5
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the load balancer
    for k in range(5):
        # The sprayer forges a new left-hand entry every time; the proxy appends the truth.
        fail(client, f"tebakan{k}", HTTP_X_FORWARDED_FOR=f"1.2.3.{k}, 203.0.113.66", **proxy)
    login = {"username": officer.username, "password": PASSWORD}

    sprayer = Client().post(
        reverse("login"), login, HTTP_X_FORWARDED_FOR="5.5.5.5, 203.0.113.66", **proxy
    )
    colleague = Client().post(reverse("login"), login, HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)

    assert sprayer.status_code == 429
    assert colleague.status_code == 302


@pytest.mark.django_db
def test_the_portal_sign_in_is_guarded_too(client, settings):
    settings.LOGIN_SPRAY_LIMIT = 3
    for k in range(3):
        client.post(
            reverse("portal:login"),
            {"username": f"7000000000{k}", "password": "x"},
            REMOTE_ADDR="10.6.6.6",
        )
    UserFactory(username="pekerja9", branch=None)
    response = client.post(
        reverse("portal:login"),
        {"username": "pekerja9", "password": PASSWORD},
        REMOTE_ADDR="10.6.6.6",
    )
    assert response.status_code == 429
