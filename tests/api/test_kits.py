"""Kits: POST answers 202 with a status URL; files through short-lived signed links."""

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from api.files import SALT
from api.models import KitFileLink
from kits.models import ConsensusKit

pytestmark = pytest.mark.django_db


@pytest.fixture
def built_kit(api, group, calculator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/groups/{group.pk}/kits", {"assets": ["downtime-calculator"]})
    assert response.status_code == 202
    return response.json()


def test_a_kit_request_answers_202_with_a_status_url(
    api, group, calculator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/groups/{group.pk}/kits",
            {
                "problem_statement": "Downtime costs us more than we think.",
                "plan": [{"step": "Agree the problem", "owner": "Champion", "due": "2026-12-01"}],
            },
        )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"  # answered before the build
    kit = ConsensusKit.objects.get(pk=body["id"])
    assert kit.problem_statement == "Downtime costs us more than we think."
    assert kit.plan == [{"step": "Agree the problem", "owner": "Champion", "due": "2026-12-01"}]
    assert body["status_url"] == f"http://testserver/api/v1/groups/{group.pk}/kits/{kit.pk}"
    # Celery runs inline in tests, so the build is already done when we poll.
    status = api.get(f"/groups/{group.pk}/kits/{kit.pk}").json()
    assert status["status"] == "ready"
    assert status["progress"] == 100


def test_files_download_through_short_lived_links(reader, group, built_kit):
    status = reader.get(f"/groups/{group.pk}/kits/{built_kit['id']}").json()
    files = Client()  # no key and no login: the link is the credential
    pdf = files.get(status["files"]["pdf"].removeprefix("http://testserver"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    archive = files.get(status["files"]["zip"].removeprefix("http://testserver"))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert any(name.endswith(".pdf") for name in names)


def test_a_link_stops_working_when_it_expires(reader, group, built_kit):
    url = reader.get(f"/groups/{group.pk}/kits/{built_kit['id']}").json()["files"]["pdf"]
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert Client().get(url.removeprefix("http://testserver")).status_code == 404


def test_a_link_signed_with_the_secret_key_alone_does_not_work(reader, group, built_kit):
    url = reader.get(f"/groups/{group.pk}/kits/{built_kit['id']}").json()["files"]["pdf"]
    forged = signing.dumps({"n": "made-up-nonce"}, salt=SALT)
    assert Client().get(f"/api/v1/files/{forged}").status_code == 404
    assert Client().get(url.removeprefix("http://testserver") + "x").status_code == 404
    KitFileLink.objects.all().delete()  # the server-side record is gone: so is the link
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404


def test_an_unknown_asset_in_a_kit_is_a_422(api, group):
    response = api.post(f"/groups/{group.pk}/kits", {"assets": ["nope"]})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "assets", "item": 0, "message": "no asset 'nope' in the content library"}
    ]
    assert not ConsensusKit.objects.exists()


def test_another_organizations_kit_is_404(outsider, group, built_kit):
    assert outsider.get(f"/groups/{group.pk}/kits/{built_kit['id']}").status_code == 404


def test_on_object_storage_a_link_redirects_to_a_signed_url(
    api, group, calculator, s3_bucket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kit = api.post(f"/groups/{group.pk}/kits", {"assets": ["downtime-calculator"]}).json()
    url = api.get(f"/groups/{group.pk}/kits/{kit['id']}").json()["files"]["zip"]
    response = Client().get(url.removeprefix("http://testserver"))
    assert response.status_code == 302
    assert response["Location"].startswith(s3_bucket.endpoint)
    assert "Signature" in response["Location"] or "X-Amz-Signature" in response["Location"]
    stored = s3_bucket.keys()
    assert any(key.endswith(".zip") for key in stored)
