"""The scrubber on made-up visitor messages (fixtures/messages.yml): every personal string
gone, every NET word kept; and text that is not a message at all."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import ROOT
from bot.unanswered.scrub import MAX_CHARS, PLACEHOLDERS, clean, scrub

FIXTURES = Path(__file__).parent / "fixtures" / "messages.yml"
CASES = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))


def present(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def test_the_fixture_list_is_long_enough_to_mean_something():
    assert len([case for case in CASES if "known_miss" not in case]) >= 40
    assert sum(1 for case in CASES if case["gone"]) >= 35


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case["text"][:40],
            marks=[pytest.mark.xfail(reason=case["known_miss"], strict=True)]
            if "known_miss" in case
            else [],
        )
        for case in CASES
    ],
)
def test_personal_data_goes_and_net_words_stay(case):
    scrubbed = scrub(case["text"])
    assert [word for word in case["gone"] if present(word, scrubbed)] == []
    assert [word for word in case["kept"] if not present(word, scrubbed)] == []
    if "scrubbed" in case:
        assert scrubbed == case["scrubbed"]


@pytest.mark.parametrize("case", CASES, ids=[case["text"][:40] for case in CASES])
def test_scrubbing_twice_changes_nothing_more(case):
    once = scrub(case["text"])
    assert scrub(once) == once


def test_only_the_known_placeholders_are_written():
    for case in CASES:
        for placeholder in re.findall(r"\[(\w+)\]", scrub(case["text"])):
            assert placeholder in PLACEHOLDERS


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", ""),
        ("   \n\t ", ""),
        ("what is\x00 prrt\x1b[31m", "what is prrt [31m"),
        ("line one\nline two\r\nthree", "line one line two three"),
        ("lutathera\u202egnitset", "lutathera gnitset"),  # a right-to-left override
        ("cafe\u0301 y páncreas", "café y páncreas"),
    ],
)
def test_clean_leaves_one_line_of_printable_text(text, expected):
    assert clean(text) == expected


def test_a_huge_message_is_cut_to_the_limit():
    scrubbed = scrub("whipple " * 10_000 + "call 617 555 0123")
    assert len(scrubbed) <= MAX_CHARS and "whipple" in scrubbed


def test_markup_and_sql_are_kept_as_plain_text():
    assert scrub("<b>prrt</b> '; DROP TABLE leads; --") == "<b>prrt</b> '; DROP TABLE leads; --"


def test_emoji_and_other_scripts_pass_through():
    assert scrub("神经内分泌肿瘤是什么 😟 lutathera?") == "神经内分泌肿瘤是什么 😟 lutathera?"


def test_the_action_server_scrubs_without_tensorflow_in_its_memory_limit():
    """In the action server's process (spaCy without TensorFlow: bot/content/spacy_blank.py):
    the container has 256 MiB (deploy/k8s/actions.yaml), and TensorFlow alone would take more."""
    script = (
        "import sys\n"
        "import bot.action_server\n"
        "import actions.unanswered\n"
        "from bot.unanswered.scrub import scrub\n"
        "print(scrub('my name is Ana Ruiz, soy alergica al contraste'))\n"
        "print('tensorflow' in sys.modules)\n"
        # The peak of this process's own memory (ru_maxrss would count pytest's from the fork).
        "status = open('/proc/self/status').read()\n"
        "print(int(status.split('VmHWM:')[1].split()[0]) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    scrubbed, tensorflow, megabytes = done.stdout.splitlines()
    assert scrubbed == "my name is [name], soy alergica al contraste"
    assert tensorflow == "False" and int(megabytes) < 220


@pytest.mark.parametrize(
    "message, name",
    [
        ("can you refill his octreotide, his name is Will Carter dob 3/4/1961", "Will Carter"),
        ("hi my name is May Lee and i have a lung carcinoid", "May Lee"),
        ("her name is Van Nguyen", "Van Nguyen"),
    ],
)
def test_a_name_after_a_strong_cue_goes_even_when_it_is_a_small_word(message, name):
    """Found at first contact (make run, 2026-12-01): 'Will' is a stop word."""
    scrubbed = scrub(message)
    assert all(part not in scrubbed for part in name.split()), scrubbed
    assert "[name]" in scrubbed
