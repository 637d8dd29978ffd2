"""Examples are compared as spaCy lookup lemmas: plural, tense and punctuation hide nothing."""

from bot.content.catalog import Example
from bot.content.duplicates import find_repeats, lemmas_of, plain_text


def test_lemmas_are_lowercased_without_punctuation():
    assert lemmas_of(["What are the Tumours doing?!"]) == [("what", "be", "the", "tumour", "do")]


def test_entity_annotations_are_read_as_their_words():
    assert plain_text('does [octreotide](treatment) hurt [lungs]{"entity": "net_site"}') == (
        "does octreotide hurt lungs"
    )


def test_a_repeat_within_one_label_is_not_reported():
    examples = [Example("faq/prrt", "what is prrt"), Example("faq/prrt", "What is PRRT?")]
    assert find_repeats(examples) == []


def test_identical_lemmas_under_two_labels():
    first, second = Example("faq/a", "what are nets"), Example("greet", "What is a NET?")
    assert find_repeats([first, Example("faq/a", "other"), Example("greet", "what is net")])[
        0
    ].identical
    assert find_repeats([first, second]) == []  # "a" makes it another sequence, and it is short


def test_near_repeats_need_long_examples_and_a_high_overlap():
    long_a = Example("faq/a", "how long does the first appointment usually take")
    long_b = Example("faq/b", "how long does the appointment usually take")
    other = Example("faq/c", "how long does the first surgery usually take")
    [repeat] = find_repeats([long_a, long_b, other])
    assert (repeat.first, repeat.second, repeat.identical) == (long_a, long_b, False)
    assert repeat.overlap >= 0.85
