"""The content library file."""

import ast
from pathlib import Path

import content.csv_schemas as schemas
from content.csv_schemas import (
    FRAMING_CHOICES,
    KIND_CHOICES,
    LEVEL_CHOICES,
    STAGE_CHOICES,
    AssetRow,
    parse_assets,
)
from csvio.reader import read_table_from_text

HEADER = "slug,title,kind,framing,level,stage,themes,url,summary\n"


def parse(body: str, header: str = HEADER):
    return parse_assets(read_table_from_text(header + body))


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_choices_are_exactly_the_interface_values():
    assert [v for v, _ in KIND_CHOICES] == [
        "article", "case_study", "calculator", "checklist", "webinar", "deck", "email", "other",
    ]  # fmt: skip
    assert [v for v, _ in FRAMING_CHOICES] == ["shared_problem", "solution", "individual"]
    assert [v for v, _ in LEVEL_CHOICES] == ["mass", "mass_customized", "individualized"]
    assert [v for v, _ in STAGE_CHOICES] == [
        "problem_identification",
        "solution_exploration",
        "requirements_building",
        "supplier_selection",
        "validation",
        "consensus_creation",
    ]


def test_a_valid_library():
    result = parse(
        "downtime-study,The cost of downtime,case_study,shared_problem,mass,"
        "problem_identification,cost-of-downtime:3;safety,https://example.com/study,"
        '"Plants lose 5% a year, on average"\n'
        "ROI Calculator,ROI calculator,Calculator,Solution,Mass Customized,"
        "Supplier Selection,roi,,\n"
    )
    assert result.ok, messages(result.problems)
    assert result.rows[0] == AssetRow(
        line=2,
        slug="downtime-study",
        title="The cost of downtime",
        kind="case_study",
        framing="shared_problem",
        level="mass",
        stage="problem_identification",
        themes={"cost-of-downtime": 3.0, "safety": 1.0},
        url="https://example.com/study",
        summary="Plants lose 5% a year, on average",
    )
    second = result.rows[1]
    assert (second.slug, second.kind, second.level, second.stage, second.url) == (
        "roi-calculator",
        "calculator",
        "mass_customized",
        "supplier_selection",
        "",
    )


def test_spellings_with_spaces_dashes_and_british_forms():
    result = parse(
        "a,A,Case study,shared-problem,mass-customised,consensus creation,x,,\n"
        "b,B,CASE-STUDY,Shared Problem,Individualised,Requirements-Building,x,,\n"
    )
    assert result.ok, messages(result.problems)
    assert [(r.kind, r.framing, r.level, r.stage) for r in result.rows] == [
        ("case_study", "shared_problem", "mass_customized", "consensus_creation"),
        ("case_study", "shared_problem", "individualized", "requirements_building"),
    ]


def test_every_problem_is_reported():
    result = parse(
        "roi,ROI,calculator,solution,mass,validation,roi,,\n"
        "ROI,,blog,,mass,somewhere,roi:0,javascript:alert(1),\n"
        "a/b,Thing,deck,solution,mass,validation,,,\n"
    )
    assert [(p.line, p.column) for p in result.problems] == [
        (3, "slug"),
        (3, "title"),
        (3, "kind"),
        (3, "framing"),
        (3, "stage"),
        (3, "themes"),
        (3, "url"),
        (4, "slug"),
    ]
    assert str(result.problems[0]) == (
        "Line 3, column slug: the slug roi is already on line 2; each asset needs its own slug."
    )
    assert str(result.problems[2]) == (
        "Line 3, column kind: must be a kind: article, case_study, calculator, checklist, "
        "webinar, deck, email or other (got 'blog')."
    )
    assert [r.slug for r in result.rows] == ["roi"]


def test_missing_columns_and_extra_columns():
    result = parse("", header="Slug,Title,Owner,Kind\n")
    assert messages(result.problems) == [
        "Line 1: the columns framing, level and stage are missing; "
        "the columns found are Slug, Title, Owner, Kind."
    ]
    result = parse("a,A,other,solution,mass,validation,x,,,Maya\n", header=HEADER[:-1] + ",Owner\n")
    assert result.ok


def test_asset_without_themes_is_accepted_with_a_warning():
    result = parse("a,A,other,solution,mass,validation,,,\n")
    assert result.ok
    assert [(p.line, p.column) for p in result.warnings] == [(2, "themes")]


def test_content_never_imports_planner():
    tree = ast.parse(Path(schemas.__file__).read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in modules if m and (m.startswith("planner") or m.startswith("django"))}
