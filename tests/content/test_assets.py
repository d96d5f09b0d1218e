"""The content library: the `import_assets` command and `content.importing` behind it."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from content.importing import asset_import_apply, asset_import_plan
from content.models import Asset, Theme

DEMO_LIBRARY = Path(__file__).resolve().parents[2] / "content" / "demo" / "library.csv"
HEADER = "slug,title,kind,framing,level,stage,themes,url,summary\n"
LIBRARY = (
    HEADER + "downtime-cost,The true cost of unplanned downtime,article,shared_problem,"
    "mass_customized,problem_identification,cost-of-downtime:3;uptime,"
    "https://example.com/library/downtime-cost,What an hour of downtime costs\n"
    + "cfo-one-pager,CFO one-pager,deck,individual,individualized,supplier_selection,"
    "total-cost:2,,\n"
)


def write(tmp_path: Path, text: str, name: str = "library.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assets", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_creates_assets_and_reimporting_changes_nothing(org, tmp_path):
    path = write(tmp_path, LIBRARY)
    out, _ = run("--org", org.slug, path)
    assert out.strip() == "created 2, updated 0, unchanged 0"
    asset = Asset.objects.get(organization=org, slug="downtime-cost")
    assert (asset.title, asset.kind, asset.framing, asset.level, asset.stage) == (
        "The true cost of unplanned downtime",
        "article",
        "shared_problem",
        "mass_customized",
        "problem_identification",
    )
    assert asset.themes == {"cost-of-downtime": 3.0, "uptime": 1.0}
    assert asset.url == "https://example.com/library/downtime-cost"
    before = list(Asset.objects.order_by("pk").values_list("pk", "updated_at"))

    out, _ = run("--org", org.slug, path)

    assert out.strip() == "created 0, updated 0, unchanged 2"
    assert list(Asset.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_a_changed_row_updates_only_that_asset(org, tmp_path):
    run("--org", org.slug, write(tmp_path, LIBRARY))
    untouched = Asset.objects.get(slug="cfo-one-pager").updated_at
    changed = LIBRARY.replace("cost-of-downtime:3;uptime", "cost-of-downtime:3;risk:2")

    out, _ = run("--org", org.slug, write(tmp_path, changed, "v2.csv"))

    assert out.strip() == "created 0, updated 1, unchanged 1"
    assert Asset.objects.get(slug="downtime-cost").themes == {"cost-of-downtime": 3.0, "risk": 2.0}
    assert Asset.objects.get(slug="cfo-one-pager").updated_at == untouched


def test_plan_names_what_would_change_and_writes_nothing(org):
    Asset.objects.create(organization=org, slug="downtime-cost", title="Old title", kind="deck")

    plan = asset_import_plan(organization=org, data=LIBRARY.encode(), name="lib.csv")

    assert plan.ok
    actions = {a.label: (a.action, a.changes) for a in plan.actions}
    assert actions["cfo-one-pager"] == ("create", ())
    assert actions["downtime-cost"][0] == "update"
    assert {"title", "kind", "themes"} <= set(actions["downtime-cost"][1])
    assert plan.new_themes == ["cost-of-downtime", "total-cost", "uptime"]
    assert Asset.objects.filter(organization=org).count() == 1
    assert not Theme.objects.exists()


def test_a_file_without_a_summary_column_keeps_existing_summaries(org, tmp_path):
    run("--org", org.slug, write(tmp_path, LIBRARY))
    short = (
        "slug,title,kind,framing,level,stage\n"
        "downtime-cost,The true cost of unplanned downtime,article,shared_problem,"
        "mass_customized,problem_identification\n"
    )
    out, _ = run("--org", org.slug, write(tmp_path, short, "short.csv"))
    assert out.strip() == "created 0, updated 0, unchanged 1"
    asset = Asset.objects.get(slug="downtime-cost")
    assert asset.summary == "What an hour of downtime costs"
    assert asset.themes == {"cost-of-downtime": 3.0, "uptime": 1.0}


def test_a_bad_row_refuses_the_whole_file_and_writes_nothing(org, tmp_path):
    bad = LIBRARY + "roi,ROI calculator,spreadsheet,shared_problem,mass,validation,total-cost,,\n"
    path = write(tmp_path, bad)

    with pytest.raises(CommandError) as raised:
        run("--org", org.slug, path)

    message = str(raised.value)
    assert "\n" not in message
    assert "library.csv: Line 4, column kind" in message
    assert "spreadsheet" in message
    assert message.endswith("nothing was imported")
    assert not Asset.objects.exists()
    assert not Theme.objects.exists()


def test_several_problems_are_counted_in_the_one_line_reason(org, tmp_path):
    bad = LIBRARY + "a,A,article,sideways,mass,validation,,,\nb,B,article,solution,huge,x,,,\n"
    with pytest.raises(CommandError, match=r"more problems\); nothing was imported$"):
        run("--org", org.slug, write(tmp_path, bad))
    assert not Asset.objects.exists()


def test_a_plan_with_problems_cannot_be_applied(org):
    plan = asset_import_plan(organization=org, data=b"slug,title\nx,X\n")
    assert not plan.ok
    with pytest.raises(ValueError):
        asset_import_apply(organization=org, plan=plan)
    assert not Asset.objects.exists()


def test_unknown_organization_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no organization with slug 'nope'"):
        run("--org", "nope", write(tmp_path, LIBRARY))
    assert not Asset.objects.exists()


def test_missing_file_is_refused(org, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("--org", org.slug, str(tmp_path / "missing.csv"))


def test_json_format_prints_exactly_one_document(org, tmp_path):
    path = write(tmp_path, LIBRARY)
    out, _ = run("--org", org.slug, "--format", "json", path)
    assert json.loads(out) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "assets": ["downtime-cost", "cfo-one-pager"],
    }
    out, _ = run("--org", org.slug, "--format", "json", path)
    assert json.loads(out)["unchanged"] == 2


def test_themes_are_created_on_the_fly_in_that_organization_only(org, other_org, tmp_path):
    Theme.objects.create(organization=org, slug="uptime", name="Uptime (ours)")

    run("--org", org.slug, write(tmp_path, LIBRARY))

    assert set(Theme.objects.filter(organization=org).values_list("slug", flat=True)) == {
        "cost-of-downtime",
        "uptime",
        "total-cost",
    }
    assert Theme.objects.get(organization=org, slug="uptime").name == "Uptime (ours)"
    assert Theme.objects.get(organization=org, slug="total-cost").name == "Total cost"
    assert not Theme.objects.filter(organization=other_org).exists()


def test_same_slug_in_another_organization_does_not_clash(org, other_org, tmp_path):
    theirs = Asset.objects.create(
        organization=other_org, slug="downtime-cost", title="Globex's own", kind="email"
    )

    out, _ = run("--org", org.slug, write(tmp_path, LIBRARY))

    assert out.strip() == "created 2, updated 0, unchanged 0"
    theirs.refresh_from_db()
    assert (theirs.title, theirs.kind) == ("Globex's own", "email")
    assert Asset.objects.filter(slug="downtime-cost").count() == 2


def test_the_demo_library_imports_cleanly(org):
    out, err = run("--org", org.slug, str(DEMO_LIBRARY))
    count = Asset.objects.filter(organization=org).count()
    assert count >= 12
    assert out.strip() == f"created {count}, updated 0, unchanged 0"
    assert "warning" not in err
    framings = set(Asset.objects.values_list("framing", flat=True))
    levels = set(Asset.objects.values_list("level", flat=True))
    assert framings == {"shared_problem", "solution", "individual"}
    assert levels == {"mass", "mass_customized", "individualized"}
    themes = set(Theme.objects.filter(organization=org).values_list("slug", flat=True))
    assert {
        "cost-of-downtime",
        "total-cost",
        "uptime",
        "security",
        "compliance",
        "ease-of-use",
        "integration",
        "time-to-insight",
    } <= themes
