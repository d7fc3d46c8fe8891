"""A staff sign-in with the second factor in a real Chromium: the first sign-in enrols the
authenticator app from the key on the page and shows the recovery codes once; a later sign-in
asks for a code (here a recovery code) before the claims open. axe-core checks both pages."""

import base64

import pytest
from django_otp.oath import totp

from tests.e2e.test_staff_workflow import PASSWORD, accessibility_problems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def password_step(page, base_url, user):
    page.goto(f"{base_url}/claims/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_staff_enrol_then_sign_in_with_a_recovery_code(live_server, page, officer, settings):
    settings.STAFF_OTP_REQUIRED = True
    base = live_server.url

    password_step(page, base, officer)
    assert "/accounts/otp/setup/" in page.url
    assert accessibility_problems(page) == []
    secret = page.inner_text("#otp-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=code]", f"{totp(key):06d}")
    with page.expect_navigation():
        page.click("#otp-setup-form button[type=submit]")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_navigation():
        page.click("text=continue")
    assert page.url.endswith("/claims/")
    page.click("form[action$='/accounts/logout/'] button")

    password_step(page, base, officer)
    assert "/accounts/otp/" in page.url
    assert accessibility_problems(page) == []
    page.fill("input[name=code]", codes[0])
    with page.expect_navigation():
        page.click("#otp-form button[type=submit]")
    assert page.url.endswith("/claims/")
    assert "recovery code" in page.inner_text("main")
