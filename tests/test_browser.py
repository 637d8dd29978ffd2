"""The staff dashboard in a real browser (headless Chromium driven by Playwright), on the
real topology: a lead made by a chat conversation is signed in for, claimed and closed."""
import os
import re
import shutil

import pytest

from bot.staff.accounts import add_user
from bot.storage.db import make_engine, session_factory
from bot.storage.leads import store_lead
from tests.test_server import SETTINGS, Visitor, monkeypatch_module, topology  # noqa: F401
from tests.test_storage import request_for

pytestmark = pytest.mark.server

PASSWORD = "correct horse battery"
HOSTILE_NAME = "<img src=x onerror=alert(1)><script>alert(2)</script>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; `make install` "
                    "installs it where apt-get can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Chromium's sandbox needs user namespaces, which a root CI container lacks.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def test_staff_signs_in_claims_a_chat_lead_and_marks_it_contacted(topology, browser):  # noqa: F811
    engine = make_engine(os.environ["DATABASE_URL"])
    sessions = session_factory(engine)
    add_user(sessions, "nurse", PASSWORD)

    visitor = Visitor()
    for text in ("I'd like an appointment", "Rosa Diaz", "617 555 0199", "no email",
                 "mornings", "yes", "yes"):
        reply = visitor.say(text)
    confirmation = visitor.say("yes")
    reference = re.search(r"NET-[A-Z0-9]{6}", reply + confirmation).group(0)
    hostile, _ = store_lead(sessions, request_for(submission="hostile", name=HOSTILE_NAME))
    engine.dispose()

    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = f"http://{SETTINGS.host}:{SETTINGS.web_port}"
    page.goto(f"{base}/staff/")
    assert page.url.startswith(f"{base}/staff/login")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/staff/")
    page.get_by_role("link", name=reference).click()
    assert page.locator("dd.name").inner_text() == "Rosa Diaz"
    page.get_by_role("button", name="Claim this request").click()
    page.wait_for_selector("text=Claimed. It is yours")
    page.get_by_label("contacted").check()
    page.get_by_label("Note").fill("Booked a visit")
    page.get_by_role("button", name="Save outcome").click()
    page.wait_for_selector("text=Outcome saved.")
    assert page.locator("dd.status").inner_text() == "contacted"
    assert "nurse · updated · contacted" in page.locator(".history").inner_text()

    page.goto(f"{base}/staff/leads/{hostile.reference}")
    assert page.locator("dd.name").inner_text() == HOSTILE_NAME
    assert page.locator("img").count() == 0 and dialogs == []
    page.close()
