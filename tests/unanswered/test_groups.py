"""Grouping misses by their lemmas: alike questions together, the most frequent first."""

from datetime import date

from bot.unanswered.groups import SIMILARITY, group, lemmas, similarity, terms
from bot.unanswered.store import Entry


def entry(entry_id, text, day=date(2026, 11, 20)):
    return Entry(entry_id, day, "fallback", text, None, None, None)


def test_lemmas_are_lowercased_lookup_lemmas_without_placeholders_or_punctuation():
    assert lemmas("Tumours?! [name] COSTS") == ["tumour", "cost"]


def test_terms_leave_out_stop_words_unless_nothing_else_is_left():
    assert terms("how much does lutathera cost") == {"lutathera", "cost"}
    assert terms("what is it") == {"what", "be", "it"}


def test_similarity_is_shared_over_all_terms():
    assert similarity(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert similarity(frozenset(), frozenset()) == 1.0


def test_alike_questions_are_one_group_and_the_largest_comes_first():
    groups = group(
        [
            entry(1, "does insurance cover parking"),
            entry(2, "how much does lutathera cost"),
            entry(3, "lutathera costs?"),
            entry(4, "Lutathera cost for [name]"),
            entry(5, "is the whipple painful"),
            entry(6, "is a whipple very painful"),
        ]
    )
    assert [[e.id for e in g.entries] for g in groups] == [[2, 3, 4], [5, 6], [1]]
    assert [g.count for g in groups] == [3, 2, 1]


def test_different_questions_stay_apart():
    groups = group([entry(1, "can i drive after prrt"), entry(2, "can i eat before the scan")])
    assert len(groups) == 2


def test_a_higher_threshold_splits_more():
    entries = [entry(1, "is prrt painful"), entry(2, "is prrt painful for kids")]
    assert len(group(entries, threshold=SIMILARITY)) == 1
    assert len(group(entries, threshold=0.9)) == 2


def test_equal_sizes_put_the_newest_first():
    groups = group([entry(1, "whipple recovery", date(2026, 11, 1)), entry(2, "parking")])
    assert [g.entries[0].id for g in groups] == [2, 1]
