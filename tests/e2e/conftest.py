"""Browser tests: headless Debian Chromium driven by Playwright, with no network beyond 127.0.0.1.

Chromium comes from Debian (`make browser` installs `chromium` and `chromium-driver`); no browser
is ever downloaded. Every request the page makes to a host other than 127.0.0.1 is aborted and
recorded, so a test can assert that GraphiQL needs nothing from the internet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.e2e.browser_support import CHROMIUM, CHROMIUM_ARGS, PageLog


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian chromium, chromium-driver)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def local_page(browser: Browser) -> Iterator[tuple[Page, PageLog]]:
    """A fresh page (own storage) that may only talk to 127.0.0.1."""
    with guarded_page(browser, width=1400, height=900) as page_and_log:
        yield page_and_log


@pytest.fixture
def laptop_page(browser: Browser) -> Iterator[tuple[Page, PageLog]]:
    """The same at 1280x800, the screen a newcomer's laptop gives GraphiQL."""
    with guarded_page(browser, width=1280, height=800) as page_and_log:
        yield page_and_log


@contextmanager
def guarded_page(browser: Browser, *, width: int, height: int) -> Iterator[tuple[Page, PageLog]]:
    """A page in a fresh context, its requests beyond 127.0.0.1 aborted and recorded."""
    log = PageLog()
    context = browser.new_context(viewport={"width": width, "height": height})

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            log.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            log.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    try:
        yield page, log
    finally:
        context.close()
