"""Issue 15, item 8 (part): the kit's glossary and its "why" lines belong to this group."""

import pytest

from content.models import GlossaryTerm, Theme
from kits import building, services
from scoring.analysis import analyze
from tests.content.factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_the_kit_glossary_leaves_out_terms_made_for_another_deals_themes(org, group):
    ours = GlossaryTerm.objects.create(organization=org, term="Line stop", definition="d")
    theirs = GlossaryTerm.objects.create(organization=org, term="Chip shortage", definition="d")
    ours.themes.add(Theme.objects.create(organization=org, slug="downtime", name="Downtime"))
    theirs.themes.add(Theme.objects.create(organization=org, slug="supply", name="Supply"))
    terms, links = building.glossary_terms(group, themes={"downtime"})
    assert [t.term for t in terms] == ["Line stop"]
    assert "supply" not in links


def test_two_assets_never_get_the_same_why(org, group):
    analysis = analyze(group)
    themes = {"downtime": 2, "security": 1}
    first = AssetFactory(organization=org, kind="article", themes=themes)
    second = AssetFactory(organization=org, kind="article", themes=themes, summary="A checklist")
    said: set[str] = set()
    whys = []
    for asset in (first, second):
        why = services._specific_why(asset, analysis, {}, [], {}, said)
        said.add(why)
        whys.append(why)
    assert whys[0] != whys[1], whys
