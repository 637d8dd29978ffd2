"""The website chat widget and the staff dashboard in a real browser (headless Chromium
driven by Playwright), on the real topology (Rasa, action server, web service)."""

import os
import re

import pytest

from bot.db.engine import make_engine, session_factory
from bot.leads.store import list_leads
from bot.settings import ROOT
from bot.staff.accounts import add_user
from tests.utils.browser import chromium
from tests.utils.chat import SITE, Visitor
from tests.utils.ci import require
from tests.utils.factories import inserted_lead
from tests.utils.staff_web import PASSWORD

pytestmark = pytest.mark.server

HOSTILE_NAME = "<img src=x onerror=alert(1)><script>alert(2)</script>"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def test_staff_signs_in_claims_a_chat_lead_and_marks_it_contacted(topology, browser):
    engine = make_engine(os.environ["DATABASE_URL"])
    sessions = session_factory(engine)
    add_user(sessions, "nurse", PASSWORD)

    visitor = Visitor()
    for text in (
        "I'd like an appointment",
        "Rosa Diaz",
        "617 555 0199",
        "no email",
        "mornings",
        "yes",
        "yes",
    ):
        reply = visitor.say(text)
    confirmation = visitor.say("yes")
    reference = re.search(r"NET-[A-Z0-9]{6}", reply + confirmation).group(0)
    # Written past the service, which refuses it: the page must still show it inertly.
    hostile = inserted_lead(sessions, submission="hostile", name=HOSTILE_NAME)
    engine.dispose()

    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = SITE
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

    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet
    page.goto(f"{base}/staff/?status=all")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-queue-768px.png"), full_page=True)
    page.close()


@pytest.fixture
def page(browser, topology):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    yield opened
    context.close()


def open_chat(page):
    page.goto(f"{SITE}/")
    page.get_by_role("button", name="Chat: questions about NETs").click()
    page.wait_for_selector(".net-chat-bot")


def bot_count(page) -> int:
    return page.locator(".net-chat-bot").count()


def wait_for_answer(page, before: int) -> str:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "n => document.querySelectorAll('.net-chat-bot').length > n"
            " && !document.querySelector('.net-chat-busy')",
            arg=before,
            timeout=30000,
        )
    except PlaywrightTimeout:
        status = page.locator(".net-chat-status").inner_text()
        raise AssertionError(f"no answer; the widget says {status!r}") from None
    return page.locator(".net-chat-bot").last.inner_text()


def say(page, text) -> str:
    before = bot_count(page)
    page.locator("#net-chat-input").fill(text)
    page.locator("#net-chat-input").press("Enter")
    return wait_for_answer(page, before)


def tap(page, title) -> str:
    before = bot_count(page)
    page.locator(".net-chat-reply", has_text=title).last.click()
    return wait_for_answer(page, before)


def test_the_page_answers_what_is_prrt(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_chat(page)
    assert "PRRT" in say(page, "what is PRRT?"), errors
    assert "911" in page.locator(".net-chat-notice").inner_text()  # always on screen
    assert errors == []  # no CSP violation, no script error


def test_a_callback_through_the_widget_reaches_the_database_and_the_dashboard(page):
    open_chat(page)
    assert "name" in say(page, "I'd like an appointment").lower()
    assert "phone" in say(page, "Rosa Widget").lower()
    assert "email" in say(page, "617 555 0177").lower()
    assert "time" in tap(page, "Skip").lower()
    assert "diagnosis" in tap(page, "Weekday mornings").lower()
    assert "Rosa Widget" in tap(page, "Not sure")
    assert "agree" in tap(page, "Yes, that's right").lower()
    confirmation = tap(page, "Yes, I agree")
    reference = re.search(r"NET-[A-Z0-9]{6}", confirmation).group(0)

    engine = make_engine(os.environ["DATABASE_URL"])
    sessions = session_factory(engine)
    [lead] = [lead for lead in list_leads(sessions, reference=reference)]
    assert (lead.name, lead.phone, lead.preferred_time) == (
        "Rosa Widget",
        "+16175550177",
        "weekday mornings",
    )
    add_user(sessions, "widget-nurse", PASSWORD)
    engine.dispose()
    page.goto(f"{SITE}/staff/")
    page.get_by_label("Username").fill("widget-nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("link", name=reference).is_visible()


def test_a_reload_continues_the_conversation_and_the_form(page):
    open_chat(page)
    say(page, "can I get a second opinion")
    assert "phone" in say(page, "Lee Reload").lower()
    page.reload()
    page.get_by_role("button", name="Chat: questions about NETs").click()
    page.wait_for_selector(".net-chat-visitor >> text=Lee Reload")
    assert "email" in say(page, "617 555 0166").lower()  # the form went on from the phone
    assert "time" in tap(page, "Skip").lower()
    page.reload()
    page.get_by_role("button", name="Chat: questions about NETs").click()
    page.wait_for_selector(".net-chat-reply >> text=Any time")
    # Old quick replies are history; only the last question's can still be used.
    assert page.get_by_role("button", name="Skip").is_disabled()
    assert page.get_by_role("button", name="Any time").is_enabled()
    page.get_by_role("button", name="Start over").click()
    assert page.locator(".net-chat-visitor").count() == 0


def test_a_send_that_fails_is_shown_and_can_be_resent(page, topology):
    open_chat(page)
    topology.stop_service("rasa")  # the chat server goes down for real
    try:
        page.locator("#net-chat-input").fill("what is PRRT?")
        page.locator("#net-chat-input").press("Enter")
        page.wait_for_selector(".net-chat-failed")
        assert "Can't reach the chat" in page.locator(".net-chat-status").inner_text()
        assert page.get_by_role("button", name="Not sent. Resend").is_visible()
    finally:
        topology.restart_service("rasa")
    before = bot_count(page)
    page.get_by_role("button", name="Retry").click()
    assert "PRRT" in wait_for_answer(page, before)
    assert page.locator(".net-chat-failed").count() == 0


def test_keyboard_only_open_type_send_and_close(page):
    page.goto(f"{SITE}/")
    launcher = page.get_by_role("button", name="Chat: questions about NETs")
    for _ in range(10):  # Tab through the page until the launcher has focus
        page.keyboard.press("Tab")
        if launcher.evaluate("b => b === document.activeElement"):
            break
    page.keyboard.press("Enter")
    page.wait_for_selector(".net-chat-bot")
    assert page.evaluate("document.activeElement.id") == "net-chat-input"
    before = bot_count(page)
    page.keyboard.type("how are nets diagnosed")
    page.keyboard.press("Enter")
    wait_for_answer(page, before)
    page.keyboard.press("Escape")
    assert page.locator("#net-chat-panel").is_hidden()
    assert launcher.evaluate("b => b === document.activeElement")
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert page.evaluate("Object.keys(sessionStorage)") == ["net-chat-token"]


def test_no_serious_accessibility_violations_and_a_phone_screenshot(browser, topology):
    require(AXE.exists(), "axe-core is not installed (npm ci: `make install` runs it where npm is)")
    # axe is injected as a script, which the page's own CSP rightly refuses.
    context = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
    phone = context.new_page()
    open_chat(phone)
    say(phone, "I'd like an appointment")
    phone.add_script_tag(path=str(AXE))
    result = phone.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "widget-375px.png"))
    context.close()


def test_hostile_and_unicode_input_shows_as_text_in_the_widget(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_chat(page)
    hostile = "<img src=x onerror=alert(1)> 🙂 Zoë\u202e"
    say(page, hostile)
    assert page.locator(".net-chat-visitor").last.inner_text().endswith(hostile)
    assert page.locator(".net-chat-log img").count() == 0 and dialogs == []
    page.locator("#net-chat-input").fill("   ")
    page.locator("#net-chat-input").press("Enter")
    assert "type a message" in page.locator(".net-chat-status").inner_text()
    assert page.locator("#net-chat-input").get_attribute("maxlength") == "2000"
