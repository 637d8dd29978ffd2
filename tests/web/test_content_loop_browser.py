"""The content loop's admin pages in a real browser (headless Chromium driven by Playwright),
on the web service with a copy of the project's content: an admin signs in, turns an
unanswered question into a training example of a chosen topic (the copy's YAML changes), and
opens the content check's report and a retrain's report; a staff member marks a false
emergency that then shows on the unanswered page. No script runs on these pages, and none is
injected by what they show."""

import re

import pytest

from bot.content.catalog import iter_examples
from bot.unanswered import store
from tests.utils.browser import chromium
from tests.utils.conversations import answer, takeover
from tests.utils.reports import write_report
from tests.utils.staff_web import PASSWORD

# Typed by a visitor: a name and a phone number the page must never show.
MISSED = "hi my name is Ana Ruiz, call 617-555-0142, can i drive home after my lutathera dose"
EXAMPLE = "can i drive home after my lutathera dose"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def sign_in(page, url, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url)


def test_an_admin_makes_an_example_and_reads_the_content_check(service, browser):
    entry = store.record(service["sessions"], MISSED, "fallback")
    faq = service["project"] / "data" / "nlu" / "faq.yml"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(f"{service['url']}/staff/unanswered")
    assert "/staff/login" in page.url
    sign_in(page, f"{service['url']}/staff/unanswered", "ada")
    shown = page.locator("main").inner_text()
    assert "[name]" in shown and "[phone]" in shown
    for detail in ("Ana", "Ruiz", "555-0142"):  # as words: the menu has "Analytics"
        assert not re.search(rf"\b{re.escape(detail)}\b", page.content()), detail

    page.get_by_label(f"Example text (message #{entry})").fill(EXAMPLE)
    page.get_by_label(f"Topic (message #{entry})").select_option("prrt")
    page.locator(f"#message-{entry}").get_by_role("button", name="Add as example").click()
    page.wait_for_selector(f"text=Added message #{entry} as a training example.")
    assert page.locator(f"#message-{entry}").count() == 0
    added = [e.label for e in iter_examples([faq]) if e.text == EXAMPLE]
    assert added == ["faq/prrt"]
    assert store.find(service["sessions"], entry).handled_as == "faq/prrt"

    page.get_by_role("link", name="Content check").click()
    page.wait_for_url(f"{service['url']}/staff/content")
    report = page.locator("main").inner_text()
    assert "Quick check" in report and "content check:" in report
    assert page.locator("section.findings h3").count() > 0
    assert "data/responses/faq.yml" in report  # answers awaiting review are listed by file
    assert page.get_by_role("button", name="Run the full check with Rasa's validation").is_enabled()

    # After `make retrain`: its report, from the menu.
    write_report(service["reports"], "20261201-120000", "is prrt safe for my heart")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="20261201-120000").click()
    page.wait_for_url(f"{service['url']}/staff/reports/20261201-120000/")
    shown = page.locator("body").inner_text()
    assert "intent accuracy 0.500 is below the threshold 0.900" in shown
    assert "is prrt safe for my heart" in shown  # the misread question
    assert dialogs == []
    context.close()


def test_staff_mark_a_false_emergency_that_admins_then_see(service, browser):
    lead = service["leads"][0]
    service["chat_calls"].transcripts[lead.conversation_id] = [
        *answer("what is octreotide"),
        *takeover("my name is Robert Kowalski and i fainted last week, is it the octreotide"),
    ]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{service['url']}/staff/leads/{lead.reference}")
    sign_in(page, f"{service['url']}/staff/leads/{lead.reference}", "sam")
    page.get_by_role("link", name="Read the conversation").click()
    page.get_by_role("button", name="Not an emergency").click()
    page.wait_for_selector("text=Marked not an emergency: the message")
    assert page.get_by_role("button", name="Not an emergency").count() == 0
    context.close()

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{service['url']}/staff/unanswered")
    sign_in(page, f"{service['url']}/staff/unanswered", "ada")
    shown = page.locator("main").inner_text()
    assert "false emergency (marked by staff)" in shown and "i fainted last week" in shown
    assert "Robert" not in shown and "Kowalski" not in shown
    context.close()
