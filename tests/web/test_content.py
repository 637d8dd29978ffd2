"""The content check page (bot/web/routes/content.py) over real HTTP, on a copy of the
project's content: admins only, the report grouped by file with errors first, escaped, made
again when a file changes; Rasa's validation on its button, one run at a time."""

import re

import requests

from bot.web.routes import content
from tests.utils.content import replace
from tests.utils.staff_web import csrf, sign_in


def test_anonymous_is_sent_to_sign_in_and_staff_are_refused(service):
    page = requests.get(f"{service['url']}/staff/content", allow_redirects=False)
    assert (
        page.status_code == 303 and page.headers["location"] == "/staff/login?next=/staff/content"
    )
    answer = requests.post(f"{service['url']}/staff/content/rasa", allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/staff/login")
    staff = sign_in(service, "sam")
    assert staff.get(f"{service['url']}/staff/content").status_code == 403
    token = csrf(staff, f"{service['url']}/staff/")
    answer = staff.post(f"{service['url']}/staff/content/rasa", data={"csrftoken": token})
    assert answer.status_code == 403 and "Only admins" in answer.text
    assert "Content check" not in staff.get(f"{service['url']}/staff/").text


def test_the_full_check_needs_the_csrf_token(service):
    admin = sign_in(service, "ada")
    answer = admin.post(f"{service['url']}/staff/content/rasa", allow_redirects=False)
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert content.NOTICES["done"] not in admin.get(f"{service['url']}/staff/content").text


def test_the_report_groups_by_file_errors_first_and_escapes_everything(service):
    project = service["project"]
    faq = project / "data" / "nlu" / "faq.yml"
    # A topic's example that is also an intent's: an error in faq.yml (as `content check`).
    replace(
        project / "data" / "nlu" / "core.yml",
        "- intent: greet\n  examples: |\n",
        "- intent: greet\n  examples: |\n    - <b>what is prrt</b>\n",
    )
    replace(faq, "examples: |\n", "examples: |\n    - <b>what is prrt</b>\n")
    admin = sign_in(service, "ada")
    page = admin.get(f"{service['url']}/staff/content")
    assert page.status_code == 200
    assert "<b>what is prrt</b>" not in page.text and "&lt;b&gt;what is prrt&lt;/b&gt;" in page.text
    sections = re.findall(r'<section class="card findings">\s*<h3>([^<]*)</h3>', page.text)
    assert sections[0] in ("data/nlu/core.yml", "data/nlu/faq.yml")
    # Each file's errors come before its warnings; files with errors before the others.
    quick = page.text[page.text.index("<h2>Quick check") : page.text.index("<h2>With Rasa")]
    blocks = quick.split('<section class="card findings">')[1:]
    with_errors = ["finding-error" in b for b in blocks]
    assert with_errors == sorted(with_errors, reverse=True) and with_errors[0]
    for block in blocks:
        if "finding-error" in block and "finding-warning" in block:
            assert block.index("finding-error") < block.index("finding-warning")
    assert "error(s)" in quick and "Rasa&#39;s validation skipped" in quick
    assert "await clinical review" in quick  # folded into one line per file


def test_the_quick_report_follows_the_files(service):
    admin = sign_in(service, "ada")
    assert "not valid YAML" not in admin.get(f"{service['url']}/staff/content").text
    (service["project"] / "data" / "nlu" / "faq.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/prrt\n\texamples: |\n', encoding="utf-8"
    )
    after = admin.get(f"{service['url']}/staff/content").text
    section = after[after.index("<h3>data/nlu/faq.yml</h3>") :]
    assert re.match(
        r"<h3>data/nlu/faq.yml</h3>\s*<ul>\s*<li class=\"finding-error\"><strong>Error</strong> · "
        r"line 4: this file is not valid YAML: there is a tab character",
        section,
    )


def test_one_full_check_at_a_time(service):
    admin = sign_in(service, "ada")
    token = csrf(admin, f"{service['url']}/staff/content")
    assert content._running.acquire(blocking=False)
    try:
        page = admin.get(f"{service['url']}/staff/content").text
        assert "A full check is running now." in page and "disabled" in page
        answer = admin.post(f"{service['url']}/staff/content/rasa", data={"csrftoken": token})
        assert content.NOTICES["busy"].replace("'", "&#39;") in answer.text
    finally:
        content._running.release()


def test_the_full_check_runs_rasa_and_shows_its_report_with_its_time(service):
    """Rasa's own validation, for real (about 20 s): on the copy, made to fail on a response
    a rule names that no file has."""
    replace(
        service["project"] / "data" / "rules" / "safety.yml",
        "  - action: utter_emergency\n",
        "  - action: utter_emergency_missing\n",
    )
    admin = sign_in(service, "ada")
    token = csrf(admin, f"{service['url']}/staff/content")
    page = admin.post(f"{service['url']}/staff/content/rasa", data={"csrftoken": token})
    assert page.status_code == 200 and content.NOTICES["done"].replace("'", "&#39;") in page.text
    full = page.text[page.text.index("<h2>With Rasa") :]
    assert re.search(r"Last full check: \d{4}-\d\d-\d\d \d\d:\d\d UTC by ada", full)
    assert "utter_emergency_missing" in full and "finding-error" in full
