import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (the interface default is Indonesian)."""
    with translation.override("en"):
        yield
