"""A reviewer's decision on an answer, written into the answer's own metadata.

Approving writes who and when and the fingerprint of the approved words (bot/content/review.py
says what each field means); sending back writes the reviewer's comment. Only the lines of those
fields change (bot/content/edits.py): the text, the comments and every other answer stay as
they are, and the result is parsed again before anything is written.

A decision is about the answer as the reviewer read it. The page sends back the answer's
`version` (a code of its text, metadata and condition); when the file no longer holds that
version (an editor changed the text, another reviewer decided first, the answers were
reordered), the decision is refused and nothing is written, rather than approving words the
reviewer never saw.
"""

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import yaml

from bot.content.catalog import (
    RESPONSES_DIR,
    Answer,
    LineDict,
    line_of,
    load_located,
    parse_located,
    response_files,
)
from bot.content.edits import EditRefused, newline_of, rewrite
from bot.content.review import (
    APPROVED,
    FINGERPRINT,
    SENT_BACK_FIELDS,
    ReviewState,
    fingerprint,
    needs_approval,
    review_state,
    sent_back,
)

MAX_COMMENT_CHARS = 500
# A source that still says it waits for review ("clinical knowledge — needs review") says
# so no longer once approved (bot/content/answers.py refuses the two together).
NEEDS_REVIEW_NOTE = re.compile(r"\s*[—–-]*\s*needs review\b", re.IGNORECASE)
# Characters that make text display other than it is (bidirectional overrides and isolates).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
CHANGED_SINCE_SHOWN = (
    "This answer changed since the page was shown (edited, decided by another reviewer, or "
    "moved), so nothing was written. Read it again below and decide on what it says now."
)


@dataclass(frozen=True)
class AnswerRef:
    """Which answer: its file in data/responses, its response, its place among the variants."""

    file: str  # e.g. faq.yml
    response: str  # e.g. utter_faq/prrt
    index: int

    def __str__(self) -> str:
        return f"{self.file} {self.response} [{self.index}]"


@dataclass(frozen=True)
class ReviewItem:
    ref: AnswerRef
    answer: Answer
    state: ReviewState
    version: str
    sent_back: Optional[str]


@dataclass(frozen=True)
class ReviewList:
    waiting: List[ReviewItem]  # new, changed, overdue or sent back, in file order
    approved: int  # approved and not due
    total: int
    unreadable: List[str]  # files with a YAML error (content check says where)


def version(answer: Answer) -> str:
    """A code of everything the reviewer reads of an answer, and of its approval state."""
    shown = {
        "text": answer.text,
        "metadata": answer.metadata,
        "condition": answer.variant.get("condition"),
    }
    encoded = json.dumps(shown, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def review_list(root: Path, today: dt.date, interval_days: int) -> ReviewList:
    waiting: List[ReviewItem] = []
    unreadable: List[str] = []
    approved = total = 0
    for path in response_files(root):
        try:
            responses = load_located(path).get("responses", None)
        except yaml.YAMLError:
            unreadable.append(path.name)
            continue
        for name, variants in responses.items() if isinstance(responses, dict) else ():
            for index, variant in enumerate(variants if isinstance(variants, list) else []):
                if not isinstance(variant, dict) or not needs_approval(name, variant):
                    continue
                total += 1
                answer = Answer(name, variant, path, line_of(variant, "text"))
                state = review_state(answer, today, interval_days)
                comment = sent_back(answer.metadata)
                if state.status == APPROVED and not comment:
                    approved += 1
                    continue
                ref = AnswerRef(path.name, name, index)
                waiting.append(ReviewItem(ref, answer, state, version(answer), comment))
    return ReviewList(waiting, approved, total, unreadable)


def clean_comment(comment: str) -> str:
    """The comment on one line, or a refusal saying what to change."""
    if any(ch in BIDI_CONTROLS for ch in comment):
        raise EditRefused("the comment has characters that change the direction of text")
    text = " ".join(comment.split())  # line breaks and tabs become spaces
    if not text:
        raise EditRefused("write a comment: what should change in the answer, and why")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise EditRefused("the comment has control characters: type it again as plain text")
    if len(text) > MAX_COMMENT_CHARS:
        raise EditRefused(
            f"the comment has {len(text)} characters; at most {MAX_COMMENT_CHARS} fit: shorten it"
        )
    return text


def approve(root: Path, ref: AnswerRef, seen: str, reviewer: str, today: dt.date) -> Answer:
    """Record that `reviewer` approved the answer as shown (version `seen`) on `today`."""

    def changes(answer: Answer) -> Tuple[Dict[str, Any], Tuple[str, ...]]:
        fields: Dict[str, Any] = {
            "needs_clinical_review": False,
            "reviewed_by": reviewer,
            "reviewed_on": today.isoformat(),
            FINGERPRINT: fingerprint(answer.text),
        }
        source = answer.metadata.get("source")
        if isinstance(source, str) and NEEDS_REVIEW_NOTE.search(source):
            fields["source"] = NEEDS_REVIEW_NOTE.sub("", source).strip()
        return fields, SENT_BACK_FIELDS

    return _decide(root, ref, seen, changes)


def send_back(
    root: Path, ref: AnswerRef, seen: str, reviewer: str, comment: str, today: dt.date
) -> Answer:
    """Record that `reviewer` sent the answer back with `comment`; any approval is withdrawn."""
    text = clean_comment(comment)

    def changes(_answer: Answer) -> Tuple[Dict[str, Any], Tuple[str, ...]]:
        fields = {
            "needs_clinical_review": True,
            "sent_back": text,
            "sent_back_by": reviewer,
            "sent_back_on": today.isoformat(),
        }
        return fields, ("reviewed_by", "reviewed_on", FINGERPRINT)

    return _decide(root, ref, seen, changes)


def answers_file(root: Path, name: str) -> Path:
    """Only a file the review lists: a name from the page is never a path."""
    for path in response_files(root):
        if path.name == name:
            return path
    raise EditRefused(f"there is no answers file {name!r} in {RESPONSES_DIR}")


def _answer(content: dict, ref: AnswerRef, path: Path) -> Answer:
    responses = content.get("responses")
    variants = responses.get(ref.response) if isinstance(responses, dict) else None
    if not isinstance(variants, list) or not 0 <= ref.index < len(variants):
        raise EditRefused(CHANGED_SINCE_SHOWN)
    variant = variants[ref.index]
    if not isinstance(variant, dict):
        raise EditRefused(CHANGED_SINCE_SHOWN)
    return Answer(ref.response, variant, path, line_of(variant, "text"))


Changes = Callable[[Answer], Tuple[Dict[str, Any], Tuple[str, ...]]]


def _decide(root: Path, ref: AnswerRef, seen: str, changes: Changes) -> Answer:
    """Apply `changes(answer)` (fields to set, fields to delete) to the answer's metadata if
    the file still holds the version the reviewer saw."""
    path = answers_file(root, ref.file)
    planned: Dict[str, Any] = {}  # what `edit` decided, for `expected` to check

    def edit(source: str) -> str:
        try:
            answer = _answer(parse_located(source), ref, path)
        except yaml.YAMLError:
            raise EditRefused(
                f"{ref.file} is not valid YAML right now: run `python -m bot content check`, "
                "fix it, then decide again"
            ) from None
        if version(answer) != seen:
            raise EditRefused(CHANGED_SINCE_SHOWN)
        fields, deleted = changes(answer)
        planned.update(fields=fields, deleted=deleted, answer=answer)
        return _edited(source, answer.variant, fields, deleted, ref)

    def expected(content: dict) -> dict:
        metadata = content["responses"][ref.response][ref.index]["metadata"]
        for key in planned["deleted"]:
            metadata.pop(key, None)
        metadata.update(planned["fields"])
        return content

    refused = EditRefused(
        f"{ref}: the answer's metadata could not be changed cleanly, so nothing was written; "
        "ask an engineer to look at how it is written"
    )
    rewrite(path, edit, expected, refused)
    return planned["answer"]


def _scalar(value: Any) -> str:
    """A value as YAML on one line: true/false, or a double-quoted string with every special
    character escaped (quotes, backslashes, line separators)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    dumped: str = yaml.safe_dump(str(value), default_style='"', allow_unicode=True, width=10**6)
    return dumped.rstrip("\n")


def _edited(
    source: str, variant: dict, fields: Dict[str, Any], deleted: Tuple[str, ...], ref: AnswerRef
) -> str:
    """The file with the variant's metadata changed line by line: a field's value replaced
    where it stands (a comment after it stays), a new field added after
    `needs_clinical_review` (or first), a deleted field's lines removed."""
    metadata = variant.get("metadata")
    if not isinstance(metadata, LineDict) or not metadata:
        raise EditRefused(f"{ref}: the answer has no metadata: fix it (content check) first")
    if metadata.line == line_of(variant, "metadata"):
        raise EditRefused(
            f"{ref}: its metadata is written on one line ({{...}}); write one field per line"
        )
    lines = source.splitlines(keepends=True)
    newline = newline_of(lines)
    first = lines[metadata.line - 1]
    indent = first[: len(first) - len(first.lstrip())]
    replaced: Dict[int, str] = {}
    added: List[str] = []
    for key, value in fields.items():
        if key not in metadata.value_spans:
            added.append(f"{indent}{key}: {_scalar(value)}{newline}")
            continue
        (line, start), (end_line, end) = metadata.value_spans[key]
        if end_line != line:
            raise EditRefused(f"{ref}: '{key}' is written over several lines; put it on one")
        text = replaced.get(line, lines[line])
        replaced[line] = text[:start] + _scalar(value) + text[end:]
    removed: Set[int] = set()
    for key in deleted:
        if key in metadata.value_spans:
            end_line, end = metadata.value_spans[key][1]
            # A block value ends at the start of the line after it.
            last = end_line - 1 if end == 0 and end_line >= metadata.key_lines[key] else end_line
            removed.update(range(metadata.key_lines[key] - 1, last + 1))
    spans = metadata.value_spans
    # Added fields go under needs_clinical_review, where a reader looks; else before the first.
    after = spans["needs_clinical_review"][1][0] if "needs_clinical_review" in spans else None
    out: List[str] = []
    for number, text in enumerate(lines):
        if after is None and number == metadata.line - 1:
            out.extend(added)
        if number in removed:
            continue
        out.append(replaced.get(number, text))
        if number == after:
            if not out[-1].endswith(("\n", "\r")):
                out[-1] += newline
            out.extend(added)
    return "".join(out)
