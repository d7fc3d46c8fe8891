"""Sentry events carry no personal data: NIK-like digit runs are redacted everywhere in the
event, and what the request carried (body, cookies, query string, most headers) is dropped."""

from jkp_site.core.errors import before_send

NIK = "3174011704900001"


def test_before_send_scrubs_the_event():
    event = {
        "message": f"no participant {NIK}",
        "exception": {"values": [{"type": "DoesNotExist", "value": f"nik={NIK}"}]},
        "breadcrumbs": {"values": [{"message": f"SELECT ... WHERE nik_index = {NIK}"}]},
        "extra": {"frames": [{"vars": {"nik": NIK, "amount": 2400000}}]},
        "request": {
            "url": "https://jkp.example.go.id/claims/find-by-nik/",
            "data": {"nik": NIK},
            "cookies": {"sessionid": "secret"},
            "query_string": f"q={NIK}",
            "headers": {
                "User-Agent": "Firefox",
                "Cookie": "sessionid=secret",
                "X-Request-ID": "r1",
            },
        },
        "user": {"id": 3, "email": "petugas@example.go.id"},
    }
    scrubbed = before_send(event, {})
    text = repr(scrubbed)
    assert NIK not in text
    assert "secret" not in text
    assert "petugas@" not in text
    assert scrubbed["message"] == "no participant [NIK]"
    assert scrubbed["request"]["headers"] == {"User-Agent": "Firefox", "X-Request-ID": "r1"}
    assert scrubbed["request"]["url"].endswith("/claims/find-by-nik/")
    assert scrubbed["extra"]["frames"][0]["vars"]["amount"] == 2400000


def test_sentry_starts_only_with_a_dsn_and_without_personal_data(tmp_path):
    import subprocess
    import sys

    from tests.core.test_settings import ROOT, key

    code = (
        "import django; django.setup(); import sentry_sdk;"
        "c = sentry_sdk.get_client(); o = c.options;"
        "print(c.is_active(), o['send_default_pii'], o['before_send'].__module__)"
    )
    base = {
        "DJANGO_SETTINGS_MODULE": "jkp_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": key(48),
        "FIELD_ENCRYPTION_KEY": key(),
        "BLIND_INDEX_KEY": key(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "JKP_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    with_dsn = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "SENTRY_DSN": "https://public@sentry.example.go.id/1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert with_dsn.stdout.split() == ["True", "False", "jkp_site.core.errors"]
    without = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import sentry_sdk;"
            "print(sentry_sdk.get_client().is_active())",
        ],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        check=True,
    )
    assert without.stdout.strip() == "False"
