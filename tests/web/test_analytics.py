"""The analytics page over real HTTP: admins only, the numbers and their charts as SVG the
CSP allows (no scripts, no style attributes), a bad range of days said plainly, and days
without data shown as such."""

import re
import xml.etree.ElementTree as ElementTree
from datetime import timedelta

import requests

from bot.analytics import counts
from bot.leads import queue
from bot.settings import ROOT
from bot.staff.accounts import add_user
from bot.web.app import SECURITY_HEADERS
from tests.utils.browser import chromium
from tests.utils.ci import require
from tests.utils.staff_web import PASSWORD, sign_in

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

SVG = re.compile(r"<svg.*?</svg>", re.S)


def page(browser, service, query=""):
    return browser.get(f"{service['url']}/staff/analytics{query}", allow_redirects=False)


def test_anonymous_is_sent_to_sign_in_and_staff_are_refused(service):
    anonymous = page(requests, service)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/staff/login?next=/staff/analytics"
    staff = sign_in(service, "sam")
    assert page(staff, service).status_code == 403
    assert "/staff/analytics" not in staff.get(f"{service['url']}/staff/").text


def test_an_admin_sees_the_numbers_and_their_charts(service):
    sessions, today = service["sessions"], counts.today()
    for _ in range(4):
        counts.increment(sessions, "conversation", day=today)
    counts.increment(sessions, "conversation", day=today - timedelta(days=1))
    counts.increment(sessions, "answered_conversation", day=today)
    for topic in ("prrt", "prrt", "surgery"):
        counts.increment(sessions, "answer", topic, day=today)
    counts.increment(sessions, "miss", "out_of_scope", day=today)
    admin = sign_in(service, "ada")
    assert '<a href="/staff/analytics">Analytics</a>' in admin.get(f"{service['url']}/staff/").text

    answer = page(admin, service)
    assert answer.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value, name  # the CSP as every staff page has it
    html = answer.text
    assert "<dt>Conversations</dt><dd>5</dd>" in html
    assert "<dd>1 (20% of conversations got at least one answer to a question)</dd>" in html
    assert "<dd>1 (25% of the questions the assistant took up)</dd>" in html
    assert "<tr><td>prrt</td><td>2</td></tr>" in html
    assert "<dt>Requests</dt><dd>2</dd>" in html  # the two leads of the fixture, made today
    assert "<dd>none reached yet</dd>" in html

    # One of them reached by phone 90 minutes after it was made.
    lead, worker = service["leads"][0], add_user(sessions, "wendy", PASSWORD)
    claimed_at = lead.created_at + timedelta(minutes=30)
    queue.claim(sessions, lead.reference, worker, timedelta(hours=2), now=claimed_at)
    done_at = lead.created_at + timedelta(minutes=90)
    queue.record_outcome(sessions, lead.reference, worker, "contacted", now=done_at)
    html = page(admin, service).text
    assert "<dt>Reached by phone</dt><dd>1 (50%)</dd>" in html
    assert "<dd>1 h 30 min (from the request to the first call that reached the visitor)" in html
    charts = SVG.findall(html)
    assert len(charts) == 2
    conversations = ElementTree.fromstring(charts[0])  # well-formed, as a browser parses it
    bars = conversations.findall("rect")
    assert len(bars) == 30  # the last 30 days, one bar each
    assert bars[-1].find("title").text == f"{today}: 4"
    assert float(bars[-1].get("height")) == 100.0 and float(bars[-2].get("height")) == 25.0
    assert conversations.get("role") == "img"
    assert "Conversations per day: 5 in all, most on" in conversations.find("title").text
    assert "style=" not in html and "<script" not in html  # nothing the CSP would block


def test_a_bad_range_is_said_plainly_and_kept_in_the_form(service):
    admin = sign_in(service, "ada")
    answer = page(admin, service, "?start=<script>alert(1)</script>&end=2026-11-30")
    assert answer.status_code == 422
    assert "The start date &#39;&lt;script&gt;alert(1)&lt;/sc&#39; is not a date" in answer.text
    assert "<script>" not in answer.text and "<svg" not in answer.text
    assert 'value="2026-11-30"' in answer.text
    backwards = page(admin, service, "?start=2026-11-30&end=2026-11-01")
    assert backwards.status_code == 422
    assert "The start (2026-11-30) is after the end (2026-11-01)." in backwards.text
    too_long = page(admin, service, "?start=2020-01-01&end=2026-11-01")
    assert too_long.status_code == 422 and "Choose at most 366 days" in too_long.text


def test_days_without_data_say_so(service):
    admin = sign_in(service, "ada")
    answer = page(admin, service, "?start=2020-01-01&end=2020-01-31")
    assert answer.status_code == 200
    assert "No data yet for 2020-01-01 to 2020-01-31" in answer.text
    assert "<svg" not in answer.text


def test_in_a_browser_the_charts_draw_under_the_csp_and_the_page_is_accessible(service):
    """Chromium with the page's own CSP: no refusal, bars drawn; then axe (injected, so with
    the CSP bypassed) finds nothing serious."""
    today = counts.today()
    for day, conversations in ((today, 3), (today - timedelta(days=1), 6)):
        for _ in range(conversations):
            counts.increment(service["sessions"], "conversation", day=day)
    with chromium() as browser:
        context = browser.new_context()
        page_ = context.new_page()
        console = []
        page_.on("console", lambda message: console.append(message.text))
        page_.goto(f"{service['url']}/staff/analytics")
        page_.get_by_label("Username").fill("ada")
        page_.get_by_label("Password").fill(PASSWORD)
        page_.get_by_role("button", name="Sign in").click()
        page_.goto(f"{service['url']}/staff/analytics")
        bars = page_.locator("#conversations ~ figure svg rect.bar")
        heights = [bars.nth(i).bounding_box()["height"] for i in (28, 29)]
        assert heights[0] > heights[1] > 0  # six conversations yesterday, three today
        fill = page_.eval_on_selector("rect.bar", "bar => getComputedStyle(bar).fill")
        assert fill == "rgb(11, 74, 111)"  # the stylesheet's colour reached the SVG
        assert not [line for line in console if "Content Security Policy" in line], console
        cookies = context.cookies()
        context.close()

        require(AXE.exists(), "axe-core is not installed (npm ci: `make install` runs it)")
        checked = browser.new_context(bypass_csp=True)
        checked.add_cookies(cookies)
        page_ = checked.new_page()
        page_.goto(f"{service['url']}/staff/analytics")
        page_.add_script_tag(path=str(AXE))
        result = page_.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == []
        checked.close()
