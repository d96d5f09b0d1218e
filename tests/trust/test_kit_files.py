"""Issue 15, item 8 (part): a share link also opens the kit's asset files, and stops
opening them when the share is revoked."""

import pytest
from django.test import Client

from kits import services as kits
from kits.models import ConsensusKit
from tests.content.factories import PDF_BYTES, asset_with_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(org, group, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    asset = asset_with_file(org, title="Downtime calculator")
    kit = ConsensusKit.objects.create(
        group=group,
        version=1,
        status="ready",
        problem_statement="p",
        assets=[{"id": asset.pk, "why": "w"}],
        document={"title": "Kit", "assets": [], "terms": []},
    )
    share = kits.share_create(kit=kit, by=None)
    return share, kits.share_token(share), asset


def test_a_reader_logged_out_downloads_the_kits_file_until_the_share_is_revoked(shared):
    share, token, asset = shared
    reader = Client()
    page = reader.get(f"/k/{token}/").content.decode()
    link = f"/k/{token}/files/{asset.pk}/"
    assert link in page and "Downtime calculator" in page
    response = reader.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    kits.share_revoke(share=share)
    assert reader.get(link).status_code == 410


def test_the_share_opens_no_other_asset_file(org, shared):
    _share, token, _asset = shared
    other = asset_with_file(org, title="Internal price list")
    assert Client().get(f"/k/{token}/files/{other.pk}/").status_code == 404
