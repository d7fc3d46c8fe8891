"""Error pages speak the interface's language and offer a way back: Indonesian by default,
English when chosen, the portal's own way back for workers."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_indonesian_with_a_way_back(client):
    # A browser asking for English still gets Indonesian until the user chooses English.
    page = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404
    body = page.content.decode()
    assert "Halaman tidak ditemukan" in body
    assert '<a href="/">Kembali ke halaman awal</a>' in body


def test_a_worker_is_sent_back_to_the_portal(client):
    body = client.get("/portal/claims/999999/tidak-ada/").content.decode()
    assert "Kembali ke portal peserta" in body


def test_english_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/tidak-ada/").content.decode()
    assert "Page not found" in body


def test_a_refused_page_says_why_in_indonesian(client, counsellor):
    client.force_login(counsellor)
    response = client.get(reverse("payments:batch_list"))
    assert response.status_code == 403
    assert "Tidak diizinkan" in response.content.decode()


def test_an_expired_form_says_nothing_was_saved(officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    response = browser.post(reverse("claims:find_by_nik"), {"nik": "3174011704900001"})
    assert response.status_code == 403
    assert "tidak ada yang tersimpan" in response.content.decode()


def test_the_server_error_page_stands_alone():
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "Terjadi kesalahan" in body
    assert "tetap aman" in body
