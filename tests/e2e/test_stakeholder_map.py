"""A marketer imports a HubSpot export, fixes the reported error, imports, adds a
relationship inline and sees the map change."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from planner.models import BuyingGroup, Relationship
from tests.factories import TEST_PASSWORD, OrganizationFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = (
    "Record ID,First Name,Last Name,Email,Job Title,Buying Role,Contact owner,Lifecycle Stage\n"
)
ROWS = [
    "1,Grace,Okafor,grace@fabrikam.example,CISO,Decision Maker,Maya,Opportunity\n",
    "2,Henrik,Larsen,henrik@fabrikam.example,SOC Manager,Champion,Maya,Opportunity\n",
    "3,Ines,Moreau,ines@fabrikam.example,Analyst,End User,Maya,Lead\n",
]
BROKEN = [*ROWS[:2], "3,Ines,Moreau,ines-at-fabrikam,Analyst,End User,Maya,Lead\n"]


@pytest.fixture
def setup(transactional_db):
    org = OrganizationFactory(slug="acme", name="Acme Corp")
    marketer = member(org, Role.MARKETER, email="maya@acme.test", name="Maya Marketer")
    group = BuyingGroup.objects.create(organization=org, name="Fabrikam security")
    return marketer, group


def upload(page: Page, text: str) -> None:
    page.get_by_label("Stakeholders CSV").set_input_files(
        {"name": "hubspot-contacts.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Preview the import").click()


def edges_on_map(page: Page) -> int:
    return page.locator(".map-drawing--wide svg g.edges > g.edge").count()


def test_marketer_imports_fixes_and_maps(setup, page_for, screenshots):
    marketer, group = setup
    page = page_for(1280)
    page.goto("/login/")
    page.get_by_label("Email").fill(marketer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")

    page.get_by_role("link", name="Fabrikam security").click()
    expect(page.get_by_text("Nobody is on the map yet.")).to_be_visible()
    page.get_by_role("link", name="Import CSV").first.click()

    upload(page, HEADER + "".join(BROKEN))
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Nothing was imported")
    expect(problems).to_contain_text("Line 4")
    expect(problems).to_contain_text("Email")

    upload(page, HEADER + "".join(ROWS))
    expect(page.get_by_text("Preview: nothing is saved yet")).to_be_visible()
    expect(page.get_by_text("recognised as a HubSpot export")).to_be_visible()
    page.get_by_role("button", name="Import into Fabrikam security").click()
    page.wait_for_url(f"/groups/{group.pk}/")
    expect(page.get_by_text("Imported into Fabrikam security")).to_be_visible()
    expect(page.get_by_role("cell", name="Grace Okafor CISO")).to_be_visible()
    assert edges_on_map(page) == 0

    form = page.locator("form", has=page.get_by_role("button", name="Add relationship"))
    form.get_by_label("Person", exact=True).select_option(label="Henrik Larsen (Champion)")
    form.get_by_label("Relationship").select_option(label="reports to")
    form.get_by_label("Other person").select_option(label="Grace Okafor (Decision Maker)")
    form.get_by_role("button", name="Add relationship").click()

    expect(page.get_by_text("Added: Henrik Larsen reports to Grace Okafor.")).to_be_visible()
    expect(page.locator(".map-drawing--wide svg g.edges > g.edge")).to_have_count(1)
    assert page.url.endswith(f"/groups/{group.pk}/")  # swapped in place by htmx, no reload
    assert Relationship.objects.filter(group=group, kind="reports_to").count() == 1
    page.screenshot(path=str(screenshots / "group-after-import.png"), full_page=True)
    assert page.problems.all() == []
