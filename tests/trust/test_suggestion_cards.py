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
