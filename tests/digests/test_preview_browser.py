"""In a real browser: the preview page shows the email in its frame (the strict page CSP
and the email's own relaxed one both hold), and one click on the unsubscribe page works."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digests.tokens import unsubscribe_token
from tests.digests.conftest import snapshot
from tests.e2e import conftest as e2e
from tests.factories import TEST_PASSWORD, BuyingGroupFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not e2e.CHROMIUM.exists(), reason=f"{e2e.CHROMIUM} is missing"),
]

browser = e2e.browser
page_for = e2e.page_for


@pytest.fixture
def week(org, marketer):
    """A group drifting apart this (real) week. Data first: the browser fixture must start
    after it (see tests/e2e/conftest.py)."""
    now = timezone.now()
    group = BuyingGroupFactory(organization=org, name="Contoso renewal")
    snapshot(group, now - timedelta(days=7, hours=1), divergence=0.30, readiness=60)
    snapshot(
        group,
        now - timedelta(hours=1),
        divergence=0.42,
        readiness=45,
        factors=[("factions", -12, "Two factions hear different stories.")],
    )
    return marketer


def sign_in(page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def test_preview_shows_the_email_in_a_frame_on_a_phone(week, page_for):
    page = page_for(375, 800)
    sign_in(page, week.email)

    page.goto("/digest/preview/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your next weekly digest")
    frame = page.frame_locator("iframe[title^='The digest email']")
    expect(frame.get_by_role("heading", name="Drifting apart")).to_be_visible()
    expect(frame.get_by_role("link", name="Contoso renewal").first).to_be_visible()
    expect(page.locator("pre")).to_contain_text("DRIFTING APART")
    # The frame fits the phone's screen (it was a fixed 900 px, taller than the screen).
    page.screenshot(path=str(e2e.SCREENSHOTS / "digest-preview-375.png"), full_page=True)
    box = page.locator("iframe.email-frame").bounding_box()
    assert box["height"] <= 0.75 * 800 + 1 and box["width"] <= 375
    assert page.problems.all() == []

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the email on its own page").click()
    email = opened.value
    expect(email.get_by_role("heading", name="Drifting apart")).to_be_visible()


def test_one_click_in_the_browser_unsubscribes(week, org, page_for):
    page = page_for(375, 800)
    token = unsubscribe_token(user=week, organization_id=org.pk)

    page.goto(f"/digest/unsubscribe/{token}/")
    page.get_by_role("button", name="Unsubscribe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert page.problems.all() == []
    week.refresh_from_db()
    assert week.digest_enabled is False
