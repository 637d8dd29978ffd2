"""Debian's headless Chromium driven by Playwright, for browser tests outside the e2e
topology (Playwright's own browser download is not reachable here)."""

import contextlib
import shutil
from typing import Any, Iterator

from tests.utils.ci import require

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
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
