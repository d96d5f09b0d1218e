"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Never a downloaded browser (`playwright install` is not used): without /usr/bin/chromium
these tests are skipped with the reason; CI installs the package so they always run there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium package "
        "(apt-get install chromium) to run the browser tests"
    )
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(skip)


@pytest.fixture
def browser(transactional_db, live_server, monkeypatch):
    """Chromium for one test, started after the test's data and stopped before its flush.

    Playwright's sync API keeps an asyncio loop running in this thread. Django then keeps
    this thread's database connections apart (asgiref "async" storage), and refuses
    them unless DJANGO_ALLOW_ASYNC_UNSAFE is set. So create data before the browser starts
    (request the data fixture first), and connections opened while it runs are closed
    before it stops: one left open keeps PostgreSQL from dropping the test database.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


class BrowserProblems:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.csp_violations: list[str] = []

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.csp_violations


# Runs before any page script; injected by the browser, so CSP does not block it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def page_for(browser, live_server):
    """`page_for(width)`: a fresh browser context and page; `page.problems` collects errors."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems = BrowserProblems()
        page.add_init_script(CSP_LISTENER)

        def on_console(message):
            if message.type == "error":
                target = (
                    problems.csp_violations
                    if "Content Security Policy" in message.text or "CSP" in message.text
                    else problems.console_errors
                )
                target.append(f"{message.text} ({page.url})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.page_errors.append(f"{error} ({page.url})"))
        page.problems = problems
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
