"""The unanswered page (bot/web/routes/unanswered.py) over real HTTP, on a copy of the
project's content: admins only, groups with counts, never a personal detail, and one message
made a training example (audited), with every refusal said and nothing lost."""

import html
import re

import pytest
import requests
from sqlalchemy import select, text

from bot.db.models import AuditEntry
from bot.unanswered import store
from bot.web.routes import unanswered
from tests.utils.staff_web import csrf, sign_in

PERSONAL = [
    ("hi my name is Maria Lopez, how much does lutathera cost", ("Maria", "Lopez")),
    ("call me at 617-555-0142 about lutathera costs", ("617-555-0142", "555-0142")),
    ("this is Deshawn Washington, is octreotide covered", ("Deshawn", "Washington")),
    ("my email is ana.ruiz@example.org, do you treat kids", ("ana.ruiz", "example.org")),
]


def faq(service) -> str:
    return (service["project"] / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8")


def page(browser, service, days=None) -> str:
    query = f"?days={days}" if days else ""
    answer = browser.get(f"{service['url']}/staff/unanswered{query}")
    assert answer.status_code == 200, answer.text
    return answer.text


def add(browser, service, entry_id, topic, typed, token=None):
    token = token or csrf(browser, f"{service['url']}/staff/unanswered")
    return browser.post(
        f"{service['url']}/staff/unanswered/{entry_id}/example",
        data={"csrftoken": token, "topic": topic, "text": typed},
    )


def audited(service):
    with service["sessions"]() as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.action == "added example"))
        return [(r.actor, r.lead_id, r.detail) for r in rows.scalars()]


def test_anonymous_is_sent_to_sign_in_and_staff_are_refused(service):
    entry = store.record(service["sessions"], "is prrt safe for my heart", "fallback")
    answer = requests.get(f"{service['url']}/staff/unanswered", allow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/login?next=/staff/unanswered"
    staff = sign_in(service, "sam")
    assert staff.get(f"{service['url']}/staff/unanswered").status_code == 403
    answer = add(
        staff,
        service,
        entry,
        "faq/prrt",
        "is prrt safe for my heart",
        token=csrf(staff, f"{service['url']}/staff/"),
    )
    assert answer.status_code == 403 and "Only admins" in answer.text
    assert store.find(service["sessions"], entry).handled_as is None


def test_without_the_csrf_token_nothing_is_written(service):
    entry = store.record(service["sessions"], "is prrt safe for my heart", "fallback")
    before = faq(service)
    admin = sign_in(service, "ada")
    answer = admin.post(
        f"{service['url']}/staff/unanswered/{entry}/example",
        data={"topic": "prrt", "text": "is prrt safe for my heart"},
    )
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert faq(service) == before and store.find(service["sessions"], entry).handled_as is None
    assert audited(service) == []


def test_groups_with_counts_and_never_a_personal_detail(service):
    sessions = service["sessions"]
    for typed, _ in PERSONAL:
        store.record(sessions, typed, "fallback")
    for typed in ("how much does lutathera cost", "lutathera costs?"):
        store.record(sessions, typed, "unsure_topic", guess="faq/prrt", confidence=0.2)
    # A row that never went through the scrubber (an older version, a hand edit).
    with sessions.begin() as session:
        session.execute(
            text("INSERT INTO unanswered (day, kind, text) VALUES (:day, 'fallback', :typed)"),
            {"day": store.today(), "typed": "my name is Rosa Diaz <script>alert(1)</script>"},
        )
    shown = page(sign_in(service, "ada"), service)
    for _, details in PERSONAL:
        for detail in details:
            assert detail not in shown
    assert "Rosa" not in shown and "Diaz" not in shown and "<script>alert" not in shown
    assert "[name]" in shown and "[phone]" in shown and "[email]" in shown
    counts = [int(n) for n in re.findall(r"<h2>(\d+) ×", shown)]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 3 and sum(counts) == 7
    # The guessed topic is chosen in its messages' forms.
    assert re.search(r'<option value="prrt" selected>', shown)
    assert "unsure which topic" in shown and "the assistant's guess: faq/prrt" in shown


def test_only_the_newest_messages_are_grouped_and_the_rest_counted(service, monkeypatch):
    monkeypatch.setattr(unanswered, "MAX_GROUPED", 2)
    for typed in ("what is a carcinoid", "is prrt painful", "how long is a whipple"):
        store.record(service["sessions"], typed, "fallback")
    shown = page(sign_in(service, "ada"), service)
    assert "1 older ones are left out" in shown
    messages = re.findall(r'<p class="message">#\d+ · ([^<]*)</p>', shown)
    assert sorted(messages) == ["how long is a whipple", "is prrt painful"]


def test_a_message_becomes_an_example_of_the_chosen_topic_audited(service):
    sessions = service["sessions"]
    entry = store.record(sessions, "my name is Ana Ruiz, can i drive after lutathera", "fallback")
    admin = sign_in(service, "ada")
    assert "[name]" in page(admin, service)
    answer = add(admin, service, entry, "prrt", "can i drive home after my lutathera dose")
    assert answer.status_code == 200 and answer.url.endswith(f"added={entry}&days=30")
    assert f"Added message #{entry} as a training example." in answer.text
    assert "    - can i drive home after my lutathera dose\n" in faq(service)
    assert "Ana" not in faq(service)
    assert store.find(sessions, entry).handled_as == "faq/prrt"
    assert f'id="message-{entry}"' not in answer.text  # handled: off the list
    assert audited(service) == [
        ("ada", None, f"unanswered #{entry} to faq/prrt in data/nlu/faq.yml")
    ]
    again = add(admin, service, entry, "prrt", "can i drive home after lutathera")
    assert again.status_code == 422 and "already added to faq/prrt" in again.text


def refused(service, admin, entry, topic, typed):
    before = faq(service)
    answer = add(admin, service, entry, topic, typed)
    assert answer.status_code == 422, answer.text
    assert faq(service) == before and store.find(service["sessions"], entry).handled_as is None
    assert audited(service) == []
    return answer.text


def test_refusals_are_said_and_lose_nothing(service):
    entry = store.record(service["sessions"], "is prrt safe for my heart", "fallback")
    admin = sign_in(service, "ada")
    shown = refused(service, admin, entry, "faq/<script>x</script>", "is prrt safe for my heart")
    assert "Not added: unknown topic" in shown and "<script>x" not in shown
    shown = refused(service, admin, entry, "", "is prrt safe for my heart")
    assert "Not added: unknown topic" in shown
    shown = refused(service, admin, entry, "prrt", "   ")
    assert "Not added: the example is empty" in shown
    # Personal data typed into the rewording is refused and shown back scrubbed, not as typed.
    shown = refused(service, admin, entry, "prrt", "I'm Ana Ruiz, call 617-555-0142, is prrt ok")
    assert "still has personal data taken out" in shown
    assert not re.search(r"\bAna\b|Ruiz|555-0142", shown)  # as words: the menu has "Analytics"
    textarea = re.search(rf'id="text-{entry}"[^>]*>([^<]*)</textarea>', shown).group(1)
    assert "[phone]" in html.unescape(textarea)
    # What Rasa would read as an entity annotation.
    shown = refused(service, admin, entry, "prrt", "is [prrt](treatment) safe")
    assert "entity" in shown
    answer = add(admin, service, 99999, "prrt", "is prrt safe")
    assert answer.status_code == 422 and "no unanswered message #99999" in answer.text


def test_a_huge_text_is_refused_with_its_length(service):
    entry = store.record(service["sessions"], "is prrt safe for my heart", "fallback")
    admin = sign_in(service, "ada")
    shown = refused(service, admin, entry, "prrt", "is prrt safe " * 1000)
    assert "13,000 characters long: keep it under 500" in shown
    # Past what a form may carry at all: refused before it is read.
    answer = add(admin, service, entry, "prrt", "x" * 70_000)
    assert answer.status_code == 413 and "too large" in answer.text
    assert store.find(service["sessions"], entry).handled_as is None


@pytest.mark.parametrize(
    "typed, written",
    [
        ("is <b>prrt</b> safe for my heart", "is <b>prrt</b> safe for my heart"),
        (
            "is prrt safe'); DROP TABLE unanswered;--",
            "is prrt safe'); DROP TABLE unanswered;--",
        ),
        ("is prrt\x1b[2J safe\u202e for\x00 my heart", "is prrt [2J safe for my heart"),
        ("¿es segura la PRRT para el corazón? 🙂", "¿es segura la PRRT para el corazón? 🙂"),
    ],
)
def test_odd_text_is_written_as_plain_text(service, typed, written):
    entry = store.record(service["sessions"], "is prrt safe for my heart", "fallback")
    admin = sign_in(service, "ada")
    answer = add(admin, service, entry, "prrt", typed)
    assert answer.status_code == 200, answer.text
    assert f"    - {written}\n" in faq(service)
    assert store.find(service["sessions"], entry).handled_as == "faq/prrt"  # table intact
