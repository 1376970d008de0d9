"""Shared fixtures. The browser fixture drives Debian's chromium through Playwright."""

from __future__ import annotations

import os

import pytest

from browser import CHROMIUM, chromium_available, launch


@pytest.fixture(scope="session")
def browser():
    """A headless chromium for the whole session, with a fresh profile.

    Missing chromium fails the run on CI (the variable ``CI`` is set, e.g. ``CI=true``) and
    skips elsewhere.
    """
    if not chromium_available():
        message = f"chromium is not installed at {CHROMIUM}; `make test` installs it"
        if os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}:
            pytest.fail(message + " (CI must run the browser tests, never skip them)")
        pytest.skip(message)
    # Imported here so that tests without a browser never need Playwright.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        try:
            yield instance
        finally:
            instance.close()
