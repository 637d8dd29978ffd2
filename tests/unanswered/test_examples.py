"""A miss added as a training example: one line in the right block, nothing else changed,
and every refusal says why."""

import shutil

import pytest
import yaml

from bot.content import iter_examples
from bot.settings import ROOT
from bot.unanswered.examples import EVAL_SETS, HELD_OUT, ExampleRefused, add_example, topic_of

COMMENTED = """\
version: "3.1"
# Comments explain the data and must survive.
nlu:
- intent: faq/prrt  # the radionuclide therapy
  examples: |
    - what is prrt
    - how does lutathera work
  metadata:
    reviewed: yes
# The next block.
- intent: faq/surgery
  examples: |
    - do i need surgery
"""


@pytest.fixture
def project(tmp_path):
    """A copy of the project's data (its answers say which topics there are) and held-out
    file."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / HELD_OUT).parent.mkdir(parents=True)
    shutil.copy(ROOT / HELD_OUT, tmp_path / HELD_OUT)
    shutil.copytree(ROOT / EVAL_SETS, tmp_path / EVAL_SETS)
    return tmp_path


def examples_of(path, intent):
    return [e.text for e in iter_examples([path]) if e.label == intent]


def test_the_example_ends_its_topics_block_and_nothing_else_changes(project):
    path = project / "data" / "nlu" / "faq.yml"
    before = path.read_text(encoding="utf-8").splitlines()
    written = add_example("can i drive home after my lutathera infusion", "faq/prrt", project)
    assert written == path
    after = path.read_text(encoding="utf-8").splitlines()
    [added] = [i for i, line in enumerate(after) if "drive home after my lutathera" in line]
    assert after[:added] + after[added + 1 :] == before
    assert after[added] == "    - can i drive home after my lutathera infusion"
    assert after[added + 1].startswith("- intent: faq/")  # the next block starts right after
    assert examples_of(path, "faq/prrt")[-1] == "can i drive home after my lutathera infusion"


def test_comments_other_keys_and_line_endings_are_kept(project):
    path = project / "data" / "nlu" / "commented.yml"
    path.write_bytes(COMMENTED.replace("\n", "\r\n").encode())
    add_example("is prrt covered by medicare", "prrt", project, "commented.yml")
    text = path.read_bytes().decode()
    assert text == COMMENTED.replace(
        "    - how does lutathera work\n",
        "    - how does lutathera work\n    - is prrt covered by medicare\n",
    ).replace("\n", "\r\n")
    assert yaml.safe_load(text)["nlu"][0]["metadata"] == {"reviewed": True}


def test_rasa_reads_the_file_with_the_new_example(project):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    path = add_example("prrt and kidney function, is it safe", "faq/prrt", project)
    data = RasaYAMLReader().reads(path.read_text(encoding="utf-8"))
    texts = {m.get("text") for m in data.intent_examples if m.get("intent") == "faq"}
    assert "prrt and kidney function, is it safe" in texts


def test_an_unknown_topic_is_refused_with_close_ones(project):
    with pytest.raises(ExampleRefused, match=r"unknown topic 'faq/prr'.*faq/prrt"):
        add_example("what is it", "faq/prr", project)
    with pytest.raises(ExampleRefused, match="unknown topic"):
        topic_of("greet")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("my name is Ana Ruiz, is prrt safe", "personal data"),
        ("is [prrt](treatment) safe", "entity"),
        ("what is prrt", "already"),
        ("WHAT   is PRRT", "already"),
    ],
)
def test_what_cannot_be_an_example_is_refused(project, text, reason):
    path = project / "data" / "nlu" / "faq.yml"
    before = path.read_bytes()
    with pytest.raises(ExampleRefused, match=reason):
        add_example(text, "faq/prrt", project)
    assert path.read_bytes() == before


def test_a_held_out_example_is_never_trained_on(project):
    [held_out, *_] = [e.text for e in iter_examples([project / HELD_OUT])]
    with pytest.raises(ExampleRefused, match="held-out"):
        add_example(held_out, "faq/prrt", project)


def test_a_message_of_the_conversation_sets_is_never_trained_on(project):
    sets = yaml.safe_load((project / EVAL_SETS / "a" / "conversations.yml").read_text())
    turn = next(t for c in sets["conversations"] for t in c["turns"] if len(t.split()) > 4)
    with pytest.raises(ExampleRefused, match="held-out"):
        add_example(turn.upper(), "faq/prrt", project)


def test_only_training_files_can_be_written(project):
    with pytest.raises(ExampleRefused, match="no training file"):
        add_example("is prrt safe for kids", "faq/prrt", project, "../../domain.yml")
