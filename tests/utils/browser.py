"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests."""

import shutil
from contextlib import contextmanager
from typing import Any, Iterator

from tests.utils.ci import require

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched browser; skipped (failed in CI) where Chromium is not installed."""
    require(
        CHROMIUM is not None,
        "Chromium is not installed (Debian package 'chromium'; "
        "`make install` installs it where apt-get can)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Chromium's sandbox needs user namespaces, which a root CI container lacks.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()
