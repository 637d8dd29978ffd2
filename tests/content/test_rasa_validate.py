"""Rasa's validation output: the warnings of every clean run dropped by pattern, what matters
kept, in plain words where we know the message, at the file and line it is about."""

from pathlib import Path

from bot.content.rasa_validate import findings_from_output, messages_of
from tests.utils.content import line_with, write, write_project

EXTRA = str(Path("data", "responses", "extra.yml"))  # a file of the test's own project
COLOR, RESET = "\x1b[93m", "\x1b[0m"
IO = "/venv/lib/python3.10/site-packages/rasa/shared/utils/io.py:100"


def warning(message: str, more: str = "") -> str:
    return f"{COLOR}{IO}: UserWarning: {message}\n{more}{RESET}"


# What `rasa data validate` printed on this project's clean data (shortened: one of each kind).
CLEAN_RUN = (
    "/venv/lib/python3.10/site-packages/pkg_resources/__init__.py:3117: DeprecationWarning: "
    "Deprecated call to `pkg_resources.declare_namespace('ruamel')`.\n"
    + warning(
        "The following duplicated intents have been found across multiple domain files: faq",
        "  More info at https://rasa.com/docs/rasa/domain\n",
    )
    + "2026-12-01 18:03:45 INFO     rasa.validator  - Validating intents...\n"
    + warning("The utterance 'utter_ask_phone' is not used in any story or rule.")
    + warning("The utterance 'utter_default' is not used in any story or rule.")
    + warning("The utterance 'utter_what_next' is not used in any story or rule.")
    + "2026-12-01 18:03:45 INFO     rasa.validator  - No story structure conflicts found.\n"
)


def project(tmp_path):
    write_project(tmp_path)
    write(tmp_path, "domain.yml", "forms:\n  callback_form:\n    required_slots:\n    - phone\n")
    write(tmp_path, "actions/offers.py", 'dispatcher.utter_message(response="utter_what_next")\n')
    return tmp_path


def test_the_warnings_of_a_clean_run_are_dropped(tmp_path):
    assert len(messages_of(CLEAN_RUN)) == 4
    assert findings_from_output(0, CLEAN_RUN, project(tmp_path)) == []


def test_a_response_nothing_sends_is_kept(tmp_path):
    root = project(tmp_path)
    write(root, EXTRA, "responses:\n  utter_nobody:\n  - text: hi\n")
    output = CLEAN_RUN + warning("The utterance 'utter_nobody' is not used in any story or rule.")
    [finding] = findings_from_output(0, output, root)
    assert (finding.severity, finding.file, finding.line) == (
        "warning",
        EXTRA,
        2,
    )
    assert "utter_nobody is never sent" in finding.message


def test_an_example_under_a_topic_and_an_intent_is_an_error_at_both_lines(tmp_path):
    root = project(tmp_path)
    nlu = root / "data/nlu/faq.yml"
    output = CLEAN_RUN + warning(
        "The example 'hello there' was found labeled with multiple different intents in the "
        "training data. Each annotated message should only appear with one intent. You should "
        "fix that conflict The example is labeled with: faq, greet."
    )
    text = nlu.read_text().replace("    - tell me about prrt number 1\n", "    - hello there\n")
    nlu.write_text(text)
    output += f"{COLOR}Project validation completed with errors.{RESET}\n"
    findings = findings_from_output(1, output, root)
    assert [(f.severity, f.file, f.line) for f in findings] == [
        ("error", "data/nlu/faq.yml", line_with(nlu, "- hello there", 1)),
        ("error", "data/nlu/faq.yml", line_with(nlu, "- hello there", 2)),
    ]
    assert "under more than one intent (faq, greet)" in findings[0].message


def test_a_story_conflict_keeps_its_lines(tmp_path):
    output = (
        "2026-12-01 18:03:45 WARNING  rasa.validator  - Story structure conflict after intent "
        "'greet':\n  utter_a predicted in 'story 1'\n  utter_b predicted in 'story 2'\n\n"
    )
    [finding] = findings_from_output(1, output, project(tmp_path))
    assert finding.severity == "error"
    assert finding.message.endswith("utter_a predicted in 'story 1' utter_b predicted in 'story 2'")


def test_a_failure_without_a_readable_message_is_still_an_error(tmp_path):
    [finding] = findings_from_output(1, "something odd\n", project(tmp_path))
    assert finding.severity == "error" and "without a message we could read" in finding.message


def test_a_traceback_becomes_its_last_line(tmp_path):
    output = 'Traceback (most recent call last):\n  File "x", line 1\nValueError: bad domain\n'
    [finding] = findings_from_output(1, output, project(tmp_path))
    assert finding.message == "Rasa says: ValueError: bad domain"


def test_a_repeat_the_duplicates_check_reported_is_not_said_twice(tmp_path):
    output = warning(
        "The example 'hello there' was found labeled with multiple different intents in the "
        "training data. Each annotated message should only appear with one intent. You should "
        "fix that conflict The example is labeled with: faq, greet."
    )
    assert findings_from_output(1, output, project(tmp_path), {"hello there"}) == []
