"""The rules every answer the assistant sends must follow, whatever its topic.

An answer is read on a phone in a chat bubble, by someone who may be frightened: it is short,
fills in only the deployment's own contact details, and ends with a yes/no question whose kind
the metadata names, because a visitor's "yes" is read against it (a callback offer starts the
callback form) and the Yes/No buttons come from it.
"""

import re
from typing import List, Tuple

from bot.content.catalog import Answer

# About four sentences: what fits in a chat bubble on a phone screen without scrolling.
MAX_ANSWER_CHARS = 700
REQUIRED_METADATA = ("source", "drafted_on", "needs_clinical_review", "offer")
# An answer ends with a yes/no question, and its metadata says which kind.
OFFERS = {"callback": ("call",), "question": ("question", "ask")}
ALLOWED_VARIABLES = {"center_name", "center_phone", "center_hours"}
NEXT_STEP_WORDS = ("ask", "call", "question", "team")


def answer_problems(answer: Answer) -> List[Tuple[str, str]]:
    """(problem in plain words, the metadata key it is about or "text") for one answer."""
    found: List[Tuple[str, str]] = []
    text = answer.text
    metadata = answer.metadata
    if not text.strip():
        found.append(("the answer is empty: write its text after `text:`", "text"))
    if len(text) > MAX_ANSWER_CHARS:
        found.append(
            (
                f"the answer is {len(text)} characters, more than a chat bubble holds "
                f"({MAX_ANSWER_CHARS}): shorten it by {len(text) - MAX_ANSWER_CHARS}",
                "text",
            )
        )
    unknown = set(re.findall(r"\{(\w+)\}", text)) - ALLOWED_VARIABLES
    if unknown:
        found.append(
            (
                f"unknown placeholders {', '.join('{' + u + '}' for u in sorted(unknown))}: "
                f"only {', '.join('{' + a + '}' for a in sorted(ALLOWED_VARIABLES))} are "
                "filled in",
                "text",
            )
        )
    if not text.strip():
        return found + _metadata_problems(metadata)
    last_sentence = re.split(r"(?<=[.!?])\s+", text.strip())[-1].lower()
    if not any(word in last_sentence for word in NEXT_STEP_WORDS):
        found.append(
            ("the answer does not end with a next step (another question or a callback)", "text")
        )
    offer = metadata.get("offer")
    if "offer" in metadata and offer not in OFFERS:
        found.append((f"metadata 'offer' is {offer!r}; it is one of: {', '.join(OFFERS)}", "offer"))
    elif offer in OFFERS and not (
        last_sentence.endswith("?") and any(w in last_sentence for w in OFFERS[offer])
    ):
        found.append(
            (
                f"the last sentence should be a yes/no question that offers a {offer} "
                "(offer: callback asks about a call; offer: question about another question)",
                "text",
            )
        )
    return found + _metadata_problems(metadata)


def _metadata_problems(metadata: dict) -> List[Tuple[str, str]]:
    found = []
    for key in REQUIRED_METADATA:
        if key not in metadata:
            found.append((f"metadata lacks '{key}'", "metadata"))
    source = str(metadata.get("source", ""))
    if source.startswith("seed") and not metadata.get("seed_reviewed_on"):
        found.append(("seed-based answer lacks 'seed_reviewed_on'", "source"))
    if "needs review" in source and metadata.get("needs_clinical_review") is not True:
        found.append(
            (
                "source says it needs review but needs_clinical_review is not true",
                "needs_clinical_review",
            )
        )
    return found
