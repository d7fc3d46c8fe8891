"""Second-factor helpers for the identity tests: a staff member with a confirmed app and
recovery codes, the code the app shows now, and a client signed in through both steps."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory
RECOVERY = [f"recoverycode{n:04d}" for n in range(10)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and spraying counts live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def otp_on(settings):
    settings.STAFF_OTP_REQUIRED = True
    return settings


def enrol(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in RECOVERY])
    return device


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, user, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": password}, **extra)


def sign_in_with_code(client, user, device: TOTPDevice):
    sign_in(client, user)
    return client.post(reverse("account:otp_verify"), {"code": code_for(device), "next": "/"})
