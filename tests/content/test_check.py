"""Each kind of problem `content check` reports, on a small project, at the line it is on."""

from pathlib import Path
from typing import List

import pytest

from bot.content import ERROR, WARNING, Finding, check, topics
from bot.content.answers import MAX_ANSWER_CHARS
from tests.utils.content import (
    TEXT,
    TODAY,
    examples,
    line_with,
    replace,
    write,
    write_project,
)

MORE = str(Path("data", "nlu", "more.yml"))  # a file of the test's own project


def run(root: Path) -> List[Finding]:
    return check(root, rasa=False, today=TODAY, review_days=365)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def only(findings: List[Finding]) -> Finding:
    assert len(findings) == 1, [str(f) for f in findings]
    return findings[0]


def test_a_clean_project_has_no_findings(project):
    assert run(project) == []


def test_a_topic_without_an_answer_points_at_its_questions(tmp_path):
    write_project(tmp_path, answers={"prrt": TEXT.format(topic="prrt")})
    finding = only(run(tmp_path))
    assert (finding.severity, finding.file, finding.kind) == (
        ERROR,
        "data/nlu/faq.yml",
        "missing-answer",
    )
    assert finding.line == line_with(tmp_path / "data/nlu/faq.yml", "- intent: faq/surgery")
    assert "faq/surgery has questions but no answer: add utter_faq/surgery" in finding.message


def test_a_new_topic_needs_only_its_answer_and_questions(tmp_path):
    """What makes a topic is its answer: the content team adds one without an engineer."""
    write_project(
        tmp_path,
        blocks={f"faq/{t}": examples(t) for t in ("prrt", "surgery", "parking")},
        answers={t: TEXT.format(topic=t) for t in ("prrt", "surgery", "parking")},
    )
    assert run(tmp_path) == []
    assert topics(tmp_path) == ("prrt", "surgery", "parking")


def test_a_misspelt_topic_is_named_with_the_one_meant(tmp_path):
    write_project(
        tmp_path,
        blocks={"faq/prrt": examples("prrt"), "faq/surgry": examples("surgry")},
        answers={t: TEXT.format(topic=t) for t in ("prrt", "surgery")},
    )
    typo, missing = sorted(run(tmp_path), key=lambda f: f.kind)
    assert typo.kind == "missing-answer" and "did you mean faq/surgery?" in typo.message
    assert missing.kind == "too-few-examples"
    assert missing.message.startswith("the topic faq/surgery has 0 example question(s) (under")


def test_a_topic_with_too_few_examples_points_at_its_block(tmp_path):
    write_project(
        tmp_path, blocks={"faq/prrt": examples("prrt"), "faq/surgery": examples("surgery", 12)}
    )
    finding = only(run(tmp_path))
    assert finding.line == line_with(tmp_path / "data/nlu/faq.yml", "- intent: faq/surgery")
    assert "12 example question(s)" in finding.message and "add 8 more" in finding.message


def test_an_intent_without_examples(tmp_path):
    nlu = write_project(tmp_path) / "data/nlu/faq.yml"
    replace(nlu, "- intent: greet\n  examples: |\n    - hello there\n    - good morning\n", "")
    nlu.write_text(nlu.read_text() + "- intent: goodbye\n  examples: |\n")
    finding = only(run(tmp_path))
    assert (finding.kind, finding.line) == ("missing-examples", line_with(nlu, "goodbye"))


def test_an_example_without_its_dash_is_not_silently_dropped(project):
    nlu = project / "data/nlu/faq.yml"
    replace(nlu, "    - good morning", "    good morning")
    finding = only(run(project))
    assert (finding.severity, finding.kind) == (ERROR, "example-format")
    assert finding.line == line_with(nlu, "    good morning")


def test_the_same_question_under_a_topic_and_an_intent(project):
    """'What are NETs?' and 'what is net' are one lemma sequence: what be net."""
    nlu = project / "data/nlu/faq.yml"
    replace(nlu, "    - tell me about prrt number 3", "    - What are NETs?")
    replace(nlu, "    - hello there", "    - what is net")
    finding = only(run(project))
    assert (finding.severity, finding.kind) == (ERROR, "duplicate")
    assert finding.line == line_with(nlu, "what is net")
    assert f"faq/prrt, data/nlu/faq.yml:{line_with(nlu, 'What are NETs?')}" in finding.message


def test_the_same_question_under_two_topics_in_two_files(project):
    write(
        project,
        MORE,
        'version: "3.1"\nnlu:\n- intent: faq/surgery\n  examples: |\n'
        "    - first line\n    - Tell me about PRRT number 5!\n",
    )
    [finding] = [f for f in run(project) if f.kind == "duplicate"]
    assert (finding.file, finding.line) == (MORE, 6)


def test_nearly_the_same_long_question_is_a_warning(project):
    nlu = project / "data/nlu/faq.yml"
    replace(
        nlu, "    - tell me about prrt number 3", "    - how long does the first prrt session take"
    )
    replace(nlu, "    - hello there", "    - how long does the prrt session take")
    finding = only(run(project))
    assert (finding.severity, finding.kind) == (WARNING, "near-duplicate")
    assert finding.line == line_with(nlu, "how long does the prrt session take")


def test_short_questions_that_differ_by_one_word_are_not_repeats(project):
    nlu = project / "data/nlu/faq.yml"
    replace(nlu, "    - tell me about prrt number 3", "    - is prrt painful")
    replace(nlu, "    - tell me about surgery number 3", "    - is surgery painful")
    assert run(project) == []


def test_an_answer_longer_than_a_chat_bubble(tmp_path):
    long = "Word " * 150 + "Do you have another question about NETs?"
    write_project(tmp_path, answers={"prrt": long, "surgery": TEXT.format(topic="surgery")})
    finding = only(run(tmp_path))
    assert finding.line == line_with(tmp_path / "data/responses/faq.yml", "Word Word")
    assert f"more than a chat bubble holds ({MAX_ANSWER_CHARS})" in finding.message


def test_an_answer_awaiting_clinical_review_is_a_counted_warning(project):
    answers = project / "data/responses/faq.yml"
    replace(answers, "needs_clinical_review: false", "needs_clinical_review: true")
    finding = only(run(project))
    assert (finding.severity, finding.kind) == (WARNING, "awaiting-review")
    assert finding.line == line_with(answers, "needs_clinical_review: true")
    assert finding.message.startswith("utter_faq/prrt: awaiting clinical review")


def test_an_answer_past_its_review_date(project):
    answers = project / "data/responses/faq.yml"
    replace(answers, 'reviewed_on: "2026-11-30"', 'reviewed_on: "2025-11-30"')
    finding = only(run(project))
    assert (finding.severity, finding.kind) == (WARNING, "review-overdue")
    assert finding.line == line_with(answers, "2025-11-30")
    assert "approved by dr.lee on 2025-11-30, more than 365 days ago" in finding.message


def test_an_answer_changed_since_its_approval(project):
    answers = project / "data/responses/faq.yml"
    replace(answers, "Something short and true about prrt", "Something short, true about PRRT")
    finding = only(run(project))
    assert (finding.severity, finding.kind) == (WARNING, "changed-since-approval")
    assert finding.line == line_with(answers, "Something short, true about PRRT")
    assert "the text changed since dr.lee approved it on 2026-11-30" in finding.message


def test_spacing_alone_is_no_change(project):
    answers = project / "data/responses/faq.yml"
    replace(answers, "Something short and true about prrt", "Something  short and true about prrt")
    assert run(project) == []


def test_a_typed_sign_off_is_not_an_approval(project):
    """`needs_clinical_review: false` without what the review page records waits for review."""
    answers = project / "data/responses/faq.yml"
    replace(answers, '      reviewed_fingerprint: "', '      reviewed_note: "')
    finding = only(run(project))
    assert (finding.severity, finding.kind) == (WARNING, "awaiting-review")
    assert "needs_clinical_review: false was typed" in finding.message
    assert finding.line == line_with(answers, "needs_clinical_review: false")


def test_an_answer_sent_back_shows_the_comment_where_it_is(project):
    answers = project / "data/responses/faq.yml"
    replace(
        answers,
        "      needs_clinical_review: false\n",
        "      needs_clinical_review: true\n"
        '      sent_back: "Say \\"usually\\", not \\"always\\"."\n'
        '      sent_back_by: "dr.lee"\n'
        '      sent_back_on: "2026-12-01"\n',
    )
    sent_back, waiting = sorted(run(project), key=lambda f: f.kind, reverse=True)
    assert (sent_back.severity, sent_back.kind) == (WARNING, "sent-back")
    assert sent_back.line == line_with(answers, "sent_back:")
    assert 'sent back by dr.lee on 2026-12-01: "Say "usually", not "always"."' in sent_back.message
    assert waiting.kind == "awaiting-review"


@pytest.mark.parametrize(
    "value, words", [('"2026-13-01"', "not a date"), ('"2027-01-05"', "in the future")]
)
def test_a_wrong_review_date_is_an_error(project, value, words):
    answers = project / "data/responses/faq.yml"
    replace(answers, 'reviewed_on: "2026-11-30"', f"reviewed_on: {value}")
    [finding] = [f for f in run(project) if f.severity == ERROR]
    assert words in finding.message
    assert finding.line == line_with(answers, value)


def test_an_approval_without_a_date_waits_for_review(project):
    answers = project / "data/responses/faq.yml"
    replace(answers, '      reviewed_on: "2026-11-30"\n', "")
    finding = only(run(project))
    assert (
        finding.kind == "awaiting-review"
        and "lacks reviewed_by or a reviewed_on" in finding.message
    )


@pytest.mark.parametrize(
    "link, words",
    [
        ("http://www.cancer.gov/nets", "not secure"),
        ("www.cancer.gov/nets", "lacks https://"),
        ("https://example.com/nets", "placeholder"),
        ("https://cancer gov", "malformed site name"),
    ],
)
def test_a_broken_link_in_an_answer(tmp_path, link, words):
    text = f"Read more at {link}. Do you have another question about NETs?"
    write_project(tmp_path, answers={"prrt": text, "surgery": TEXT.format(topic="surgery")})
    finding = only(run(tmp_path))
    assert (finding.severity, finding.kind) == (ERROR, "link") and words in finding.message
    assert finding.line == line_with(tmp_path / "data/responses/faq.yml", "Read more")


def test_a_well_formed_link_passes(tmp_path):
    text = "Read https://www.cancer.gov/types/nets. Do you have another question about NETs?"
    write_project(tmp_path, answers={"prrt": text, "surgery": TEXT.format(topic="surgery")})
    assert run(tmp_path) == []


def test_a_yaml_error_is_reported_once_and_the_file_skipped(project):
    nlu = project / "data/nlu/faq.yml"
    replace(nlu, "    - good morning", "\t- good morning")
    finding = only(run(project))
    assert (finding.file, finding.line) == ("data/nlu/faq.yml", line_with(nlu, "\t- good"))
    assert "tab character" in finding.message


def test_existing_answer_rules_still_apply(project):
    answers = project / "data/responses/faq.yml"
    replace(answers, "      offer: question\n", "      offer: maybe\n")
    finding = only(run(project))
    assert "metadata 'offer' is 'maybe'" in finding.message
    assert finding.line == line_with(answers, "offer: maybe")
