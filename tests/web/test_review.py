"""The review page over real HTTP: who may see it (and what a reviewer may not), approving and
sending back (written to a copy of the project's answers, audited), refusals that keep what
was typed, and escaping."""

import html
import re
import shutil
from datetime import date

import pytest
import requests
import yaml
from sqlalchemy import select

from bot.clinical_review import APPROVED_ACTION, SENT_BACK_ACTION
from bot.content.approval import review_list
from bot.db.models import AuditEntry
from bot.settings import ROOT
from bot.staff.accounts import add_user
from tests.utils.content import replace
from tests.utils.staff_web import PASSWORD, api_token, csrf, sign_in

HOSTILE = '<script>alert("x")</script> & \u2028"quoted" {center_phone}'


@pytest.fixture
def web_settings(web_settings, tmp_path, request):
    """The service reads and writes a copy of the project's answers (CONTENT_ROOT)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "data" / "responses", content / "data" / "responses")
    return web_settings.copy(update={"content_root": content, **getattr(request, "param", {})})


@pytest.fixture
def reviewing(service, web_settings):
    add_user(service["sessions"], "dr.lee", PASSWORD, role="reviewer")
    return {**service, "answers": web_settings.review_root / "data" / "responses"}


def forms(page: str, action: str):
    """The hidden fields of each form posting to `action`, in page order."""
    found = []
    for form in re.findall(rf'<form method="post" action="{action}".*?</form>', page, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        found.append({k: html.unescape(v) for k, v in fields.items()})
    return found


def audit(service):
    with service["sessions"]() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        return [(e.actor, e.action, e.lead_id, e.detail) for e in rows]


def metadata_of(answers, file, response, index):
    content = yaml.safe_load((answers / file).read_text(encoding="utf-8"))
    return content["responses"][response][index]["metadata"]


def test_anonymous_is_sent_to_sign_in(reviewing):
    for method, path in (("get", "/staff/review"), ("post", "/staff/review/approve")):
        page = getattr(requests, method)(f"{reviewing['url']}{path}", allow_redirects=False)
        assert page.status_code == 303, path
        assert page.headers["location"] == f"/staff/login?next={path}"


def test_staff_get_403_reviewers_and_admins_the_page(reviewing):
    url = reviewing["url"]
    assert sign_in(reviewing, "sam").get(f"{url}/staff/review").status_code == 403
    for username in ("dr.lee", "ada"):
        page = sign_in(reviewing, username).get(f"{url}/staff/review")
        assert page.status_code == 200, username
        assert "Answers to review" in page.text and "utter_faq/prrt" in page.text
        assert re.search(r"<strong>0</strong> of \d+ answers are approved", page.text)
        assert "seed: Treating NETs" in page.text  # the source of each answer


def test_a_reviewer_sees_no_callback_request(reviewing):
    url = reviewing["url"]
    browser = requests.Session()
    token = csrf(browser, f"{url}/staff/login")
    signed_in = browser.post(
        f"{url}/staff/login",
        allow_redirects=False,
        data={"csrftoken": token, "username": "dr.lee", "password": PASSWORD, "next": "/staff/"},
    )
    assert signed_in.headers["location"] == "/staff/review"  # where a reviewer starts
    page = browser.get(f"{url}/staff/review")
    assert 'href="/staff/"' not in page.text and 'href="/staff/review"' in page.text
    reference = reviewing["leads"][0].reference
    for path in ("/staff/", f"/staff/leads/{reference}", "/staff/export"):
        answer = browser.get(f"{url}{path}", allow_redirects=False)
        assert answer.status_code == 403 and reference not in answer.text, path
    claimed = browser.post(
        f"{url}/staff/claim-next", data={"csrftoken": browser.cookies["csrftoken"]}
    )
    assert claimed.status_code == 403
    bearer = api_token(reviewing, "dr.lee")
    for path in ("/api/leads", f"/api/leads/{reference}"):
        assert requests.get(f"{url}{path}", headers=bearer).status_code == 403, path
    assert requests.delete(f"{url}/api/session", headers=bearer).status_code == 204
    assert not [row for row in audit(reviewing) if row[2] is not None]  # no lead was viewed


def test_approving_writes_the_metadata_and_the_audit_entry(reviewing):
    browser = sign_in(reviewing, "dr.lee")
    page = browser.get(f"{reviewing['url']}/staff/review").text
    [form] = [f for f in forms(page, "/staff/review/approve") if f["response"] == "utter_faq/prrt"]
    answer = browser.post(
        f"{reviewing['url']}/staff/review/approve", data=form, allow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/review?notice=approved"
    metadata = metadata_of(reviewing["answers"], form["file"], form["response"], 0)
    assert metadata["needs_clinical_review"] is False and metadata["reviewed_by"] == "dr.lee"
    assert [row[:3] for row in audit(reviewing)] == [("dr.lee", APPROVED_ACTION, None)]
    assert "faq.yml utter_faq/prrt [0]" in audit(reviewing)[0][3]
    after = browser.get(reviewing["url"] + answer.headers["location"]).text
    assert "Approved: your name and today" in after
    assert re.search(r"<strong>1</strong> of \d+ answers are approved", after)
    listed = [f["response"] for f in forms(after, "/staff/review/approve")]
    assert form["response"] not in listed


def test_an_answer_changed_since_the_page_was_shown_is_not_approved(reviewing):
    browser = sign_in(reviewing, "ada")
    page = browser.get(f"{reviewing['url']}/staff/review").text
    [form] = [f for f in forms(page, "/staff/review/approve") if f["response"] == "utter_faq/prrt"]
    faq = reviewing["answers"] / "faq.yml"
    replace(faq, "PRRT (peptide receptor radionuclide therapy)", "PRRT (a radiation drug)")
    before = faq.read_bytes()
    answer = browser.post(f"{reviewing['url']}/staff/review/approve", data=form)
    assert answer.status_code == 409
    assert "changed since the page was shown" in answer.text
    assert faq.read_bytes() == before and audit(reviewing) == []
    assert "PRRT (a radiation drug)" in answer.text  # the page again, with the text as it is


def test_sending_back_keeps_the_comment_escaped_and_audited(reviewing):
    browser = sign_in(reviewing, "dr.lee")
    page = browser.get(f"{reviewing['url']}/staff/review").text
    form = forms(page, "/staff/review/send-back")[2]
    answer = browser.post(
        f"{reviewing['url']}/staff/review/send-back",
        data={**form, "comment": HOSTILE},
        allow_redirects=False,
    )
    assert answer.status_code == 303
    metadata = metadata_of(reviewing["answers"], form["file"], form["response"], int(form["index"]))
    assert metadata["sent_back"] == " ".join(HOSTILE.split())
    assert metadata["needs_clinical_review"] is True and metadata["sent_back_by"] == "dr.lee"
    assert [row[:2] for row in audit(reviewing)] == [("dr.lee", SENT_BACK_ACTION)]
    after = browser.get(f"{reviewing['url']}/staff/review").text
    assert "<script>alert" not in after
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in after
    assert "Sent back" in after


@pytest.mark.parametrize("comment, words", [("   ", "write a comment"), ("y" * 600, "at most 500")])
def test_a_refused_comment_is_shown_again_with_the_reason(reviewing, comment, words):
    browser = sign_in(reviewing, "dr.lee")
    page = browser.get(f"{reviewing['url']}/staff/review").text
    form = forms(page, "/staff/review/send-back")[0]
    before = {p.name: p.read_bytes() for p in reviewing["answers"].iterdir()}
    answer = browser.post(
        f"{reviewing['url']}/staff/review/send-back", data={**form, "comment": comment}
    )
    assert answer.status_code == 409 and words in answer.text
    assert comment.strip() in answer.text  # what was typed is in its box again
    assert {p.name: p.read_bytes() for p in reviewing["answers"].iterdir()} == before
    assert audit(reviewing) == []


def test_decisions_without_the_csrf_token_are_refused(reviewing):
    browser = sign_in(reviewing, "dr.lee")
    page = browser.get(f"{reviewing['url']}/staff/review").text
    form = forms(page, "/staff/review/approve")[0]
    for forged in ({k: v for k, v in form.items() if k != "csrftoken"}, {**form, "csrftoken": "x"}):
        answer = browser.post(f"{reviewing['url']}/staff/review/approve", data=forged)
        assert answer.status_code == 403
    stranger = requests.post(
        f"{reviewing['url']}/staff/review/approve", data=form, allow_redirects=False
    )
    assert stranger.status_code == 303  # no session: to sign-in, nothing decided
    assert audit(reviewing) == []


@pytest.mark.parametrize(
    "web_settings", [{"environment": "production", "content_root": None}], indirect=True
)
def test_production_takes_no_decision_on_its_images_copy(service, tmp_path, monkeypatch):
    """Without CONTENT_ROOT a production service would write to the image's copy of the
    answers, which the next deployment replaces: the page lists them and takes no decision."""
    image = tmp_path / "content"  # the project's copy, as the image has it
    monkeypatch.setattr("bot.settings.ROOT", image)
    add_user(service["sessions"], "dr.lee", PASSWORD, role="reviewer")
    browser = sign_in(service, "dr.lee")
    page = browser.get(f"{service['url']}/staff/review").text
    assert "Decisions are not taken here" in page and "utter_faq/prrt" in page
    assert forms(page, "/staff/review/approve") == []
    answers = image / "data" / "responses"
    before = {p.name: p.read_bytes() for p in answers.iterdir()}
    item = review_list(image, date.today(), 365).waiting[0]
    forged = {
        "csrftoken": browser.cookies["csrftoken"],
        "file": item.ref.file,
        "response": item.ref.response,
        "index": str(item.ref.index),
        "version": item.version,
    }
    answer = browser.post(f"{service['url']}/staff/review/approve", data=forged)
    assert answer.status_code == 409 and "decisions are not taken here" in answer.text
    assert {p.name: p.read_bytes() for p in answers.iterdir()} == before
    assert audit(service) == []
