"""Test settings: the real settings with a fast password hasher and in-memory e-mail.

DATABASE_URL and REDIS_URL still come from the environment, so the same suite runs on the
embedded default and, in CI, on PostgreSQL and Redis.
"""

import tempfile
from pathlib import Path

from jkp_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "jkp_site.core.sms.LocmemBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jkp-test-media-"))
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tasks run inline in tests unless a test drives a real worker (see tests/celery).
CELERY_TASK_ALWAYS_EAGER = True
AXES_FAILURE_LIMIT = 5
# Serve static files from the app folders as in development: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Live-server request threads must not keep their connections open past the request: a
# persistent one would hold the test database open when pytest-django drops it.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The API tests and schemathesis send far more than a production client may in a minute.
API_RATE_PER_MINUTE = 100_000
# A second PostgreSQL database stands in for a read replica (tests/ops/test_replica.py turns
# READ_REPLICA_ALIAS on); pytest-django creates it only for the tests that ask for it.
READ_REPLICA_ALIAS = ""
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **DATABASES["default"],  # noqa: F405
        "NAME": f"{DATABASES['default']['NAME']}_replica",  # noqa: F405
        "TEST": {"NAME": f"test_{DATABASES['default']['NAME']}_replica"},  # noqa: F405
    }
