"""Turning a miss into a training example of a FAQ topic, in the content team's own file.

The example is inserted as one line at the end of the topic's `examples: |` block, found line
by line (bot/content/edits.py: comments and other people's lines stay as they are). The result
is parsed again and must be the old file plus exactly this example, or nothing is written.

What is refused, with the reason: a topic without an answer, text that still holds a scrubber
placeholder (a content editor rewrites it without the personal part: `--text`), text Rasa would
read as an entity annotation, and an example that is already a training or held-out example (a
held-out one in training would spoil the evaluation).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import List, Optional, Set, Tuple

import yaml
from sqlalchemy.orm import sessionmaker

from bot.content.catalog import NLU_DIR, iter_examples, topics, training_files
from bot.content.edits import EditRefused, newline_of, rewrite
from bot.safety import normalise
from bot.settings import ROOT
from bot.unanswered import store
from bot.unanswered.scrub import MAX_CHARS, PLACEHOLDERS, clean, scrub

DEFAULT_FILE = "faq.yml"
# Scored by the tests and `make bench` as messages never seen: never trained on
# (tests/test_content.py checks both).
HELD_OUT = Path("tests", "nlu", "test_nlu_heldout.yml")
EVAL_SETS = Path("tests", "eval")
_ANNOTATION = re.compile(r"\[[^\]]*\]\s*[({\[]")
_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDERS) + r")\]")


class ExampleRefused(EditRefused):
    """Why the example was not written, in words for the content team."""


def topic_of(label: str, root: Path = ROOT) -> str:
    """`faq/<topic>` (or the bare topic) of a FAQ answer, or a refusal naming close ones."""
    topic = label.removeprefix("faq/")
    known = topics(root)
    if topic in known:
        return topic
    close = difflib.get_close_matches(topic, known, n=3)
    hint = f"; did you mean {', '.join('faq/' + c for c in close)}?" if close else ""
    raise ExampleRefused(
        f"unknown topic {label!r}: a topic is one with an answer (data/responses/faq.yml){hint}"
    )


def _unseen(root: Path) -> List[str]:
    """The held-out questions and the first-contact conversation sets."""
    texts = [e.text for e in iter_examples([root / HELD_OUT])] if (root / HELD_OUT).exists() else []
    for path in sorted((root / EVAL_SETS).glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        texts += [t for key in ("medical", "self_harm", "near_misses") for t in data.get(key, [])]
        texts += [n["typed"] for n in data.get("names", [])]
        texts += [t for f in data.get("followups", []) for t in (f["first"], f["followup"])]
        texts += [t for c in data.get("conversations", []) for t in c["turns"]]
    return texts


def _existing(root: Path) -> Set[str]:
    training = [e.text for e in iter_examples(training_files(root))]
    return {normalise(text) for text in [*training, *_unseen(root)]}


def example_text(text: str) -> str:
    """The line to write: scrubbed again (a `--text` typed by staff too), on one line."""
    if len(text or "") > MAX_CHARS:
        # clean() would cut it to the column's length: a cut example is not what was meant.
        raise ExampleRefused(
            f"the example is {len(text):,} characters long: keep it under {MAX_CHARS}"
        )
    line = scrub(clean(text))
    if not line:
        raise ExampleRefused("the example is empty")
    if _PLACEHOLDER.search(line):
        raise ExampleRefused(
            f"the text still has personal data taken out ({line!r}): write the example "
            "without it (on the command line with --text)"
        )
    if _ANNOTATION.search(line):
        raise ExampleRefused("brackets followed by ( { or [ would be read as an entity by Rasa")
    return line


def add_example(text: str, label: str, root: Path = ROOT, file_name: Optional[str] = None) -> Path:
    """Append `text` to the examples of `label` (faq/<topic>); the file written."""
    topic = topic_of(label, root)
    intent = f"faq/{topic}"
    line = example_text(text)
    if normalise(line) in _existing(root):
        raise ExampleRefused(f"{line!r} is already a training example or in a held-out test set")
    path = root / NLU_DIR / (file_name or DEFAULT_FILE)
    if path.resolve().parent != (root / NLU_DIR).resolve() or not path.is_file():
        raise ExampleRefused(f"no training file {file_name!r} in {NLU_DIR}")
    rewrite(
        path,
        lambda before: _inserted(before, intent, line, path.name),
        lambda content: _with_example(content, intent, line),
        ExampleRefused(f"the example could not be added cleanly to {intent}"),
    )
    return path


def add_entry(
    sessions: sessionmaker,
    entry_id: int,
    label: str,
    text: Optional[str] = None,
    root: Path = ROOT,
    file_name: Optional[str] = None,
) -> Tuple[Path, str]:
    """Unanswered message `entry_id` (or `text`, its rewording by staff) made an example of
    `label`, and marked so; the file written and the full label. One path for the command
    line and the admin page."""
    entry = store.find(sessions, entry_id)
    if entry is None:
        raise ExampleRefused(f"no unanswered message #{entry_id}")
    if entry.handled_as:
        raise ExampleRefused(f"#{entry_id} was already added to {entry.handled_as}")
    label = f"faq/{topic_of(label, root)}"
    path = add_example(entry.text if text is None else text, label, root, file_name)
    store.mark_handled(sessions, entry.id, label)
    return path, label


def _inserted(source: str, intent: str, example: str, name: str) -> str:
    lines = source.splitlines(keepends=True)
    header = re.compile(rf"^- intent:\s*{re.escape(intent)}\s*(#.*)?$")
    starts = [i for i, text in enumerate(lines) if header.match(text.rstrip("\r\n"))]
    if not starts:
        raise ExampleRefused(f"{name} has no block for {intent}")
    last_example: Optional[int] = None
    indent = "    "
    key_indent: Optional[int] = None  # of `examples:`; its lines are indented deeper
    for i in range(starts[0] + 1, len(lines)):
        text = lines[i]
        stripped = text.strip()
        depth = len(text) - len(text.lstrip())
        if stripped and depth == 0:  # the next block, or a comment above it
            break
        if stripped.startswith("examples:"):
            key_indent = depth
        elif key_indent is not None and stripped and depth <= key_indent:
            key_indent = None  # another key of the block (metadata:)
        elif key_indent is not None and stripped.startswith("- "):
            last_example, indent = i, text[:depth]
    if last_example is None:
        raise ExampleRefused(f"{name}: the block for {intent} has no examples to add to")
    newline = newline_of(lines)
    if not lines[last_example].endswith(("\n", "\r")):
        lines[last_example] += newline
    lines.insert(last_example + 1, f"{indent}- {example}{newline}")
    return "".join(lines)


def _with_example(content: dict, intent: str, example: str) -> dict:
    """The file's content with `example` at the end of the first block of `intent`."""
    block = next(b for b in content["nlu"] if b.get("intent") == intent)
    block["examples"] = block["examples"].rstrip("\n") + f"\n- {example}\n"
    return content
