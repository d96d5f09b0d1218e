"""The API docs render in Chromium from vendored Swagger UI under the strict CSP, and the
admins' API keys and webhooks pages look right at desktop and phone widths; the keys page
says which keys stopped working with their creator, and why."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import member_change_role, member_remove
from api.keys import api_key_create, api_key_revoke
from api.models import WebhookDelivery
from api.webhooks import endpoint_create
from tests.e2e.axe import serious_violations
from tests.factories import TEST_PASSWORD, OrganizationFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def api_admin(transactional_db):
    org = OrganizationFactory(slug="acme", name="Acme Corp")
    admin = member(org, Role.ADMIN, email="admin@acme.test", name="Ada Admin")
    endpoint = endpoint_create(
        organization=org, url="https://93.184.215.14/hooks/consensus", events=["kit.viewed"]
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="kit.viewed",
        event_id="evt_" + "0" * 32,
        payload={},
        status="retrying",
        attempts=2,
        response_status=503,
        error="The endpoint answered 503.",
        next_attempt_at=timezone.now(),
    )
    return admin


def test_the_docs_page_renders_swagger_ui_without_a_cdn(page_for, live_server, screenshots):
    page = page_for(1280)
    outside = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )
    page.goto("/api/v1/docs")
    expect(page.get_by_text("Consensus Planner API").first).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/groups/{group_id}/touches").first
    ).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    page.screenshot(path=screenshots / "api-docs-1280.png", full_page=False)
    assert outside == []
    assert page.problems.all() == []


def test_keys_and_webhooks_pages(page_for, api_admin, screenshots):
    for width in (1280, 390):
        page = page_for(width)
        page.goto("/login/")
        page.get_by_label("Email").fill("admin@acme.test")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("/")
        page.goto("/organization/api-keys/")
        page.get_by_label("Name").fill(f"HubSpot sync {width}")
        page.get_by_label("Scope").select_option("write")
        page.get_by_role("button", name="Create key").click()
        expect(page.get_by_text("this is the only time it is shown")).to_be_visible()
        page.screenshot(path=screenshots / f"api-keys-{width}.png", full_page=True)
        page.goto("/organization/webhooks/")
        page.screenshot(path=screenshots / f"webhooks-{width}.png", full_page=True)
        page.get_by_role("link", name="https://93.184.215.14/hooks/consensus").click()
        expect(page.get_by_role("button", name="Redeliver")).to_be_visible()
        page.screenshot(path=screenshots / f"webhook-log-{width}.png", full_page=True)
        assert page.problems.all() == []


@pytest.fixture
def keys_of_people_who_left(transactional_db):
    """Acme's keys: one whose creator was removed, one whose creator became a marketer,
    one an admin revoked, one made on the command line, and a working one."""
    org = OrganizationFactory(slug="acme", name="Acme Corp")
    admin = member(org, Role.ADMIN, email="admin@acme.test", name="Ada Admin")
    leaver = member(org, Role.ADMIN, email="leo@acme.test", name="Leo Leaver")
    demoted = member(org, Role.ADMIN, email="dee@acme.test", name="Dee Demoted")
    api_key_create(organization=org, name="Salesforce sync", scope="write", by=leaver)
    api_key_create(organization=org, name="Marketo export", scope="read", by=demoted)
    old, _ = api_key_create(organization=org, name="Old BI job", by=admin)
    api_key_revoke(key=old, by=admin)
    api_key_create(organization=org, name="Nightly backup")  # the command line, no --user
    api_key_create(organization=org, name="HubSpot sync", scope="write", by=admin)
    member_remove(membership=leaver.memberships.get(), by=admin)
    member_change_role(membership=demoted.memberships.get(), role=Role.MARKETER, by=admin)
    return admin


def test_the_keys_page_says_which_keys_stopped_with_their_creator(
    page_for, keys_of_people_who_left, screenshots
):
    for width in (1280, 390):
        page = page_for(width)
        page.goto("/login/")
        page.get_by_label("Email").fill("admin@acme.test")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("/")
        page.goto("/organization/api-keys/")
        page.screenshot(path=screenshots / f"api-keys-creators-{width}.png", full_page=True)
        row = page.get_by_role("row", name="Salesforce sync")
        expect(row).to_contain_text("Revoked")
        expect(row).to_contain_text("creator left the organization")
        expect(row).to_contain_text("Leo Leaver")
        expect(page.get_by_role("row", name="Marketo export")).to_contain_text(
            "creator is no longer an admin"
        )
        expect(page.get_by_role("row", name="Old BI job")).to_contain_text("revoked by Ada Admin")
        expect(page.get_by_role("row", name="Nightly backup")).to_contain_text("command line")
        hubspot = page.get_by_role("row", name="HubSpot sync")
        expect(hubspot).to_contain_text("Ada Admin")
        expect(hubspot.get_by_role("button", name="Revoke")).to_be_visible()
        assert serious_violations(page) == []
        assert page.problems.all() == []
