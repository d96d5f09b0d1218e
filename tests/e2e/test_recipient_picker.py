"""A marketer logs one message to several people of a big group with the recipient picker:
search as they type, select everyone of a role, and the touches are logged. axe finds no
serious or critical problem on the page, at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from planner.models import Stakeholder, Touch
from tests.e2e.axe import serious_violations
from tests.factories import TEST_PASSWORD, OrganizationFactory, member
from tests.workspace.test_big_groups import big_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(transactional_db):
    org = OrganizationFactory(slug="acme", name="Acme Corp")
    marketer = member(org, Role.MARKETER, email="maya@acme.test", name="Maya Marketer")
    group = big_group(org, 60)
    champions = set(
        Stakeholder.objects.filter(group=group, buying_role="champion").values_list("pk", flat=True)
    )
    return marketer, group, champions


def sign_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def visible_people(page: Page):
    return page.locator(".picker__list li:not([hidden]) input[type=checkbox]")


def test_search_and_select_by_role_then_log_the_touch(setup, page_for, screenshots):
    marketer, group, champions = setup
    page = page_for(1280)
    sign_in(page, marketer.email)
    page.goto(f"/groups/{group.pk}/")

    picker = page.locator("fieldset.picker")
    expect(picker.locator("legend")).to_have_text("Who received it")
    expect(picker.get_by_role("button", name="Find")).to_be_hidden()  # filtering is live
    expect(visible_people(page)).to_have_count(60)  # the script built the list
    status = picker.locator("[data-picker-status]")
    expect(status).to_contain_text("0 of 60 selected")

    search = picker.get_by_label("Find people")
    search.fill("person 01")  # Person 001 and Person 010 to 019
    expect(visible_people(page)).to_have_count(11)
    search.fill("person013@")  # by email
    expect(visible_people(page)).to_have_count(1)
    visible_people(page).first.check()
    search.press("Enter")  # stays on the page: no navigation, the search is live
    expect(page).to_have_url(re.compile(rf"/groups/{group.pk}/$"))
    search.fill("nobody-at-all")
    expect(picker.get_by_text("Nobody matches")).to_be_visible()
    search.fill("")

    champion = picker.get_by_role("button", name=re.compile(r"^Champion \d+$"))
    champion.click()
    expect(champion).to_have_attribute("aria-pressed", "true")
    expect(status).to_contain_text(f"{len(champions) + 1} of 60 selected")
    # caret="initial": hiding the caret leaves style="" on every input, and the htmx swap
    # below would copy those attributes, which the CSP refuses.
    page.screenshot(path=screenshots / "picker-1280.png", caret="initial")

    last = Touch.objects.order_by("-pk").values_list("pk", flat=True).first()
    page.get_by_role("textbox", name="Themes (optional)").fill("security")
    page.get_by_role("button", name="Log touch").click()
    expect(page.locator("#messages")).to_contain_text(f"Logged for {len(champions) + 1} people.")
    person013 = Stakeholder.objects.get(group=group, email="person013@northwind.example")
    reached = set(
        Touch.objects.filter(group=group, pk__gt=last).values_list("stakeholder_id", flat=True)
    )
    assert reached == champions | {person013.pk}

    # The refreshed page's picker, searched and with a role selected, as axe sees it.
    picker = page.locator("fieldset.picker")
    picker.get_by_label("Find people").fill("person 0")
    picker.get_by_role("button", name=re.compile(r"^Influencer \d+$")).click()
    expect(picker.locator("[data-picker-status]")).not_to_contain_text("0 of 60 selected")
    assert serious_violations(page) == []
    assert page.problems.all() == []


def test_the_picker_and_typed_people_on_a_phone(setup, page_for, screenshots):
    marketer, group, champions = setup
    page = page_for(390)
    sign_in(page, marketer.email)
    page.goto(f"/groups/{group.pk}/")
    picker = page.locator("fieldset.picker")
    picker.get_by_role("button", name=re.compile(r"^Champion \d+$")).click()
    expect(picker.locator("[data-picker-status]")).to_contain_text(
        f"{len(champions)} of 60 selected"
    )
    picker.get_by_role("button", name="Clear the selection").click()
    expect(picker.locator("[data-picker-status]")).to_contain_text("0 of 60 selected")

    person = page.get_by_label("Person", exact=True)
    person.fill("person 02")
    expect(page.locator("#group-people option")).to_have_count(11)  # 002, 020 to 029
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.locator("#add-touch-title").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "picker-390.png", caret="initial")
    assert page.problems.all() == []
