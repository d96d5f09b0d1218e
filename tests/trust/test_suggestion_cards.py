"""Issue 15, item 2: suggestions that do not contradict themselves."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from planner.models import Stakeholder, Touch
from tests.content.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(org, group):
    themes = {"cost-of-downtime": 2, "security": 1}
    everyone_has = AssetFactory(organization=org, title="Downtime primer", themes=themes)
    AssetFactory(organization=org, title="Risk briefing", themes={"security": 2})
    AssetFactory(organization=org, title="Uptime guide", themes={"cost-of-downtime": 1})
    AssetFactory(
        organization=org,
        title="Letter for the CFO",
        themes=themes,
        framing="individual",
        level="individualized",
    )
    when = timezone.now() - timedelta(days=3)
    for person in Stakeholder.objects.filter(group=group):
        Touch.objects.create(
            group=group, stakeholder=person, occurred_at=when, asset=everyone_has, themes=[]
        )
    return everyone_has


def _ranked(page: str) -> str:
    return page[page.index('<ol class="suggestions">') : page.index("</ol>")]


def test_assets_everyone_has_and_one_to_one_assets_are_not_ranked(client, marketer, group, library):
    client.force_login(marketer)
    page = client.get(f"/groups/{group.pk}/suggestions/").content.decode()
    ranked = _ranked(page)
    assert "Risk briefing" in ranked
    assert "Downtime primer" not in ranked
    assert "Letter for the CFO" not in ranked
    assert "Written for one person" not in page
    assert "Already sent to everyone you can contact" in page
    # Planning it is not offered either, even when ticked.
    what_if = client.get(
        f"/groups/{group.pk}/suggestions/", {"asset": library.slug}
    ).content.decode()
    assert "Plan this send" not in what_if


def test_a_sentence_every_card_shares_is_said_once(client, marketer, group, library):
    client.force_login(marketer)
    page = client.get(f"/groups/{group.pk}/suggestions/").content.decode()
    sentences = re.findall(r"<li>([^<]+)</li>", _ranked(page))
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert repeated == set()
    group_page = client.get(group.get_absolute_url()).content.decode()
    first = re.findall(r"<li>(Send it to [^<]+)</li>", group_page)
    assert len(first) <= 1


def _card(asset, first, why, *reasons):
    from suggestions.candidates import Suggestion

    return Suggestion(
        asset=asset,
        title=asset.title(),
        score=0.5,
        reasons=(*reasons, f"Send it to {first} first, because."),
        recipients=(first.lower(), "x"),
        send_first=first.lower(),
        first_name=first,
        first_why=why,
    )


def _plan(*cards):
    from suggestions.candidates import Plan

    return Plan(
        suggestions=cards,
        ranked=cards,
        divergence_before=0.5,
        divergence_after=0.2,
        readiness_before=40,
        readiness_after=60,
        warnings=(),
    )


def test_who_goes_first_is_said_once_per_person_and_each_card_keeps_its_own():
    from suggestions.cards import said_once

    fact = (
        "Covers Cost of downtime; Cost of downtime is the theme most of the group already "
        "cares about."
    )
    plan = _plan(
        _card("a", "Marta", "the forecast says so", fact, "Fits the job."),
        _card(
            "b",
            "Dana",
            "they link the sides",
            "Covers Security, a theme 48% of the group has heard or cares about.",
        ),
        _card("c", "Marta", "the forecast says so", fact, "Adds Risk."),
    )
    shown, lines = said_once(plan, shown="ranked")
    assert lines == (
        "Send 2 of these to Marta first: the forecast says so.",
        "Send the other one to Dana first: they link the sides.",
    )
    a, _b, c = shown.ranked
    assert a.reasons == (fact, "Fits the job.")
    assert c.reasons == ("Covers Cost of downtime.", "Adds Risk.")  # the fact was said on a
    assert [card.first_name for card in shown.ranked] == ["Marta", "Dana", "Marta"]
    assert not any(r.startswith("Send it") for card in shown.ranked for r in card.reasons)


def test_one_first_person_for_every_card_is_named_once_and_not_on_the_cards():
    from suggestions.cards import said_once

    plan = _plan(
        _card("a", "Dana", "they link the sides", "Covers ROI.", "Same line."),
        _card("b", "Dana", "they link the sides", "Covers Security.", "Same line."),
    )
    shown, lines = said_once(plan, shown="suggestions")
    assert lines == ("Send each to Dana first: they link the sides.", "Same line.")
    assert [(card.reasons, card.first_name) for card in shown.suggestions] == [
        (("Covers ROI.",), ""),
        (("Covers Security.",), ""),
    ]


def _cards_text(page: str, start: str) -> list[str]:
    section = page[page.index(start) :]
    section = section[section.index('<ol class="suggestions">') : section.index("</ol>")]
    return re.findall(r"<li>([^<]+)</li>", section)


@pytest.mark.parametrize("where", ["group", "suggestions"])
def test_no_card_repeats_whom_to_send_it_to_first(client, marketer, group, library, where):
    client.force_login(marketer)
    url = group.get_absolute_url() if where == "group" else f"/groups/{group.pk}/suggestions/"
    page = client.get(url).content.decode()
    start = 'id="suggest-title"' if where == "group" else 'id="ranked-title"'
    cards = _cards_text(page, start)
    assert cards and not [line for line in cards if "first" in line.lower()], cards
    shared = page[page.index('class="reasons reasons--shared"') :]
    shared = shared[: shared.index("</ul>")]
    said = re.findall(r"<li>(Send [^<]+ first[^<]*)</li>", shared)
    names = [re.search(r" to (.+?) first", line)[1] for line in said]
    assert said and len(names) == len(set(names))  # once per person
    assert page.count("recipients</span>") == 0  # the count is said once, not per card


def test_the_digest_says_whom_first_once_per_group(org, group, library):
    from suggestions.suggesting import top_suggestion

    found = top_suggestion(group)
    assert found is not None and found.send_first_name
    assert found.send_first_why
    assert not [r for r in found.reasons if found.send_first_name in r or "first" in r]


def test_planning_a_one_to_one_or_already_sent_asset_for_the_group_is_refused(
    client, marketer, org, group, library
):
    from content.models import Asset
    from suggestions.models import PlannedSend

    client.force_login(marketer)
    letter = Asset.objects.get(organization=org, title="Letter for the CFO")
    for asset in (letter, library):
        response = client.post(f"/groups/{group.pk}/suggestions/accept/", {"asset": asset.slug})
        assert response.status_code == 303
    assert not PlannedSend.objects.filter(group=group).exists()
    page = client.get(group.get_absolute_url()).content.decode()
    assert "written for one person" in page or "already received" in page
