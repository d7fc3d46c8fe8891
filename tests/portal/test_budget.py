"""Mobile first: every portal page stays under 300 kB before images, with no outside request.

Counted uncompressed (stricter than what WhiteNoise sends gzipped): the HTML plus every
stylesheet and script the page links. Images are excluded by the budget's definition.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from claims import services as claim_services
from tests.portal.conftest import phk_date, submitted_claim, verify_and_recommend

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 300 * 1024


class Assets(HTMLParser):
    """Collects every URL a page makes the browser fetch (scripts, styles, images, frames...)."""

    def __init__(self):
        super().__init__()
        self.scripts_and_styles: list[str] = []
        self.other_fetches: list[str] = []
        self.inline_scripts = 0
        self.style_attributes = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "script":
            if attrs.get("src"):
                self.scripts_and_styles.append(attrs["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and attrs.get("href", "").startswith("data:"):
            return  # inline data (the empty icon that spares a request for /favicon.ico)
        elif tag == "link" and attrs.get("href"):
            self.scripts_and_styles.append(attrs["href"])
        elif tag in ("img", "iframe", "source", "audio", "video", "embed") and attrs.get("src"):
            self.other_fetches.append(attrs["src"])
        elif tag == "object" and attrs.get("data"):
            self.other_fetches.append(attrs["data"])
        if tag == "form" and attrs.get("action"):
            self.other_fetches.append(attrs["action"])


def static_size(url: str) -> int:
    path = url.split("?", 1)[0].removeprefix("/static/")
    found = finders.find(path)
    assert found, f"{url} is not a static file"
    return Path(found).stat().st_size


def weigh(response) -> tuple[int, Assets]:
    assert response.status_code == 200
    html = response.content.decode()
    assets = Assets()
    assets.feed(html)
    total = len(response.content) + sum(static_size(u) for u in assets.scripts_and_styles)
    return total, assets


def assert_light_and_local(response):
    total, assets = weigh(response)
    assert total < BUDGET_BYTES, f"{response.request['PATH_INFO']}: {total} bytes"
    for url in assets.scripts_and_styles + assets.other_fetches:
        assert url.startswith("/"), f"outside request: {url}"
        assert not url.startswith("//"), f"outside request: {url}"
    assert assets.inline_scripts == 0  # the CSP allows 'self' only
    assert assets.style_attributes == 0
    assert not re.search(r"https?://", "".join(assets.scripts_and_styles))
    return total


def test_public_pages_are_light(client):
    for name in ("portal:login", "portal:activate"):
        assert_light_and_local(client.get(reverse(name)))


def test_every_worker_page_is_light(worker_client, worker, officer, supervisor):
    pages = [
        reverse("portal:home"),
        reverse("portal:notifications"),
        reverse("portal:change_email"),
        reverse("portal:file_claim"),
    ]
    for url in pages:
        assert_light_and_local(worker_client.get(url))
    answers = {"phk_date": phk_date(), "reason": "efficiency", "contract_type": "PKWTT"}
    assert_light_and_local(worker_client.post(reverse("portal:precheck"), answers))

    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    assert_light_and_local(worker_client.get(reverse("portal:claim", kwargs={"pk": claim.pk})))
    instalment = claim.instalments.first()
    assert_light_and_local(
        worker_client.get(reverse("portal:instalment", kwargs={"pk": instalment.pk}))
    )


def test_claim_steps_are_light(worker_client, worker):
    worker_client.post(
        reverse("portal:file_claim"),
        {"phk_date": phk_date().isoformat(), "reason": "efficiency", "contract_type": "PKWTT"},
    )
    claim = worker.claims.get()
    for step in ("phk", "bank", "documents", "review"):
        url = reverse("portal:claim_step", kwargs={"pk": claim.pk, "step": step})
        assert_light_and_local(worker_client.get(url))


def test_the_budget_check_would_catch_bootstrap(client):
    """The measure itself works: a page linking the 232 kB Bootstrap plus its script fails."""
    response = client.get(reverse("login"))  # the staff pages use Bootstrap
    total, _assets = weigh(response)
    assert total > BUDGET_BYTES
