"""Issue 15, item 10: "1 person", mirrored relationships, the import preview's names."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from charts.svg import HeatRow, ThemeCol, render_heatmap
from planner import services
from planner.models import Relationship, Stakeholder
from tests.factories import group_of

pytestmark = pytest.mark.django_db


def test_one_member_reads_one_person(client, marketer, org):
    group_of(org, 1, name="Solo deal")
    client.force_login(marketer)
    dashboard = client.get("/").content.decode()
    group_page = client.get(org.buying_groups.get().get_absolute_url()).content.decode()
    assert "1 people" not in dashboard and "1 people" not in group_page
    assert "1 person" in group_page


def test_a_mirrored_collaboration_is_refused_by_the_form(client, marketer, group):
    client.force_login(marketer)
    a, b = Stakeholder.objects.filter(group=group).order_by("name")[:2]
    assert Relationship.objects.filter(source=a, target=b, kind="collaborates").exists()
    before = Relationship.objects.count()
    page = client.post(
        f"/groups/{group.pk}/relationships/new/",
        {"tie-source": b.pk, "tie-kind": "collaborates", "tie-target": a.pk, "tie-strength": 3},
    )
    assert "already collaborates with" in page.content.decode()
    assert Relationship.objects.count() == before


def test_a_mirrored_conflict_is_refused_by_the_service_but_reports_to_is_not(group):
    first, *_, last = Stakeholder.objects.filter(group=group).order_by("name")
    with pytest.raises(ValidationError):
        services.relationship_create(group=group, source=last, target=first, kind="conflicts_with")
    # "A reports to B" and "B reports to A" are different statements (both may be entered).
    services.relationship_create(group=group, source=first, target=last, kind="reports_to")
    services.relationship_create(group=group, source=last, target=first, kind="reports_to")


def test_import_preview_shows_names_and_roles(client, marketer, group):
    client.force_login(marketer)
    csv = (
        "email,name,title,buying_role,influence,stance,priorities,outcome\n"
        "nia@buyer.example,Nia Okafor,Head of Data,Influencer,3,neutral,uptime:2,Latency\n"
    )
    page = client.post(
        f"/groups/{group.pk}/import/",
        {"stakeholders": SimpleUploadedFile("people.csv", csv.encode(), "text/csv")},
    ).content.decode()
    assert "Nia Okafor · Influencer · nia@buyer.example" in page


def test_formats_live_in_the_projects_own_docs_linked_from_the_import_pages(
    client, marketer, group, settings
):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "docs/formats.md" in readme
    client.force_login(marketer)
    for url in (f"/groups/{group.pk}/import/", "/library/import/"):
        assert 'href="/help/formats/"' in client.get(url).content.decode(), url
    guide = client.get("/help/formats/").content.decode()
    assert "source_email,target_email,kind,strength" in guide
    assert "analyze_group" in guide


def test_the_heatmap_legend_fits_inside_the_drawing():
    svg = render_heatmap(
        [HeatRow(key="a@x", label="Ann", sublabel="Champion", values={"roi": 1.0})],
        [ThemeCol(slug="roi", label="ROI", common=True)],
        title="t",
    )
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    last = re.findall(r'<text x="([\d.]+)"[^>]*>Not reached yet</text>', svg)[0]
    # "Not reached yet" at 11px is about 80px wide: it must end inside the drawing.
    assert float(last) + 80 <= width
