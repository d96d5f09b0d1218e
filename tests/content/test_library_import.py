"""Importing the library from a CSV in the browser: upload, preview, confirm."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from content.models import Asset, PendingAssetImport, Theme

HEADER = "slug,title,kind,framing,level,stage,themes,url,summary\n"
LIBRARY = (
    HEADER + "downtime-cost,The true cost of downtime,article,shared_problem,mass_customized,"
    "problem_identification,cost-of-downtime:3;uptime,,What an hour costs\n"
    + "cfo-one-pager,CFO one-pager,deck,individual,individualized,supplier_selection,"
    "total-cost:2,,\n"
)


def csv_file(text: str, name: str = "library.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def preview(client, text: str, name: str = "library.csv"):
    return client.post("/library/import/", {"file": csv_file(text, name)})


def confirm_path(html: str) -> str:
    return re.search(r'action="(/library/import/\d+/confirm/)"', html).group(1)


def test_preview_shows_what_would_happen_and_writes_nothing(client, marketer, org):
    client.force_login(marketer)
    html = preview(client, LIBRARY).content.decode()
    assert "Preview of library.csv: nothing is saved yet" in html
    assert "Created 2, updated 0, unchanged 0." in html
    assert "New themes: cost-of-downtime, total-cost, uptime." in html
    assert 'downtime-cost</span><span class="action action--create">new' in html
    assert "Worth a look" not in html
    assert not Asset.objects.exists() and not Theme.objects.exists()


def test_confirm_imports_everything_and_reimport_changes_nothing(client, marketer, org):
    client.force_login(marketer)
    response = client.post(confirm_path(preview(client, LIBRARY).content.decode()))
    assert response.status_code == 303 and response.url == "/library/"
    assert set(Asset.objects.filter(organization=org).values_list("slug", flat=True)) == {
        "downtime-cost",
        "cfo-one-pager",
    }
    assert not PendingAssetImport.objects.exists()
    assert (
        "Imported library.csv: created 2, updated 0, unchanged 0."
        in client.get("/library/").content.decode()
    )
    before = list(Asset.objects.order_by("pk").values_list("pk", "updated_at"))

    again = preview(client, LIBRARY).content.decode()

    assert "Created 0, updated 0, unchanged 2." in again
    assert "importing changes nothing" in again
    assert "Import into the library</button>" not in again
    client.post(confirm_path(again))
    assert list(Asset.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_a_changed_row_is_previewed_as_an_update(client, marketer, org):
    client.force_login(marketer)
    client.post(confirm_path(preview(client, LIBRARY).content.decode()))
    html = preview(client, LIBRARY.replace("CFO one-pager", "CFO one-pager v2")).content.decode()
    assert "Created 0, updated 1, unchanged 1." in html
    assert "update: title" in html


def test_problems_refuse_the_whole_file_with_line_and_column(client, marketer, org):
    bad = LIBRARY + "third,Third,poem,shared_problem,mass,validation,,,\n"
    bad = bad.replace("individualized,supplier_selection", "individualized,nowhere")
    client.force_login(marketer)
    html = preview(client, bad).content.decode()
    assert "Nothing was imported: 2 problems to fix" in html
    assert "library.csv: Line 3, column stage: must be a stage" in html
    assert "library.csv: Line 4, column kind: must be a kind" in html
    assert "/confirm/" not in html
    assert not Asset.objects.exists() and not PendingAssetImport.objects.exists()


def test_warnings_are_shown_without_blocking(client, marketer, org):
    text = HEADER + (
        "vip-note,Note for the CFO after her divorce,email,individual,individualized,"
        "validation,,,\n"
    )
    client.force_login(marketer)
    html = preview(client, text).content.decode()
    assert "Worth a look (2)" in html
    assert "Line 2, column themes: is empty" in html
    assert "Line 2, column title: mentions “divorce”" in html
    assert "Import into the library</button>" in html


def test_a_file_that_is_not_csv_is_refused(client, marketer):
    client.force_login(marketer)
    response = client.post(
        "/library/import/", {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad")}
    )
    assert "Nothing was imported" in response.content.decode()
    assert not PendingAssetImport.objects.exists()


def test_no_file_chosen_says_so(client, marketer):
    client.force_login(marketer)
    assert "Choose a CSV file to import." in client.post("/library/import/").content.decode()


def test_the_demo_library_can_be_previewed_and_imported(client, marketer, org):
    client.force_login(marketer)
    html = client.post("/library/import/", {"demo": "on"}).content.decode()
    assert "Preview of library.csv" in html and "Worth a look" not in html
    client.post(confirm_path(html))
    assert Asset.objects.filter(organization=org).count() >= 12


def test_confirm_replans_against_the_library_as_it_is_now(client, marketer, org):
    client.force_login(marketer)
    path = confirm_path(preview(client, LIBRARY).content.decode())
    Asset.objects.create(organization=org, slug="downtime-cost", title="Made meanwhile")
    client.post(path)
    assert Asset.objects.get(slug="downtime-cost").title == "The true cost of downtime"
    assert Asset.objects.filter(organization=org).count() == 2


def test_a_newer_upload_replaces_the_pending_one(client, marketer):
    client.force_login(marketer)
    first = confirm_path(preview(client, LIBRARY).content.decode())
    preview(client, LIBRARY)
    assert PendingAssetImport.objects.count() == 1
    assert client.post(first).status_code == 404
