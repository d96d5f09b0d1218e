"""Malformed input is a 4xx with a message, never a 500: well-signed share tokens whose
fields have the wrong types, ids beyond 64 bits in multi-select fields."""

import pytest
from django.core import signing

from content.models import GlossaryTerm, Theme
from kits.services import SHARE_SALT
from planner.models import Stakeholder, Touch

HUGE = str(2**70)


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a 500 is an answer to assert on, not a crash
    return client


@pytest.mark.parametrize(
    "payload",
    [
        {"s": [1], "n": "x"},
        {"s": {"a": 1}, "n": ["x"]},
        {"s": 2**70, "n": "x"},
        {"s": "1", "n": 5},
        {"s": True, "n": "x"},
        {"s": 1},
        [1, "x"],
        "just a string",
    ],
)
def test_a_well_signed_share_token_with_wrong_types_is_a_404_with_a_message(client, db, payload):
    token = signing.dumps(payload, salt=SHARE_SALT, compress=True)
    response = client.get(f"/k/{token}/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert response["X-Robots-Tag"].startswith("noindex")


def test_a_touch_for_an_id_beyond_64_bits_is_refused_with_a_message(client, marketer, group):
    client.force_login(marketer)
    person = Stakeholder.objects.filter(group=group).first()
    response = client.post(
        f"/groups/{group.pk}/touches/new/",
        {
            "touch-recipients": [str(person.pk), HUGE],
            "touch-occurred_at": "2026-06-01T10:00",
            "touch-channel": "email",
            "touch-themes": "security",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Touch.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "-1", "1e3", "٣", "0x10"])
def test_a_glossary_term_with_a_malformed_theme_id_is_refused_with_a_message(
    client, marketer, org, value
):
    client.force_login(marketer)
    Theme.objects.create(organization=org, slug="security", name="Security")
    response = client.post(
        "/library/glossary/", {"term": "Downtime", "definition": "Lost hours", "themes": value}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_switching_to_an_organization_id_beyond_64_bits_is_a_404(client, marketer):
    client.force_login(marketer)
    assert client.post("/organization/switch/", {"organization": HUGE}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/groups/?q=%00",
        "/library/?theme=%00",
        "/library/glossary/?q=a%00",
        "/groups/{pk}/suggestions/?asset=%00",
        "/groups/?page=%00",
    ],
)
def test_a_nul_character_in_a_query_is_a_400_page(client, marketer, group, path):
    client.force_login(marketer)
    response = client.get(path.format(pk=group.pk))
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()


def test_a_nul_character_in_a_posted_field_is_a_400_page(client, marketer):
    client.force_login(marketer)
    response = client.post("/organization/switch/", {"organization": "1", "next": "/\x00"})
    assert response.status_code == 400
