"""Letters fixtures: the claims fixtures (an eligible worker of the branch's employer; service
messages in English, so the letters prove they are Indonesian whatever the language)."""

from tests.claims.conftest import employer, english, other_employer, participant  # noqa: F401
