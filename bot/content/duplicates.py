"""The same question taught as two different things.

Rasa warns only when two intents share a byte-identical example, and not at all when two FAQ
topics do (to Rasa both are the intent `faq`). Yet "what are NETs?" under one topic and "what
is a NET" under another teach the classifier a contradiction, and the accuracy of both topics
drops. Examples are compared as lowercased lemmas without punctuation, from spaCy's blank
English pipeline with the lookup lemmatizer (`spacy-lookups-data`; no pretrained pipeline can
be downloaded here), so plural, tense and punctuation do not hide a repeat.

Two examples under different labels are:
- the same (an error) when their lemma sequences are equal: "What are NETs?" and "what is net";
- nearly the same (a warning) when both have at least `NEAR_MIN_WORDS` different lemmas and
  their lemma sets overlap by at least `NEAR_OVERLAP` (Jaccard: shared / all). Short examples
  are left out because two short questions that differ by one word ("is prrt painful" / "is
  surgery painful") are different questions. At 0.85 with 6 or more words, one example is the
  other plus or minus a word (longer ones may differ by a word in seven). On this project's
  data, 0.75 or 5 words already pair different questions ("what are the symptoms of a NET" /
  "what are the stages of a NET"); 0.85 and 6 find one reworded copy and nothing else.
Within one label a repeat teaches nothing wrong, so it is not reported.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, Iterable, List, Set, Tuple

from bot.content.catalog import Example
from bot.content.spacy_blank import english_lemmatizer

NEAR_OVERLAP = 0.85
NEAR_MIN_WORDS = 6
# Rasa's entity annotations: [octreotide](treatment) or [lungs]{"entity": "net_site", ...}
ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def plain_text(text: str) -> str:
    """The words a visitor types: entity annotations reduced to their text."""
    return ENTITY_MARKUP.sub(r"\1", text)


def lemmas_of(texts: Iterable[str]) -> List[Tuple[str, ...]]:
    """Lowercased lemmas without punctuation or spaces, one tuple per text."""
    docs = english_lemmatizer().pipe(plain_text(text).lower() for text in texts)
    return [
        tuple(
            (token.lemma_ or token.text).lower()
            for token in doc
            if not (token.is_punct or token.is_space)
        )
        for doc in docs
    ]


@dataclass(frozen=True)
class Repeat:
    first: Example
    second: Example
    identical: bool  # equal lemma sequences; otherwise nearly the same
    overlap: float


def _jaccard(a: Set[str], b: Set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def find_repeats(examples: List[Example]) -> List[Repeat]:
    """Pairs of examples under different labels that are the same or nearly the same."""
    lemmas = lemmas_of(e.text for e in examples)
    found: List[Repeat] = []

    by_sequence: Dict[Tuple[str, ...], List[int]] = defaultdict(list)
    for index, sequence in enumerate(lemmas):
        if sequence:
            by_sequence[sequence].append(index)
    identical: Set[Tuple[int, int]] = set()
    for indices in by_sequence.values():
        for i in indices:
            for j in indices:
                if i < j and examples[i].label != examples[j].label:
                    identical.add((i, j))
                    found.append(Repeat(examples[i], examples[j], True, 1.0))

    # Nearly the same: a pair with Jaccard >= t shares at least one word of the rarest
    # len - ceil(t * len) + 1 of each side (prefix filtering), so only those pairs are compared.
    sets = [set(sequence) for sequence in lemmas]
    frequency: Dict[str, int] = defaultdict(int)
    for words in sets:
        for word in words:
            frequency[word] += 1
    index_of: Dict[str, List[int]] = defaultdict(list)
    for i, words in enumerate(sets):
        if len(words) < NEAR_MIN_WORDS:
            continue
        ordered = sorted(words, key=lambda w: (frequency[w], w))
        prefix = len(ordered) - int(NEAR_OVERLAP * len(ordered) + 0.999999) + 1
        candidates: Set[int] = set()
        for word in ordered[:prefix]:
            candidates.update(index_of[word])
            index_of[word].append(i)
        for j in sorted(candidates):
            if examples[i].label == examples[j].label or (j, i) in identical:
                continue
            overlap = _jaccard(sets[i], sets[j])
            if overlap >= NEAR_OVERLAP and lemmas[i] != lemmas[j]:
                found.append(Repeat(examples[j], examples[i], False, overlap))
    return found
