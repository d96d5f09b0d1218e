"""A marketer sees the backfire alert on a demo group, plans the top suggestion, marks it
sent, and sees divergence fall."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from planner.models import BuyingGroup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    return BuyingGroup.objects.get(name="Fabrikam security analytics")


def divergence_shown(page) -> int:
    text = page.locator(".score").nth(1).locator(".score__value").inner_text()
    return int(text)


def test_backfire_alert_then_shared_send_brings_the_group_together(demo, page_for, screenshots):
    page = page_for(1280)
    page.goto("/login/")
    page.get_by_label("Email").fill("marketer@demo.example")
    page.get_by_label("Password").fill("consensus-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")

    page.get_by_role("link", name="Fabrikam security analytics").first.click()
    alert = page.get_by_role("alert").filter(has_text="Individual tailoring")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("59%")
    before = divergence_shown(page)

    suggestions = page.locator(".suggestion")
    top_title = suggestions.first.locator("strong").first.inner_text()
    suggestions.first.get_by_role("button", name=re.compile("Plan this send")).click()
    expect(page.get_by_text(f"Planned: {top_title}")).to_be_visible()

    sends = page.locator(".send", has_text=top_title)
    sends.get_by_role("button", name=re.compile("Mark sent")).click()
    expect(page.get_by_text(f"Sent: {top_title} reached")).to_be_visible()
    expect(
        page.locator(".send", has_text=top_title).get_by_text("Sent", exact=True)
    ).to_be_visible()
    after = divergence_shown(page)
    assert after < before, (before, after)
    page.screenshot(path=str(screenshots / "after-shared-send.png"), full_page=False)
    assert page.problems.all() == []
