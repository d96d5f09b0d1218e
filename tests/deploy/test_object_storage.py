"""Files in private S3-compatible object storage (moto's real S3 endpoint on loopback):
members download through the authorising views, which redirect to a short-lived signed URL."""

import io
import zipfile
from email.message import Message
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from content.models import Asset
from kits.models import ConsensusKit
from tests.content.factories import PDF_BYTES

FORM = {
    "title": "Why pipelines fail",
    "kind": "article",
    "framing": "shared_problem",
    "level": "mass",
    "stage": "problem_identification",
    "themes": "uptime:2",
    "summary": "How often data pipelines fail.",
    "url": "",
    "slug": "",
}


def fetch(url: str) -> tuple[bytes, Message]:
    with urlopen(url, timeout=10) as answer:  # the browser following the redirect
        return answer.read(), answer.headers


def signed_url_seconds(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0])


@pytest.fixture
def uploaded(client, marketer, org, s3_bucket):
    client.force_login(marketer)
    upload = SimpleUploadedFile("Q3 report.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post("/library/new/", {**FORM, "upload": upload})
    assert response.status_code == 303
    return Asset.objects.get(organization=org)


def test_an_uploaded_file_lands_in_the_bucket_not_on_disk(uploaded, s3_bucket, settings):
    assert s3_bucket.keys() == [uploaded.file.name]
    assert s3_bucket.read(uploaded.file.name) == PDF_BYTES
    assert not settings.MEDIA_ROOT.exists()


def test_members_get_a_signed_url_that_expires_in_a_minute(client, uploaded, sales_rep):
    client.force_login(sales_rep)
    response = client.get(f"/library/{uploaded.pk}/file/")

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert signed_url_seconds(response.url) == 60
    data, headers = fetch(response.url)
    assert data == PDF_BYTES
    assert headers["Content-Disposition"] == 'attachment; filename="Q3_report.pdf"'
    assert headers["Content-Type"] == "application/pdf"


def test_the_object_itself_is_not_public(uploaded, s3_bucket):
    acl = s3_bucket.client().get_object_acl(Bucket=s3_bucket.name, Key=uploaded.file.name)
    public = "http://acs.amazonaws.com/groups/global/AllUsers"
    assert all(grant["Grantee"].get("URI") != public for grant in acl["Grants"])


def test_another_organization_gets_a_404_and_no_url(client, uploaded, other_org_marketer):
    client.force_login(other_org_marketer)
    response = client.get(f"/library/{uploaded.pk}/file/")
    assert response.status_code == 404
    assert "X-Amz-Signature" not in response.content.decode()


def test_anonymous_visitors_go_to_sign_in(client, uploaded):
    client.logout()
    response = client.get(f"/library/{uploaded.pk}/file/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_removing_the_asset_removes_the_object(
    client, uploaded, s3_bucket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/library/{uploaded.pk}/delete/")
    assert response.status_code == 303
    assert s3_bucket.keys() == []


def test_a_kit_is_built_into_the_bucket_and_downloaded_by_signed_url(
    client, uploaded, group, sales_rep, s3_bucket, django_capture_on_commit_callbacks
):
    client.force_login(sales_rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("kit_new", args=[group.pk]),
            {"problem_statement": "Downtime costs us all.", f"asset_{uploaded.pk}_include": "on"},
        )
    assert response.status_code == 303
    kit = ConsensusKit.objects.get(group=group)
    assert kit.status == "ready"
    assert s3_bucket.keys() == sorted([uploaded.file.name, kit.pdf.name, kit.zip.name])

    pdf = client.get(reverse("kit_download_pdf", args=[group.pk, kit.pk]))
    archive = client.get(reverse("kit_download_zip", args=[group.pk, kit.pk]))

    assert pdf.status_code == archive.status_code == 302
    assert fetch(pdf.url)[0].startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(fetch(archive.url)[0])) as zipped:
        # The worker read the asset's file back from the bucket into the kit.
        assert PDF_BYTES in [zipped.read(name) for name in zipped.namelist()]
