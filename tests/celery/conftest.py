"""The claim fixtures of tests/claims, for the tests that drive claims under a real worker."""

from tests.claims.conftest import employer, participant, worker_user  # noqa: F401
