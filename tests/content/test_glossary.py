"""The glossary: the organization's common language."""

import pytest
from django.db import IntegrityError

from content.models import GlossaryTerm
from tests.content.factories import GlossaryTermFactory, ThemeFactory


def test_the_glossary_lists_terms_with_their_themes(client, sales_rep, term, foreign_term):
    client.force_login(sales_rep)
    html = client.get("/library/glossary/").content.decode()
    assert "<h3>Downtime</h3>" in html
    assert "Any hour the platform cannot serve the business." in html
    assert 'href="/library/?theme=cost-of-downtime">Cost of downtime</a>' in html
    assert "Synergy" not in html


def test_an_empty_glossary_explains_itself(client, marketer):
    client.force_login(marketer)
    html = client.get("/library/glossary/").content.decode()
    assert "No terms yet" in html and "Add a term" in html


def test_search_finds_terms_and_definitions(client, marketer, org, term):
    GlossaryTermFactory(organization=org, term="Time to insight", definition="Question to answer.")
    client.force_login(marketer)
    html = client.get("/library/glossary/", {"q": "serve the business"}).content.decode()
    assert "<h3>Downtime</h3>" in html and "Time to insight" not in html
    assert (
        "No term matches “zzz”" in client.get("/library/glossary/", {"q": "zzz"}).content.decode()
    )


def test_marketer_adds_a_term_with_themes(client, marketer, org, downtime, security):
    client.force_login(marketer)
    response = client.post(
        "/library/glossary/",
        {
            "term": "  Total   cost ",
            "definition": "Licences, staff and downtime.",
            "themes": [downtime.pk],
        },
    )
    assert response.status_code == 303 and response.url == "/library/glossary/"
    term = GlossaryTerm.objects.get(organization=org)
    assert term.term == "Total cost"
    assert list(term.themes.all()) == [downtime]


def test_a_term_is_unique_whatever_its_case(client, marketer, org, term):
    client.force_login(marketer)
    response = client.post("/library/glossary/", {"term": "DOWNTIME", "definition": "Again"})
    html = response.content.decode()
    assert response.status_code == 400  # a form with errors is a 4xx
    assert "“DOWNTIME” is already in the glossary." in html
    assert 'value="DOWNTIME"' in html and "Again</textarea>" in html
    assert GlossaryTerm.objects.filter(organization=org).count() == 1


def test_the_database_refuses_a_duplicate_too(org, term):
    with pytest.raises(IntegrityError):
        GlossaryTerm.objects.create(organization=org, term="dOwNtImE", definition="x")


def test_another_organization_may_use_the_same_word(client, other_org_marketer, term):
    client.force_login(other_org_marketer)
    client.post("/library/glossary/", {"term": "Downtime", "definition": "Theirs."})
    assert GlossaryTerm.objects.filter(term="Downtime").count() == 2


def test_a_term_needs_a_definition(client, marketer):
    client.force_login(marketer)
    html = client.post("/library/glossary/", {"term": "Uptime"}).content.decode()
    assert "This field is required." in html and not GlossaryTerm.objects.exists()


def test_themes_of_another_organization_cannot_be_linked(client, marketer, other_org):
    theirs = ThemeFactory(organization=other_org, slug="secret")
    client.force_login(marketer)
    response = client.post(
        "/library/glossary/", {"term": "Uptime", "definition": "Up.", "themes": [theirs.pk]}
    )
    assert "Select a valid choice." in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_marketer_edits_a_term(client, marketer, term, security):
    client.force_login(marketer)
    page = client.get(f"/library/glossary/{term.pk}/edit/").content.decode()
    assert 'value="Downtime"' in page
    response = client.post(
        f"/library/glossary/{term.pk}/edit/",
        {"term": "downtime", "definition": "New words.", "themes": [security.pk]},
    )
    assert response.status_code == 303
    term.refresh_from_db()
    assert (term.term, term.definition) == ("downtime", "New words.")
    assert list(term.themes.all()) == [security]


def test_renaming_onto_another_term_is_refused(client, marketer, org, term):
    other = GlossaryTermFactory(organization=org, term="Uptime")
    client.force_login(marketer)
    response = client.post(
        f"/library/glossary/{other.pk}/edit/", {"term": "Downtime", "definition": "x"}
    )
    assert "“Downtime” is already in the glossary." in response.content.decode()
    other.refresh_from_db()
    assert other.term == "Uptime"


def test_marketer_deletes_a_term(client, marketer, term):
    client.force_login(marketer)
    response = client.post(f"/library/glossary/{term.pk}/delete/")
    assert response.status_code == 303
    assert not GlossaryTerm.objects.exists()
    assert "“Downtime” was removed from the glossary." in client.get(response.url).content.decode()
