"""The library list (filters, search, sort, pagination, htmx fragment, empty states) and
the asset page."""

import re

import pytest

from tests.content.factories import AssetFactory, GlossaryTermFactory, ThemeFactory


def titles(html: str) -> list[str]:
    return re.findall(r'class="asset-row__title"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def library(org, downtime, security):
    AssetFactory(
        organization=org,
        slug="downtime-article",
        title="The true cost of downtime",
        themes={"cost-of-downtime": 3},
        summary="What an hour of outage costs finance.",
    )
    AssetFactory(
        organization=org,
        slug="security-checklist",
        title="Security checklist",
        kind="checklist",
        framing="solution",
        level="mass",
        stage="requirements_building",
        themes={"security": 2, "cost-of-downtime": 1},
    )
    AssetFactory(
        organization=org,
        slug="ciso-briefing",
        title="Briefing for the CISO",
        kind="email",
        framing="individual",
        level="individualized",
        stage="validation",
        themes={"security": 1},
    )


def test_the_list_shows_each_assets_placement(client, marketer, library):
    client.force_login(marketer)
    html = client.get("/library/").content.decode()
    assert titles(html) == [
        "Briefing for the CISO",
        "Security checklist",
        "The true cost of downtime",
    ]
    row = next(r for r in html.split('<li class="asset-row">') if "Security checklist" in r)
    assert "Checklist" in row and "Mass" in row and "Requirements building" in row
    assert 'class="framing framing--solution"' in row
    assert (
        '<li class="chip">Security</li>' in row and '<li class="chip">Cost of downtime</li>' in row
    )
    assert 'framing framing--shared_problem"' in html and "Shared problem" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "outage"}, ["The true cost of downtime"]),  # summary
        ({"q": "CHECKLIST"}, ["Security checklist"]),  # title, any case
        ({"q": "ciso-brief"}, ["Briefing for the CISO"]),  # slug
        ({"theme": "security"}, ["Briefing for the CISO", "Security checklist"]),
        ({"framing": "shared_problem"}, ["The true cost of downtime"]),
        ({"level": "individualized"}, ["Briefing for the CISO"]),
        ({"stage": "requirements_building"}, ["Security checklist"]),
        ({"theme": "cost-of-downtime", "framing": "solution"}, ["Security checklist"]),
        (
            {"framing": "nonsense"},
            ["Briefing for the CISO", "Security checklist", "The true cost of downtime"],
        ),
    ],
)
def test_filters_and_search(client, marketer, library, params, expected):
    client.force_login(marketer)
    assert titles(client.get("/library/", params).content.decode()) == expected


def test_the_theme_select_offers_the_organizations_themes_only(
    client, marketer, library, other_org
):
    ThemeFactory(organization=other_org, slug="secret-plans", name="Secret plans")
    client.force_login(marketer)
    html = client.get("/library/", {"theme": "security"}).content.decode()
    assert '<option value="security" selected>Security</option>' in html
    assert "Secret plans" not in html


def test_sort_by_title_or_newest(client, marketer, library, org):
    AssetFactory(organization=org, title="Zebra stripes explained")  # the newest
    client.force_login(marketer)
    by_title = titles(client.get("/library/", {"sort": "title"}).content.decode())
    newest = titles(client.get("/library/", {"sort": "newest"}).content.decode())
    assert by_title[0] == "Briefing for the CISO" and by_title[-1] == "Zebra stripes explained"
    assert newest == [
        "Zebra stripes explained",
        "Briefing for the CISO",
        "Security checklist",
        "The true cost of downtime",
    ]


def test_other_organizations_assets_never_show(client, marketer, library, foreign_asset):
    client.force_login(marketer)
    assert "Globex playbook" not in client.get("/library/", {"q": "playbook"}).content.decode()


def test_pagination_keeps_the_filters(client, marketer, org):
    for n in range(45):
        AssetFactory(organization=org, title=f"Guide {n:02d}", framing="solution")
    AssetFactory(organization=org, title="Guide shared", framing="shared_problem")
    client.force_login(marketer)
    first = client.get("/library/", {"framing": "solution", "q": "guide"}).content.decode()
    assert len(titles(first)) == 20
    assert "Page 1 of 3" in first
    assert 'href="?framing=solution&amp;q=guide&amp;page=2"' in first
    third = client.get("/library/", {"framing": "solution", "q": "guide", "page": 3})
    html = third.content.decode()
    assert titles(html) == [f"Guide {n:02d}" for n in range(40, 45)]
    assert "Guide shared" not in html
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_htmx_gets_only_the_results_fragment(client, marketer, library):
    client.force_login(marketer)
    response = client.get("/library/", {"q": "security"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="asset-results"')
    assert "<html" not in html and "asset-search" not in html
    assert titles(html) == ["Security checklist"]


def test_empty_library_invites_an_import(client, marketer):
    client.force_login(marketer)
    html = client.get("/library/").content.decode()
    assert "No assets yet" in html
    assert "Import the demo library CSV or add an asset" in html
    assert 'href="/library/import/"' in html and 'href="/library/new/"' in html


def test_no_match_offers_to_clear_the_search(client, marketer, library):
    client.force_login(marketer)
    html = client.get("/library/", {"q": "zebra"}).content.decode()
    assert "No asset matches “zebra”" in html
    assert '<a href="/library/">Clear the search and filters</a>' in html
    assert "No assets yet" not in html


def test_the_nav_marks_library_as_current(client, marketer, asset):
    client.force_login(marketer)
    for path in ("/library/", f"/library/{asset.pk}/", "/library/glossary/"):
        html = client.get(path).content.decode()
        assert re.search(r'<a href="/library/" aria-current="page">Library</a>', html), path
    assert 'aria-current="page">Library' not in client.get("/groups/").content.decode()


def test_asset_page_shows_what_the_library_knows(client, marketer, asset, term, security):
    GlossaryTermFactory(organization=asset.organization, term="Breach", themes=[security])
    client.force_login(marketer)
    html = client.get(f"/library/{asset.pk}/").content.decode()
    assert "<h1>Cost of downtime calculator</h1>" in html
    assert "Put one number on an hour of downtime." in html
    assert (
        '<a class="button" href="https://acme.example/calculator" rel="noopener noreferrer"' in html
    )
    assert 'href="/library/?theme=cost-of-downtime">Cost of downtime</a>' in html
    assert "Downtime</dt>" in html  # the glossary term linked to its theme
    assert "Breach" not in html  # a term of a theme the asset does not have
    assert "Download" not in html  # no file
    assert f'href="/library/{asset.pk}/edit/"' in html
