"""A file that is not valid YAML is said as file, line and the slip that usually causes it."""

import pytest

from bot.content.yaml_errors import yaml_problems
from tests.utils.content import write

ANSWERS = """\
version: "3.1"
responses:
  utter_faq/prrt:
  - text: "PRRT is a treatment. Do you have another question?"
    metadata:
      offer: question
"""


@pytest.mark.parametrize(
    "old, new, line, hint",
    [
        ("    metadata:", "\tmetadata:", 5, "tab character"),
        ('treatment. Do you have another question?"', "treatment. Do you", 4, "never closed"),
        ("      offer: question", "        offer: question\n      source: x", 7, "indented"),
        (
            '"PRRT is a treatment. Do you have another question?"',
            "PRRT: a treatment. Do you have another question?",
            4,
            "colon (:)",
        ),
        ('"PRRT is a treatment.', '"PRRT is a "good" treatment.', 4, "after its closing quote"),
        ('"PRRT is a treatment.', '"PRRT is a treatment.\n    source: "x', 4, "never closed"),
        ('another question?"', 'another question?" really', 4, "after its closing quote"),
    ],
    ids=[
        "tab",
        "unclosed-quote",
        "indentation",
        "colon",
        "text-after-quote",
        "quote-inside-text",
        "unclosed-quote-noticed-later",
    ],
)
def test_the_line_and_a_hint(tmp_path, old, new, line, hint):
    assert old in ANSWERS
    path = write(tmp_path, "data/responses/faq.yml", ANSWERS.replace(old, new))
    [finding] = yaml_problems([path], tmp_path)
    assert (finding.severity, finding.file, finding.line) == (
        "error",
        "data/responses/faq.yml",
        line,
    ), finding
    assert finding.message.startswith("this file is not valid YAML") and hint in finding.message


def test_a_valid_file_has_no_finding(tmp_path):
    assert yaml_problems([write(tmp_path, "a.yml", ANSWERS)], tmp_path) == []


def test_a_file_that_is_a_list_is_reported(tmp_path):
    [finding] = yaml_problems([write(tmp_path, "a.yml", "- one\n- two\n")], tmp_path)
    assert finding.line == 1 and "not a list" in finding.message


def test_a_key_written_twice_is_reported_at_the_second(tmp_path):
    twice = ANSWERS + '  utter_faq/prrt:\n  - text: "Again."\n'
    [finding] = yaml_problems([write(tmp_path, "a.yml", twice)], tmp_path)
    assert (finding.line, finding.kind) == (7, "duplicate-key")
    assert "utter_faq/prrt is written twice" in finding.message and "line 3" in finding.message
