"""Consensus kits: a sales rep builds, downloads and shares one kit for the whole group."""

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from kits import services as kits
from kits.models import ConsensusKit, KitDownload, KitShare

INTERNAL = ["skeptic", "supporter", "stance", "influence", "friction", "SECRET-NOTE"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build(client, group, **extra):
    page = client.get(f"/groups/{group.pk}/kits/new/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data = {k: ("on" if v is True else "" if v is False else v) for k, v in data.items()}
    data.update(extra)
    return client.post(f"/groups/{group.pk}/kits/new/", data)


def pdf_text(kit: ConsensusKit) -> str:
    with kit.pdf.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def test_sales_rep_builds_a_kit_with_the_shared_story(
    client, sales_rep, kit_group, django_capture_on_commit_callbacks
):
    client.force_login(sales_rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = build(client, kit_group, problem_statement="Downtime costs us all, every week.")
    kit = ConsensusKit.objects.get(group=kit_group)
    assert response.status_code == 303
    assert response.url == f"/groups/{kit_group.pk}/kits/{kit.pk}/"
    assert kit.status == "ready" and kit.version == 1 and kit.progress == 100
    text = pdf_text(kit)
    assert "Downtime costs us all, every week." in text
    assert "The true cost of downtime" in text
    assert "Unplanned downtime" in text and "Hours a line stops unexpectedly." in text
    assert "Audit findings closed" in text  # a success measure
    for word in INTERNAL:
        assert word.lower() not in text.lower(), word
    page = client.get(f"/groups/{kit_group.pk}/kits/{kit.pk}/").content.decode()
    assert "Download PDF" in page and "Download ZIP" in page


def test_zip_holds_pdf_text_glossary_and_nothing_internal(
    client, sales_rep, kit_group, django_capture_on_commit_callbacks
):
    client.force_login(sales_rep)
    with django_capture_on_commit_callbacks(execute=True):
        build(client, kit_group)
    kit = ConsensusKit.objects.get()
    response = client.get(f"/groups/{kit_group.pk}/kits/{kit.pk}/kit.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert any(n.endswith(".pdf") for n in names)
    assert any(n.endswith(".txt") for n in names)
    assert any(n.endswith("glossary.csv") for n in names)
    text = archive.read(next(n for n in names if n.endswith(".txt"))).decode()
    glossary = archive.read(next(n for n in names if n.endswith("glossary.csv"))).decode()
    assert "Unplanned downtime" in glossary
    for word in INTERNAL:
        assert word.lower() not in text.lower()
    assert KitDownload.objects.filter(kit=kit, user=sales_rep, format="zip").exists()


def test_builds_are_versioned_and_kept(
    client, sales_rep, kit_group, django_capture_on_commit_callbacks
):
    client.force_login(sales_rep)
    with django_capture_on_commit_callbacks(execute=True):
        build(client, kit_group)
        build(client, kit_group)
    assert list(ConsensusKit.objects.values_list("version", flat=True)) == [2, 1]


def test_progress_fragment_polls_until_ready(client, sales_rep, kit_group):
    client.force_login(sales_rep)
    build(client, kit_group)  # on_commit not run: the kit stays queued
    kit = ConsensusKit.objects.get()
    fragment = client.get(f"/groups/{kit_group.pk}/kits/{kit.pk}/", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html and 'hx-trigger="every 1s"' in html and "<progress" in html
    kits.kit_build(kit_id=kit.pk)
    done = client.get(f"/groups/{kit_group.pk}/kits/{kit.pk}/", headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"  # reload once, then stop
    html = client.get(f"/groups/{kit_group.pk}/kits/{kit.pk}/").content.decode()
    assert "hx-trigger" not in html and "Download PDF" in html and "Share by link" in html


def test_building_twice_is_harmless(client, sales_rep, kit_group):
    client.force_login(sales_rep)
    build(client, kit_group)
    kit = ConsensusKit.objects.get()
    kits.kit_build(kit_id=kit.pk)
    built_at = ConsensusKit.objects.get().built_at
    kits.kit_build(kit_id=kit.pk)
    assert ConsensusKit.objects.get().built_at == built_at


def test_empty_problem_statement_is_refused(client, sales_rep, kit_group):
    client.force_login(sales_rep)
    response = build(client, kit_group, problem_statement="")
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ConsensusKit.objects.exists()


def _ready_kit(client, sales_rep, group):
    client.force_login(sales_rep)
    build(client, group)
    kit = ConsensusKit.objects.get()
    kits.kit_build(kit_id=kit.pk)
    return ConsensusKit.objects.get()


def test_share_link_opens_without_login_and_counts_views(client, sales_rep, kit_group):
    kit = _ready_kit(client, sales_rep, kit_group)
    client.post(f"/groups/{kit_group.pk}/kits/{kit.pk}/share/", {"days": "30"})
    share = KitShare.objects.get()
    url = f"/k/{kits.share_token(share)}/"
    client.logout()
    page = client.get(url)
    assert page.status_code == 200
    assert page["X-Robots-Tag"].startswith("noindex")
    html = page.content.decode()
    assert 'name="robots" content="noindex' in html
    assert kit.problem_statement in html
    for word in INTERNAL:
        assert word.lower() not in html.lower().replace("noindex", "")
    pdf = client.get(f"{url}kit.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    share.refresh_from_db()
    assert share.views == 1 and share.first_viewed_at is not None
    client.force_login(sales_rep)
    assert "1 view" in client.get(f"/groups/{kit_group.pk}/kits/{kit.pk}/").content.decode()


def test_revoked_and_expired_links_say_so_and_show_nothing(client, sales_rep, kit_group):
    kit = _ready_kit(client, sales_rep, kit_group)
    client.post(f"/groups/{kit_group.pk}/kits/{kit.pk}/share/", {"days": "7"})
    share = KitShare.objects.get()
    url = f"/k/{kits.share_token(share)}/"
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        expired = client.get(url)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert kit.problem_statement not in expired.content.decode()
    client.post(f"/groups/{kit_group.pk}/kits/{kit.pk}/shares/{share.pk}/revoke/")
    client.logout()
    revoked = client.get(url)
    assert revoked.status_code == 410 and "revoked" in revoked.content.decode()
    assert client.get(f"{url}kit.pdf").status_code == 410
    assert client.get("/k/forged-token/").status_code == 404


def test_share_links_are_rate_limited(client, sales_rep, kit_group, settings):
    kit = _ready_kit(client, sales_rep, kit_group)
    client.post(f"/groups/{kit_group.pk}/kits/{kit.pk}/share/")
    url = f"/k/{kits.share_token(KitShare.objects.get())}/"
    client.logout()
    statuses = [client.get(url).status_code for _ in range(kit_views_limit() + 1)]
    assert statuses[-1] == 429 and statuses[0] == 200


def kit_views_limit():
    from kits.views import SHARE_RATE_LIMIT

    return SHARE_RATE_LIMIT


def test_kit_permissions(client, marketer, sales_rep, kit_group, foreign_group):
    base = f"/groups/{kit_group.pk}/kits"
    assert client.get(f"{base}/new/").status_code == 302  # anonymous
    client.force_login(marketer)
    assert client.get(f"{base}/new/").status_code == 403  # marketers do not build kits
    assert client.get(f"/groups/{foreign_group.pk}/kits/new/").status_code == 404
    kit = _ready_kit(client, sales_rep, kit_group)
    client.force_login(marketer)
    assert client.get(f"{base}/{kit.pk}/").status_code == 200  # but may read them
    assert client.post(f"{base}/{kit.pk}/share/").status_code == 403
    client.logout()
    assert client.get(f"{base}/{kit.pk}/kit.pdf").status_code == 302
    from tests.factories import member

    stranger = member(foreign_group.organization, "sales", email="rep@globex.test")
    client.force_login(stranger)
    assert client.get(f"{base}/{kit.pk}/").status_code == 404
    assert client.get(f"{base}/{kit.pk}/kit.pdf").status_code == 404
    assert client.post(f"{base}/{kit.pk}/share/").status_code == 404
    assert not KitDownload.objects.filter(user=stranger).exists()


def test_build_kit_command_writes_the_zip(kit_group, tmp_path, capsys):
    out = tmp_path / "kit.zip"
    call_command("build_kit", str(kit_group.pk), "--out", str(out))
    assert zipfile.is_zipfile(out)
    assert "kit v1" in capsys.readouterr().out


def test_a_revoked_link_names_the_rep_to_ask_for_a_new_one(client, sales_rep, kit_group):
    """A customer whose link stopped working can still reach the rep: name, email and
    phone (from the profile, as the kit showed them), and nothing of the kit itself."""
    sales_rep.phone = "+49 30 1234 567"
    sales_rep.save(update_fields=["phone"])
    kit = _ready_kit(client, sales_rep, kit_group)
    client.post(f"/groups/{kit_group.pk}/kits/{kit.pk}/share/", {"days": "7"})
    share = KitShare.objects.get()
    client.post(f"/groups/{kit_group.pk}/kits/{kit.pk}/shares/{share.pk}/revoke/")
    client.logout()
    html = client.get(f"/k/{kits.share_token(share)}/").content.decode()
    assert f"Ask {sales_rep.get_full_name()}, who sent it to you, for a new link" in html
    assert f'href="mailto:{sales_rep.email}"' in html
    assert 'href="tel:+49301234567"' in html
    assert kit.problem_statement not in html
