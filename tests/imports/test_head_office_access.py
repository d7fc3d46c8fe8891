"""Head office runs contribution imports and sees the integrating systems; branches do not."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_head_office_can_upload_an_import_and_list_api_clients(client, head_office):
    client.force_login(head_office)
    assert client.get(reverse("admin:participants_importjob_add")).status_code == 200
    assert client.get(reverse("admin:participants_importjob_changelist")).status_code == 200
    assert client.get(reverse("admin:api_integrationclient_changelist")).status_code == 200


def test_branch_supervisor_cannot_import(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("admin:participants_importjob_add")).status_code == 403
    assert client.get(reverse("admin:api_integrationclient_changelist")).status_code == 403
