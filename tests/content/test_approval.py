"""A reviewer's decision written into the answer's metadata: only those lines change, comments
stay, the file parses to the old content plus the decision, and a decision on text the reviewer
did not see is refused."""

import datetime as dt
import difflib
import errno
from pathlib import Path

import pytest
import yaml

from bot.content.approval import (
    CHANGED_SINCE_SHOWN,
    MAX_COMMENT_CHARS,
    AnswerRef,
    approve,
    review_list,
    send_back,
)
from bot.content.edits import EditRefused
from bot.content.review import fingerprint
from bot.settings import ROOT
from tests.utils.content import replace, write

TODAY = dt.date(2026, 12, 1)
ANSWERS = """\
version: "3.1"
# The answers; comments explain the data and must survive every decision.
responses:
  # Seed only.
  utter_faq/prrt:
  - text: "PRRT is a targeted radiation treatment. Would you like our team to call you?"
    metadata:
      source: "clinical knowledge — needs review"   # where it came from
      drafted_on: "2026-11-25"
      needs_clinical_review: true   # until a clinician signs it off
      offer: callback

  utter_ask_pain:
  - condition:
      - type: slot
        name: last_topic
        value: prrt
    text: "PRRT itself usually doesn't hurt. Would you like a call from our team?"
    metadata:
      source: "clinical knowledge — needs review"
      drafted_on: "2026-11-30"
      needs_clinical_review: true
      offer: callback
  - text: "I don't have details on that for this topic. Would you like a call?"
    metadata:
      source: "general"
      drafted_on: "2026-11-30"
      needs_clinical_review: true
      offer: callback
"""


@pytest.fixture
def project(tmp_path) -> Path:
    write(tmp_path, "data/responses/faq.yml", ANSWERS)
    return tmp_path


def answers_file(root: Path) -> Path:
    return root / "data/responses/faq.yml"


def item(root: Path, response: str, index: int = 0):
    [found] = [
        i
        for i in review_list(root, TODAY, 365).waiting
        if (i.ref.response, i.ref.index) == (response, index)
    ]
    return found


def changed_lines(before: str, after: str):
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line for line in diff if line[:2] in ("- ", "+ ")]


def test_approving_writes_who_when_and_the_words_and_nothing_else(project):
    shown = item(project, "utter_faq/prrt")
    approve(project, shown.ref, shown.version, "dr.lee", TODAY)
    after = answers_file(project).read_text(encoding="utf-8")
    assert changed_lines(ANSWERS, after) == [
        '-       source: "clinical knowledge — needs review"   # where it came from',
        '+       source: "clinical knowledge"   # where it came from',
        "-       needs_clinical_review: true   # until a clinician signs it off",
        "+       needs_clinical_review: false   # until a clinician signs it off",
        '+       reviewed_by: "dr.lee"',
        '+       reviewed_on: "2026-12-01"',
        f'+       reviewed_fingerprint: "{fingerprint(shown.answer.text)}"',
    ]
    listing = review_list(project, TODAY, 365)
    assert (listing.approved, listing.total, len(listing.waiting)) == (1, 3, 2)


def test_a_conditional_variant_is_decided_alone(project):
    shown = item(project, "utter_ask_pain", 1)
    approve(project, shown.ref, shown.version, "dr.lee", TODAY)
    content = yaml.safe_load(answers_file(project).read_text(encoding="utf-8"))
    first, default = content["responses"]["utter_ask_pain"]
    assert first["metadata"]["needs_clinical_review"] is True
    assert default["metadata"]["reviewed_by"] == "dr.lee"
    assert default["metadata"]["source"] == "general"
    assert first["condition"] == [{"type": "slot", "name": "last_topic", "value": "prrt"}]


def test_a_decision_on_text_changed_since_the_page_was_shown_is_refused(project):
    shown = item(project, "utter_faq/prrt")
    replace(answers_file(project), "a targeted radiation treatment", "a radiation treatment")
    before = answers_file(project).read_bytes()
    with pytest.raises(EditRefused, match="changed since the page was shown"):
        approve(project, shown.ref, shown.version, "dr.lee", TODAY)
    with pytest.raises(EditRefused, match="changed since the page was shown"):
        send_back(project, shown.ref, shown.version, "dr.lee", "too vague", TODAY)
    assert answers_file(project).read_bytes() == before


def test_a_second_reviewer_deciding_on_the_same_page_is_refused(project):
    shown = item(project, "utter_faq/prrt")
    approve(project, shown.ref, shown.version, "dr.lee", TODAY)
    with pytest.raises(EditRefused) as refused:
        send_back(project, shown.ref, shown.version, "dr.kim", "no", TODAY)
    assert str(refused.value) == CHANGED_SINCE_SHOWN


def test_an_answer_no_longer_there_is_refused(project):
    shown = item(project, "utter_ask_pain", 1)
    moved = AnswerRef(shown.ref.file, shown.ref.response, 7)
    with pytest.raises(EditRefused, match="changed since the page was shown"):
        approve(project, moved, shown.version, "dr.lee", TODAY)


@pytest.mark.parametrize("name", ["../../etc/passwd", "faq.yml/..", "nope.yml", ""])
def test_only_a_file_of_data_responses_is_written(project, name):
    shown = item(project, "utter_faq/prrt")
    with pytest.raises(EditRefused, match="there is no answers file"):
        approve(project, AnswerRef(name, shown.ref.response, 0), shown.version, "x", TODAY)


def test_sending_back_keeps_a_hostile_comment_as_plain_text_and_withdraws_approval(project):
    shown = item(project, "utter_faq/prrt")
    approve(project, shown.ref, shown.version, "dr.lee", TODAY)
    listing = review_list(project, TODAY + dt.timedelta(days=400), 365)
    [overdue] = [i for i in listing.waiting if i.ref.response == "utter_faq/prrt"]
    assert overdue.state.status == "overdue"
    hostile = 'Wrong: "always"\\n<script>alert(1)</script>\n# not a comment\u2028 end: {x} é'
    send_back(project, overdue.ref, overdue.version, "dr.kim", hostile, TODAY)
    text = answers_file(project).read_text(encoding="utf-8")
    content = yaml.safe_load(text)
    metadata = content["responses"]["utter_faq/prrt"][0]["metadata"]
    assert metadata["sent_back"] == " ".join(hostile.split())
    assert metadata["needs_clinical_review"] is True
    assert {"reviewed_by", "reviewed_on", "reviewed_fingerprint"}.isdisjoint(metadata)
    assert (metadata["sent_back_by"], metadata["sent_back_on"]) == ("dr.kim", "2026-12-01")
    assert "# The answers; comments explain the data" in text
    # The comment is one line of the file: nothing of it became YAML structure.
    assert sum("sent_back:" in line for line in text.splitlines()) == 1


def test_approving_an_answer_sent_back_removes_the_comment(project):
    shown = item(project, "utter_faq/prrt")
    send_back(project, shown.ref, shown.version, "dr.kim", "Name the drug.", TODAY)
    again = item(project, "utter_faq/prrt")
    assert again.sent_back == 'sent back by dr.kim on 2026-12-01: "Name the drug."'
    approve(project, again.ref, again.version, "dr.lee", TODAY)
    metadata = yaml.safe_load(answers_file(project).read_text())["responses"]["utter_faq/prrt"][0][
        "metadata"
    ]
    assert "sent_back" not in metadata and metadata["reviewed_by"] == "dr.lee"


@pytest.mark.parametrize(
    "comment, words",
    [
        ("", "write a comment"),
        (" \n\t ", "write a comment"),
        ("x" * (MAX_COMMENT_CHARS + 1), f"at most {MAX_COMMENT_CHARS}"),
        ("bad \x00 byte", "control characters"),
        ("looks \u202eright", "direction of text"),
    ],
)
def test_a_comment_that_cannot_be_kept_is_refused_and_nothing_written(project, comment, words):
    shown = item(project, "utter_faq/prrt")
    before = answers_file(project).read_bytes()
    with pytest.raises(EditRefused, match=words):
        send_back(project, shown.ref, shown.version, "dr.kim", comment, TODAY)
    assert answers_file(project).read_bytes() == before


def test_windows_line_endings_are_kept(project):
    path = answers_file(project)
    path.write_bytes(ANSWERS.replace("\n", "\r\n").encode("utf-8"))
    shown = item(project, "utter_faq/prrt")
    approve(project, shown.ref, shown.version, "dr.lee", TODAY)
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") == ANSWERS.count("\n") + 3


def test_metadata_written_on_one_line_is_refused_with_the_fix(project):
    replace(
        answers_file(project),
        '    metadata:\n      source: "general"\n      drafted_on: "2026-11-30"\n'
        "      needs_clinical_review: true\n      offer: callback\n",
        '    metadata: {source: "general", drafted_on: "2026-11-30", '
        "needs_clinical_review: true, offer: callback}\n",
    )
    shown = item(project, "utter_ask_pain", 1)
    with pytest.raises(EditRefused, match="write one field per line"):
        approve(project, shown.ref, shown.version, "dr.lee", TODAY)


def test_a_file_with_a_yaml_error_is_listed_as_unreadable(project):
    write(project, "data/responses/followups.yml", 'responses:\n  utter_x:\n  - text: "open\n')
    listing = review_list(project, TODAY, 365)
    assert listing.unreadable == ["followups.yml"] and listing.total == 3


def test_a_read_only_copy_says_where_decisions_are_made(project, monkeypatch):
    """The production containers' files are read-only (as root, chmod would not stop us)."""

    def read_only(*_args):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("bot.content.edits.os.replace", read_only)
    shown = item(project, "utter_faq/prrt")
    with pytest.raises(EditRefused, match=r"cannot be written here \(Read-only file system\)"):
        approve(project, shown.ref, shown.version, "dr.lee", TODAY)
    assert answers_file(project).read_text(encoding="utf-8") == ANSWERS
    assert [p.name for p in answers_file(project).parent.iterdir()] == ["faq.yml"]


def test_every_real_answer_is_counted():
    listing = review_list(ROOT, TODAY, 365)
    assert listing.total >= 36 and listing.unreadable == []
    assert listing.approved + len(listing.waiting) == listing.total
