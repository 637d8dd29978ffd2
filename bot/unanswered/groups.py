"""Misses grouped by what they ask, so the content team reads the most common question first
instead of a long list of variants of it.

Similarity is deliberately simple and explainable: each message becomes the set of its
lowercased lemmas (spaCy's lookup lemmatizer from `spacy-lookups-data` on a blank English
pipeline: "tumours" -> "tumour", "costs" -> "cost"), without English and Spanish stop words,
punctuation and the scrubber's placeholders. Two messages are alike when the Jaccard index of
their sets (shared lemmas over all lemmas) is at least `SIMILARITY`: "how much does lutathera
cost" and "lutathera costs?" share {lutathera, cost} and are one group. Each message joins the
first group whose first message it is alike to (leader clustering: no chains of
ever-more-different messages), otherwise it starts a group. Typos are not merged
("lutatera" is another word); that would need the classifier, which is what missed them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import FrozenSet, List, Sequence, Tuple

from bot.content.spacy_blank import english_lemmatizer
from bot.unanswered.scrub import PLACEHOLDERS
from bot.unanswered.store import Entry

SIMILARITY = 0.5
_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDERS) + r")\]")


@dataclass(frozen=True)
class Group:
    entries: List[Entry]  # the first one stands for the group
    terms: FrozenSet[str]

    @property
    def count(self) -> int:
        return len(self.entries)


@lru_cache(maxsize=1)
def _stop_words() -> FrozenSet[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    return frozenset(EN_STOP | ES_STOP)


def _words(text: str) -> List[Tuple[str, str]]:
    """(word, lemma) of each word, lowercased first: the lookup table is case-sensitive."""
    doc = english_lemmatizer()(_PLACEHOLDER.sub(" ", text).lower())
    return [
        (token.text, token.lemma_ or token.text)
        for token in doc
        if not (token.is_punct or token.is_space or token.is_quote or token.is_bracket)
    ]


def lemmas(text: str) -> List[str]:
    """The message's words as lowercased lemmas, placeholders and punctuation left out."""
    return [lemma for _, lemma in _words(text)]


def terms(text: str) -> FrozenSet[str]:
    """What the message is about: the lemmas of its words that are no stop words (judged on
    the word: the table lemmatizes "does" to "doe"), all of them if that is all it has, so
    "what is it" still compares with something."""
    words = _words(text)
    content = frozenset(lemma for word, lemma in words if word not in _stop_words())
    return content or frozenset(lemma for _, lemma in words)


def similarity(a: FrozenSet[str], b: FrozenSet[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def group(entries: Sequence[Entry], threshold: float = SIMILARITY) -> List[Group]:
    """Groups, the largest first; among equal sizes the one with the newest message first."""
    groups: List[Group] = []
    for entry in entries:
        found = terms(entry.text)
        for existing in groups:
            if similarity(found, existing.terms) >= threshold:
                existing.entries.append(entry)
                break
        else:
            groups.append(Group([entry], found))
    newest = {id(g): max(e.day for e in g.entries) for g in groups}
    return sorted(groups, key=lambda g: (-g.count, -newest[id(g)].toordinal()))
