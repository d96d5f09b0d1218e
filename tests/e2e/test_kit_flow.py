"""A sales rep builds a consensus kit for a demo group, watches the build, downloads the
PDF, shares a link that opens logged out, and sees the view counted on the group page.

Celery is eager in tests and the build is enqueued by `transaction.on_commit`, so in the
live server it would run inline during the POST and the progress page would open ready.
To watch the htmx progress fragment poll, the test holds the enqueue back (it records the
kit id instead) and releases it once the page shows the queued kit: the real
`kits.services._enqueue` then runs `kit_build_task` (eagerly, in the test thread) and the
polling fragment turns into "Ready to download" without a reload.
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from kits import services as kits
from kits.models import ConsensusKit, KitShare
from planner.models import BuyingGroup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SALES = "sales@demo.example"
PASSWORD = "consensus-demo"
GROUP = "Contoso data platform"
ENQUEUE = kits._enqueue  # before `held_builds` replaces it
LONG_STEP = (
    "Agree the problem statement with IT, operations and the plant managers before the June "
    "budget review, so that every shortlisted vendor is judged against one problem"
)
ADDED = "We want one plan the whole group signs before the June budget review."


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The seed_demo data and a private MEDIA_ROOT (requested before the browser starts)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    return BuyingGroup.objects.get(name=GROUP)


@pytest.fixture
def held_builds(monkeypatch) -> list[int]:
    """Kit ids whose build was requested; nothing is enqueued until the test says so."""
    held: list[int] = []
    monkeypatch.setattr(kits, "_enqueue", held.append)
    return held


def sign_in(page: Page) -> None:
    page.goto("/login/")
    page.get_by_label("Email").fill(SALES)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def kits_section(page: Page):
    return page.locator("section", has=page.locator("#kits-title"))


def test_sales_rep_builds_watches_downloads_and_shares_a_kit(
    demo, held_builds, page_for, screenshots, tmp_path
):
    page = page_for(1280)
    sign_in(page)
    page.get_by_role("link", name=GROUP).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(GROUP)
    section = kits_section(page)
    expect(section.get_by_role("heading", name="Consensus kits")).to_be_visible()
    expect(section).to_contain_text("No kit yet.")

    section.get_by_role("link", name="Build a kit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build a consensus kit")
    statement = page.get_by_label("Problem statement")
    drafted = statement.input_value().strip()
    assert drafted, "the problem statement is not drafted"
    statement.fill(f"{drafted} {ADDED}")
    # A long plan step wraps in its box, none of it hidden, and is kept as one line.
    step = page.get_by_label("Step 1", exact=True)
    step.fill(f"{LONG_STEP}\nwith finance in the room")
    assert step.evaluate("box => box.scrollHeight <= box.clientHeight + 2")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#plan-title").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"kit-plan-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Build the kit").click()

    # The queued kit: the progress fragment polls, with its step and percentage.
    page.wait_for_url(re.compile(r"/groups/\d+/kits/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Consensus kit v1")
    assert ConsensusKit.objects.get().plan[0]["step"] == f"{LONG_STEP} with finance in the room"
    progress = page.locator("#kit-progress")
    expect(progress).to_have_attribute("hx-trigger", "every 1s")
    expect(progress.get_by_role("heading")).to_have_text("Building the kit…")
    expect(progress.locator("progress")).to_be_visible()
    expect(progress.get_by_role("status")).to_have_text(
        re.compile(r"Waiting for a worker \(0%\) · \d+ s so far")  # the time spent, counting
    )
    page.screenshot(path=str(screenshots / "kit-progress-1280.png"))

    assert len(held_builds) == 1
    kit = ConsensusKit.objects.get(pk=held_builds[0])
    assert kit.group_id == demo.pk and kit.status == "queued"
    assert kit.problem_statement.endswith(ADDED)
    ENQUEUE(kit.pk)  # the real one: kit_build_task, eager, runs here

    # The next poll swaps in the finished fragment, no reload.
    expect(progress.get_by_role("heading")).to_have_text("Ready to download", timeout=15_000)
    expect(page.locator("#kit-progress")).not_to_have_attribute("hx-trigger", re.compile(".*"))
    expect(page.locator("#kit-progress progress")).to_have_count(0)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename.endswith("-v1.pdf"), download.suggested_filename
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The share form is on the full page (the polled fragment holds the downloads only).
    page.reload()
    page.get_by_role("button", name="Create a share link").click()
    expect(page.get_by_role("status")).to_contain_text("Share link created.")
    link = page.get_by_label("Share link")
    expect(link).to_have_attribute("readonly", "")
    url = link.input_value()
    assert url.startswith("https://app.example.com/k/"), url  # SITE_URL in tests
    expect(page.locator(".share").first).to_contain_text("Active · 0 views")
    # "Copy it from the list below": one click puts the link on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.locator("#shares-title").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "kit-share-copied-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#shares-title").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "kit-share-copied-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # Opened by someone else: a new context, no cookies, not signed in.
    reader = page_for(1280)
    assert reader.context.cookies() == []
    reader.goto(urlsplit(url).path)
    expect(reader.get_by_role("heading", name="The problem we share")).to_be_visible()
    expect(reader.locator(".kit-doc__statement")).to_contain_text(ADDED)
    expect(reader.get_by_role("link", name="Download the PDF")).to_be_visible()
    expect(reader.get_by_role("link", name="Sign in")).to_have_count(0)
    reader.screenshot(path=str(screenshots / "kit-shared-1280.png"), full_page=True)

    # Back as the rep: the group page counts the view.
    page.get_by_role("link", name=GROUP).first.click()
    row = kits_section(page).locator(".kit-row", has_text="Kit v1")
    expect(row).to_contain_text("Ready")
    expect(row.locator(".kit-views")).to_have_text("1 view")
    assert KitShare.objects.get(kit=kit).views == 1

    assert page.problems.all() == []
    assert reader.problems.all() == []
