"""The API docs render in Chromium from vendored Swagger UI under the strict CSP, and the
admins' API keys and webhooks pages look right at desktop and phone widths."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from api.models import WebhookDelivery
from api.webhooks import endpoint_create
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
