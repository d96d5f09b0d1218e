"""Adding and editing assets: validation, the sensitive-data check, files and downloads."""

import io
import re
import zipfile
from pathlib import Path

import pytest

from content.models import Asset, Theme
from content.services import asset_delete
from tests.content.factories import PDF_BYTES, asset_with_file

FORM = {
    "title": "Why pipelines fail",
    "kind": "article",
    "framing": "shared_problem",
    "level": "mass",
    "stage": "problem_identification",
    "themes": "uptime:2;cost-of-downtime",
    "summary": "How often data pipelines fail and what it costs.",
    "url": "https://acme.example/why",
    "slug": "",
}


def office_file(extra: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(extra, "<doc/>")
    return buffer.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in Path(media_root).rglob("*") if p.is_file()]


# --- Create and edit ------------------------------------------------------------------------


def test_marketer_adds_an_asset(client, marketer, org):
    client.force_login(marketer)
    response = client.post("/library/new/", FORM)
    asset = Asset.objects.get(organization=org)
    assert response.status_code == 303
    assert response.url == f"/library/{asset.pk}/"
    assert (asset.slug, asset.title, asset.themes) == (
        "why-pipelines-fail",
        "Why pipelines fail",
        {"uptime": 2.0, "cost-of-downtime": 1.0},
    )
    assert set(Theme.objects.filter(organization=org).values_list("slug", flat=True)) == {
        "uptime",
        "cost-of-downtime",
    }
    assert (
        "Why pipelines fail was added to the library." in client.get(response.url).content.decode()
    )


def test_errors_keep_what_was_typed(client, marketer, org):
    client.force_login(marketer)
    bad = {**FORM, "title": "", "themes": "uptime:0", "url": "ftp://nope", "summary": "Keep me"}
    response = client.post("/library/new/", bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Asset.objects.exists()
    assert "This field is required." in html
    assert 'id="id_themes_error"' in html and 'id="id_url_error"' in html
    assert 'value="uptime:0"' in html and "Keep me</textarea>" in html
    assert '<option value="mass" selected>' in html


def test_a_slug_can_be_given_and_must_be_unique(client, marketer, org, asset):
    client.force_login(marketer)
    response = client.post("/library/new/", {**FORM, "slug": "Downtime Calculator"})
    assert "Another asset already uses the slug downtime-calculator." in response.content.decode()
    assert Asset.objects.filter(organization=org).count() == 1
    client.post("/library/new/", {**FORM, "slug": "Pipelines 101"})
    assert Asset.objects.filter(organization=org, slug="pipelines-101").exists()


def test_two_assets_with_one_title_get_distinct_slugs(client, marketer, org):
    client.force_login(marketer)
    client.post("/library/new/", FORM)
    client.post("/library/new/", FORM)
    assert sorted(Asset.objects.values_list("slug", flat=True)) == [
        "why-pipelines-fail",
        "why-pipelines-fail-2",
    ]


def test_marketer_edits_an_asset(client, marketer, asset):
    client.force_login(marketer)
    page = client.get(f"/library/{asset.pk}/edit/").content.decode()
    assert 'value="Cost of downtime calculator"' in page and 'value="cost-of-downtime:2"' in page
    data = {**FORM, "title": "Downtime calculator v2", "slug": asset.slug, "themes": "security"}
    response = client.post(f"/library/{asset.pk}/edit/", data)
    assert response.status_code == 303
    asset.refresh_from_db()
    assert (asset.title, asset.themes, asset.slug) == (
        "Downtime calculator v2",
        {"security": 1.0},
        "downtime-calculator",
    )


def test_an_edit_with_errors_changes_nothing(client, marketer, asset):
    client.force_login(marketer)
    response = client.post(f"/library/{asset.pk}/edit/", {**FORM, "kind": "poem"})
    assert "Select a valid choice." in response.content.decode()
    asset.refresh_from_db()
    assert asset.title == "Cost of downtime calculator"


def test_delete_removes_the_asset(client, marketer, asset):
    client.force_login(marketer)
    response = client.post(f"/library/{asset.pk}/delete/")
    assert response.status_code == 303 and response.url == "/library/"
    assert not Asset.objects.filter(pk=asset.pk).exists()


# --- The sensitive-data check ---------------------------------------------------------------

SENSITIVE = {**FORM, "summary": "For the CFO, who is going through a divorce and has cancer."}


def test_sensitive_text_is_not_saved_until_confirmed(client, marketer, org):
    client.force_login(marketer)
    first = client.post("/library/new/", SENSITIVE)
    html = first.content.decode()
    assert first.status_code == 200
    assert not Asset.objects.exists()
    assert "Check this text before saving" in html
    assert "“divorce” may be about family or marital status." in html
    assert "“cancer” may be about a health or medical condition." in html
    assert "I have checked this text and want to save it" in html
    signature = re.search(r'name="sensitive_signature" value="([0-9a-f]+)"', html).group(1)

    confirmed = {**SENSITIVE, "confirm_sensitive": "on", "sensitive_signature": signature}
    second = client.post("/library/new/", confirmed)

    assert second.status_code == 303
    assert Asset.objects.get(organization=org).summary == SENSITIVE["summary"]


def test_ticking_the_box_without_the_warning_saves_nothing(client, marketer):
    client.force_login(marketer)
    response = client.post("/library/new/", {**SENSITIVE, "confirm_sensitive": "on"})
    assert (
        response.status_code == 200 and "Check this text before saving" in response.content.decode()
    )
    assert not Asset.objects.exists()


def test_new_sensitive_words_need_a_new_confirmation(client, marketer):
    client.force_login(marketer)
    html = client.post("/library/new/", SENSITIVE).content.decode()
    signature = re.search(r'name="sensitive_signature" value="([0-9a-f]+)"', html).group(1)
    changed = {
        **SENSITIVE,
        "summary": SENSITIVE["summary"] + " He is also a union member.",
        "confirm_sensitive": "on",
        "sensitive_signature": signature,
    }
    response = client.post("/library/new/", changed)
    assert "“union member” may be about trade-union membership." in response.content.decode()
    assert not Asset.objects.exists()


def test_ordinary_copy_saves_without_a_warning(client, marketer):
    client.force_login(marketer)
    text = "Run a health check of your platform: technical debt and the cost of downtime."
    response = client.post("/library/new/", {**FORM, "summary": text})
    assert response.status_code == 303


def test_the_check_runs_on_edit_too(client, marketer, asset):
    client.force_login(marketer)
    response = client.post(
        f"/library/{asset.pk}/edit/", {**FORM, "slug": asset.slug, "title": "Pregnant CFO guide"}
    )
    assert "“Pregnant” may be about pregnancy or maternity." in response.content.decode()
    asset.refresh_from_db()
    assert asset.title == "Cost of downtime calculator"


# --- Files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "file_type"),
    [
        ("Q3 report (final).pdf", PDF_BYTES, "pdf"),
        ("deck.pptx", office_file("ppt/presentation.xml"), "pptx"),
        ("brief.docx", office_file(), "docx"),
        ("model.xlsx", office_file("xl/workbook.xml"), "xlsx"),
        ("chart.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "jpeg"),
        ("notes.txt", "Café notes, plain text\n".encode(), "txt"),
        ("data.csv", b"a,b\n1,2\n", "csv"),
    ],
)
def test_allowed_files_are_attached(client, marketer, org, media_root, name, data, file_type):
    client.force_login(marketer)
    response = client.post("/library/new/", {**FORM, "upload": upload(name, data)})
    assert response.status_code == 303
    asset = Asset.objects.get(organization=org)
    assert (asset.file_type, asset.file_size) == (file_type, len(data))
    parts = asset.file.name.split("/")
    assert parts[:2] == ["assets", str(org.pk)] and re.fullmatch(r"[0-9a-f]{32}", parts[2])
    assert (Path(media_root) / asset.file.name).read_bytes() == data
    if name.startswith("Q3"):
        assert asset.file_name == "Q3_report_final.pdf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "tool.exe is not a file type the library keeps."),
        ("page.html", b"<html></html>", "page.html is not a file type the library keeps."),
        ("noext", b"%PDF-1.7", "noext is not a file type the library keeps."),
        ("report.pdf", b"MZ\x90\x00 an executable", "report.pdf does not look like a PDF file"),
        ("deck.pptx", b"PK\x03\x04 not really a zip", "deck.pptx does not look like a PowerPoint"),
        ("deck.docx", b"%PDF-1.7", "deck.docx does not look like a Word file"),
        ("image.png", b"\xff\xd8\xff\xe0 a jpeg", "image.png does not look like a PNG image"),
        ("notes.txt", b"\x00\x01binary", "notes.txt does not look like a Text file"),
        ("list.csv", b"caf\xe9,latin-1\n", "list.csv does not look like a CSV file"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_refused_files_save_nothing(client, marketer, media_root, name, data, message):
    client.force_login(marketer)
    response = client.post("/library/new/", {**FORM, "upload": upload(name, data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Your file was not saved yet: choose it again before saving." in html
    assert not Asset.objects.exists()
    assert stored_files(media_root) == []


def test_a_zip_renamed_to_docx_is_refused(client, marketer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "alert(1)")
    client.force_login(marketer)
    response = client.post("/library/new/", {**FORM, "upload": upload("x.docx", buffer.getvalue())})
    assert "x.docx does not look like a Word file" in response.content.decode()
    assert not Asset.objects.exists()


def test_a_file_over_the_limit_is_refused(client, marketer, settings):
    settings.ASSET_FILE_MAX_BYTES = 1000
    client.force_login(marketer)
    data = PDF_BYTES.ljust(2048, b"0")
    response = client.post("/library/new/", {**FORM, "upload": upload("big.pdf", data)})
    assert "big.pdf is 2 KB; files can be up to 1000 bytes." in response.content.decode()
    assert not Asset.objects.exists()


def test_the_default_limit_is_20_mb(settings):
    from content.uploads import max_bytes

    assert settings.ASSET_FILE_MAX_BYTES == max_bytes() == 20 * 1024 * 1024


def test_replacing_the_file_deletes_the_old_one_on_commit(
    client, marketer, org, media_root, django_capture_on_commit_callbacks
):
    asset = asset_with_file(org, name="old.pdf")
    old = Path(media_root) / asset.file.name
    client.force_login(marketer)
    data = {**FORM, "slug": asset.slug, "upload": upload("new.pdf", PDF_BYTES + b"new")}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/library/{asset.pk}/edit/", data)
        assert old.exists()  # nothing is deleted before the change commits
    for callback in callbacks:
        callback()
    asset.refresh_from_db()
    assert asset.file_name == "new.pdf"
    assert not old.exists()
    assert stored_files(media_root) == [Path(media_root) / asset.file.name]


def test_remove_file_drops_it(
    client, marketer, org, media_root, django_capture_on_commit_callbacks
):
    asset = asset_with_file(org)
    client.force_login(marketer)
    assert "Remove the attached file" in client.get(f"/library/{asset.pk}/edit/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/library/{asset.pk}/edit/", {**FORM, "slug": asset.slug, "remove_file": "on"})
    asset.refresh_from_db()
    assert (asset.file.name, asset.file_name, asset.file_size, asset.file_type) == ("", "", 0, "")
    assert stored_files(media_root) == []


def test_an_edit_without_a_new_file_keeps_the_old_one(client, marketer, org, media_root):
    asset = asset_with_file(org)
    name = asset.file.name
    client.force_login(marketer)
    client.post(f"/library/{asset.pk}/edit/", {**FORM, "slug": asset.slug})
    asset.refresh_from_db()
    assert asset.file.name == name and (Path(media_root) / name).exists()


def test_deleting_the_asset_deletes_its_file(
    client, marketer, org, media_root, django_capture_on_commit_callbacks
):
    asset = asset_with_file(org)
    client.force_login(marketer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/library/{asset.pk}/delete/")
    assert stored_files(media_root) == []


def test_a_rolled_back_delete_keeps_the_file(org, media_root):
    from django.db import transaction

    asset = asset_with_file(org)
    pk, path = asset.pk, Path(media_root) / asset.file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        asset_delete(asset=asset)
        raise RuntimeError("something later failed")
    assert path.exists() and Asset.objects.filter(pk=pk).exists()


# --- Downloads ------------------------------------------------------------------------------


def test_members_download_the_file_as_an_attachment(client, sales_rep, org):
    asset = asset_with_file(org, name="Q3 report.pdf")
    client.force_login(sales_rep)
    response = client.get(f"/library/{asset.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Q3_report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "no-store" in response["Cache-Control"]


def test_another_organization_cannot_download(client, other_org_marketer, org):
    asset = asset_with_file(org)
    client.force_login(other_org_marketer)
    assert client.get(f"/library/{asset.pk}/file/").status_code == 404


def test_anonymous_download_goes_to_login(client, org):
    asset = asset_with_file(org)
    response = client.get(f"/library/{asset.pk}/file/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_an_asset_without_a_file_has_no_download(client, marketer, asset):
    client.force_login(marketer)
    assert client.get(f"/library/{asset.pk}/file/").status_code == 404


def test_the_asset_page_links_the_download(client, marketer, org):
    asset = asset_with_file(org, name="deck.pdf")
    client.force_login(marketer)
    html = client.get(f"/library/{asset.pk}/").content.decode()
    assert f'href="/library/{asset.pk}/file/"' in html and "Download PDF" in html
    assert "deck.pdf" in html
    listing = client.get("/library/").content.decode()
    assert "File attached:</span> PDF" in listing


def test_media_files_are_not_served_publicly(client, marketer, org):
    asset = asset_with_file(org)
    client.force_login(marketer)
    assert client.get(f"/media/{asset.file.name}").status_code == 404
    assert client.get(f"/{asset.file.name}").status_code == 404


def test_service_refuses_a_spoofed_file_too(org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        asset_with_file(org, name="x.pdf", data=b"MZ not a pdf")
    assert "x.pdf does not look like a PDF file" in str(error.value)
    assert not Asset.objects.exists()
