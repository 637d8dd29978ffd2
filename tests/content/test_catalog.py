"""The content files are read with the line each answer and example is on."""

import yaml

from bot.content.catalog import iter_answers, iter_examples, load_located, load_yaml
from tests.utils.content import line_with, write, write_project


def test_examples_keep_their_lines(tmp_path):
    nlu = write_project(tmp_path) / "data/nlu/faq.yml"
    examples = list(iter_examples([nlu]))
    assert [e.line for e in examples] == [line_with(nlu, f"- {e.text}") for e in examples]
    assert examples[-1].label == "greet" and examples[-1].text == "good morning"


def test_answers_keep_the_line_of_their_text_and_name_their_condition(tmp_path):
    path = write(
        tmp_path,
        "followups.yml",
        "responses:\n  utter_ask_pain:\n  - condition:\n    - type: slot\n      name: last_topic\n"
        '      value: prrt\n    text: "It does not hurt."\n  - text: "Default."\n',
    )
    first, default = iter_answers([path])
    assert (first.name, first.line, first.text) == (
        "utter_ask_pain (last_topic=prrt)",
        7,
        "It does not hurt.",
    )
    assert (default.name, default.line) == ("utter_ask_pain", 8)


def test_located_yaml_is_still_a_dict_and_plain_yaml_dumps_again(tmp_path):
    path = write(tmp_path, "a.yml", "a:\n  b: [1, 2]\n")
    located = load_located(path)
    assert located == {"a": {"b": [1, 2]}} and located["a"].line == 2
    assert yaml.safe_dump(load_yaml(path)) == "a:\n  b:\n  - 1\n  - 2\n"  # benchmarks do
