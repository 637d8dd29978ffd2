"""The scrubber on messages other people wrote for other purposes: the names typed at the
callback form's name question (tests/eval/*/names.yml, a few thousand, from writers who never
saw this code) and the safety, follow-up and held-out messages (which hold almost no personal
data, so what changes there is mostly over-scrubbing). Floors and ceilings below are what the
scrubber measured on 2026-12-01 (census names in use), less some room; a change that makes it
worse fails here.
The misses seen here were used to improve the scrubber once (Spanish verbs, distances, names
inside words), so these sets are no longer unseen for it: the fixtures' blind batches are."""

import re

import pytest
import yaml

from bot.content import iter_examples
from bot.settings import ROOT
from bot.unanswered.scrub import clean, scrub

EVAL = ROOT / "tests" / "eval"
HELD_OUT = ROOT / "tests" / "nlu" / "test_nlu_heldout.yml"
PARTICLES = {"de", "del", "la", "las", "los", "y", "van", "der", "da", "do", "dos"}
CUE = re.compile(
    r"\b(my name is|me llamo|mi nombre es|soy|this is|i'm|im|name is|it's|its)\b", re.I
)


def eval_sets():
    for path in sorted(EVAL.glob("*/*.yml")):
        yield yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@pytest.fixture(scope="module")
def names():
    return [name for data in eval_sets() for name in data.get("names", [])]


def removed(name: dict) -> bool:
    scrubbed = scrub(name["typed"])
    words = [w for w in re.findall(r"[^\W\d_]+", name["name"]) if len(w) > 1]
    return not any(
        re.search(rf"(?<!\w){re.escape(w)}(?!\w)", scrubbed)
        for w in words
        if w.lower() not in PARTICLES
    )


def test_most_names_typed_with_a_cue_are_removed(names):
    with_cue = [name for name in names if CUE.search(name["typed"])]
    assert len(with_cue) > 500
    share = sum(map(removed, with_cue)) / len(with_cue)
    assert share >= 0.85  # measured 0.888 (548 of 617)


def test_two_thirds_of_bare_names_are_removed_too(names):
    """A bare name ("Tyler") has no cue: only capitalised runs and shapes catch it."""
    assert len(names) > 3000
    assert sum(map(removed, names)) / len(names) >= 0.71  # measured 0.743 (2872 of 3866)


def test_messages_without_personal_data_are_left_alone():
    texts = []
    for data in eval_sets():
        texts += [t for key in ("medical", "self_harm", "near_misses") for t in data.get(key, [])]
        texts += [t for f in data.get("followups", []) for t in (f["first"], f["followup"])]
    texts += [e.text for e in iter_examples([HELD_OUT])]
    assert len(texts) > 5000
    changed = [t for t in texts if scrub(t) != clean(t)]
    # measured 26 of 5687, of which 23 held a name, phone number or e-mail address
    assert len(changed) / len(texts) <= 0.007, changed
