"""Browser tests: Playwright's sync API driving Debian's Chromium (installed by `make browser`).

Shared by every e2e module: `browser` (one Chromium per test) and `page` (a desktop-sized page
in English). Modules that need another viewport open their own context from `browser`.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        # In CI a missing browser is a broken setup, not a reason to skip the main screens.
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed (make browser)")
        pytest.skip("Debian's chromium is not installed (make browser)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def english(context, base_url: str):
    """The walks read English: the user chose it (the language cookie). A browser that merely
    asks for English (``locale``) still gets Indonesian, the interface's default."""
    context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
    return context


@pytest.fixture
def page(browser, live_server):
    context = english(
        browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US"),
        live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
