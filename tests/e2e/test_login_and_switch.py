"""A marketer signs in with the real login form and switches organization in the header."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARKETER = "marketer@demo.example"
PASSWORD = "consensus-demo"
NORTHWIND = "Northwind Analytics"
GLOBEX = "Globex Partners"


@pytest.fixture
def demo_data(transactional_db):
    """The `seed_demo` organizations and users (requested before the browser starts)."""
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(page: Page) -> None:
    page.goto("/login/")
    expect(page).to_have_title("Sign in · Consensus Planner")
    page.get_by_label("Email").fill(MARKETER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def switch_to(page: Page, organization: str) -> None:
    value = option_value(page, organization)
    with page.expect_navigation():
        page.get_by_label("Organization").select_option(value=value)


def option_value(page: Page, organization: str) -> str:
    option = page.get_by_label("Organization").locator("option", has_text=organization)
    return option.get_attribute("value")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_marketer_signs_in_and_switches_organization(demo_data, page_for, screenshots):
    page = page_for(1280)
    sign_in(page)

    # Two organizations; the one active after signing in is the one joined first.
    expect(heading(page)).to_have_text(NORTHWIND)
    expect(page.get_by_text("Signed in as marketer")).to_be_visible()
    switcher = page.get_by_label("Organization")
    expect(switcher).to_be_visible()
    expect(switcher.locator("option")).to_have_text(
        [f"{GLOBEX} (Sales)", f"{NORTHWIND} (Marketer)"]
    )
    expect(switcher).to_have_value(option_value(page, NORTHWIND))
    # app.js submits on change, so the no-JS Switch button is hidden.
    expect(page.get_by_role("button", name="Switch")).to_be_hidden()
    page.screenshot(path=screenshots / "dashboard-1280.png", full_page=True)

    switch_to(page, GLOBEX)
    expect(heading(page)).to_have_text(GLOBEX)
    expect(page.get_by_role("status")).to_contain_text(f"You are now working in {GLOBEX}.")
    expect(page.get_by_text("Signed in as sales")).to_be_visible()
    expect(page.get_by_label("Organization")).to_have_value(option_value(page, GLOBEX))
    page.screenshot(path=screenshots / "dashboard-switched-1280.png", full_page=True)
    # The choice sticks for the session, and the message is shown once.
    page.reload()
    expect(heading(page)).to_have_text(GLOBEX)
    expect(page.get_by_role("status")).to_have_text("")

    switch_to(page, NORTHWIND)
    expect(heading(page)).to_have_text(NORTHWIND)
    expect(page.get_by_role("status")).to_contain_text(f"You are now working in {NORTHWIND}.")

    assert page.problems.all() == []


@pytest.mark.parametrize("width", [375, 390])
def test_phone_width_has_no_horizontal_scroll(demo_data, page_for, screenshots, width):
    page = page_for(width, 812)
    page.goto("/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "login page scrolls"
    page.screenshot(path=screenshots / f"login-{width}.png", full_page=True)
    sign_in(page)
    expect(heading(page)).to_have_text(NORTHWIND)
    page.screenshot(path=screenshots / f"dashboard-{width}.png", full_page=True)

    widths = page.evaluate(
        """() => {
          const header = document.querySelector(".site-header");
          const select = document.querySelector("#org-switcher");
          const style = getComputedStyle(select);
          const context = document.createElement("canvas").getContext("2d");
          context.font = style.font;
          const chosen = select.options[select.selectedIndex].text;
          return {
            page: document.documentElement.scrollWidth,
            header: header.scrollWidth,
            headerRight: header.getBoundingClientRect().right,
            widest: Math.max(...[...document.querySelectorAll("body *")].map(
              (el) => el.getBoundingClientRect().right)),
            switcherLeft: select.closest("form").getBoundingClientRect().left,
            switcherRight: select.closest("form").getBoundingClientRect().right,
            // The chosen organization's text, plus the padding and the arrow (~24 px).
            textNeeds: context.measureText(chosen).width + parseFloat(style.paddingLeft)
              + parseFloat(style.paddingRight) + 24,
            selectWidth: select.getBoundingClientRect().width,
          };
        }"""
    )
    assert widths["page"] <= width, widths
    assert widths["header"] <= width, widths
    assert widths["headerRight"] <= width, widths
    assert widths["widest"] <= width, widths
    # The organization menu is whole on the screen and shows "Northwind Analytics
    # (Marketer)" in full, not "Northwind Analytics (Marl".
    assert widths["switcherLeft"] >= 0 and widths["switcherRight"] <= width, widths
    assert widths["textNeeds"] <= widths["selectWidth"], widths
    expect(page.get_by_label("Organization")).to_be_visible()
    assert page.problems.all() == []
