"""Clinical review of answers: which are approved, which wait for a reviewer, which are due again.

An answer is approved when a reviewer approved its present text on the staff app's review page
(bot/content/approval.py writes it). The approval lives in the answer's own metadata, so it
travels with the file through git and into the trained model:
- `needs_clinical_review: false`;
- `reviewed_by: "<account>"` and `reviewed_on: "YYYY-MM-DD"`, who approved it and when;
- `reviewed_fingerprint: "<12 characters>"`, a code computed from the words that were approved.
  When the text changes, the code no longer matches and the answer waits for review again:
  nobody has to remember to flip a flag. Spacing does not count, words and punctuation do.
`needs_clinical_review: false` alone (typed by hand) is not an approval: anyone can type it.

Medical facts change, so an approval is trusted for a limited time
(Settings.content_review_days, a year by default): an answer approved longer ago is listed for
review again, and still served meanwhile (switching answers off on a calendar date, with
nobody deploying anything, would surprise everyone). Waiting answers are warnings, counted,
not errors: the program chose to go live with drafts waiting, and blocking the retrain would
also block fixing them; production serves only approved ones (bot/chat/nlg.py). A malformed
or future date is an error: it hides the answer from the review schedule.

A reviewer who sends an answer back writes `sent_back` (the comment), `sent_back_by` and
`sent_back_on` and sets `needs_clinical_review: true`; approving it later removes them.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from bot.content.catalog import Answer

DATE_FIELDS = ("reviewed_on", "seed_reviewed_on", "drafted_on", "sent_back_on")
FINGERPRINT = "reviewed_fingerprint"
SENT_BACK_FIELDS = ("sent_back", "sent_back_by", "sent_back_on")
# Metadata that says an answer was written by the content team, with provenance: what the
# review covers, whatever the response's name (FAQ answers, follow-ups).
PROVENANCE = ("needs_clinical_review", "source", "drafted_on")

# An answer's review status.
APPROVED = "approved"
NEW = "new"  # never approved
CHANGED = "changed"  # approved, then its text changed
OVERDUE = "overdue"  # approved longer ago than the review interval
# Findings of answers that production does not serve (counted in the summary).
AWAITING_KINDS = ("awaiting-review", "changed-since-approval")


def parse_date(value: object) -> Union[dt.date, None, str]:
    """A date, None when empty, or the text of a value that is not a YYYY-MM-DD date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)


def fingerprint(text: str) -> str:
    """A short code of an answer's words: equal for the same words however they are spaced
    or wrapped in the file. It detects change, it does not protect against anyone (the file
    is edited freely; git and the audit log say who did what)."""
    words = " ".join(text.split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:12]


def needs_approval(response: str, variant: dict) -> bool:
    """Whether this response variant is an answer the review covers: every FAQ answer, and
    any response whose metadata carries the content team's provenance."""
    metadata = variant.get("metadata")
    has_provenance = isinstance(metadata, dict) and any(key in metadata for key in PROVENANCE)
    return response.startswith("utter_faq/") or has_provenance


def is_approved(metadata: dict, text: str) -> bool:
    """A reviewer approved exactly this text (whenever that was)."""
    return (
        metadata.get("needs_clinical_review") is False
        and bool(metadata.get("reviewed_by"))
        and isinstance(parse_date(metadata.get("reviewed_on")), dt.date)
        and metadata.get(FINGERPRINT) == fingerprint(text)
    )


@dataclass(frozen=True)
class ReviewState:
    status: str  # APPROVED, NEW, CHANGED or OVERDUE
    reason: str  # in plain words, for the reviewer and the editor
    key: str  # the metadata key (or "text") the reason is about, for its line


def review_state(answer: Answer, today: dt.date, interval_days: int) -> ReviewState:
    metadata = answer.metadata
    reviewer = metadata.get("reviewed_by")
    reviewed_on = parse_date(metadata.get("reviewed_on"))
    signed_off = metadata.get("needs_clinical_review") is False
    approved_words = metadata.get(FINGERPRINT)
    if signed_off and approved_words and approved_words != fingerprint(answer.text):
        return ReviewState(
            CHANGED,
            f"the text changed since {reviewer or 'a reviewer'} approved it"
            + (f" on {reviewed_on}" if isinstance(reviewed_on, dt.date) else "")
            + ": it waits for review again",
            "text",
        )
    if is_approved(metadata, answer.text) and isinstance(reviewed_on, dt.date):
        if (today - reviewed_on).days > interval_days:
            return ReviewState(
                OVERDUE,
                f"approved by {reviewer} on {reviewed_on}, more than {interval_days} days ago: "
                "due for review again",
                "reviewed_on",
            )
        return ReviewState(APPROVED, f"approved by {reviewer} on {reviewed_on}", "reviewed_on")
    if signed_off and approved_words:
        return ReviewState(
            NEW,
            "its approval lacks reviewed_by or a reviewed_on date: approve it again on the "
            "review page",
            "reviewed_on" if "reviewed_on" in metadata else "needs_clinical_review",
        )
    if signed_off:
        return ReviewState(
            NEW,
            "needs_clinical_review: false was typed, but no reviewer approved it on the review "
            "page, which records reviewed_by, reviewed_on and reviewed_fingerprint",
            "needs_clinical_review",
        )
    return ReviewState(NEW, "never approved", "needs_clinical_review")


def sent_back(metadata: dict) -> Optional[str]:
    """A reviewer's comment on an answer sent back, with who and when, in one sentence."""
    comment = metadata.get("sent_back")
    if not comment:
        return None
    when = parse_date(metadata.get("sent_back_on"))
    by = metadata.get("sent_back_by") or "a reviewer"
    return f'sent back by {by}{f" on {when}" if when else ""}: "{comment}"'


def review_problems(
    answer: Answer, today: dt.date, interval_days: int
) -> List[Tuple[str, str, str, str]]:
    """(severity, message, kind, metadata key) for one answer."""
    metadata = answer.metadata
    found: List[Tuple[str, str, str, str]] = []
    for field in DATE_FIELDS:
        value = parse_date(metadata.get(field))
        if isinstance(value, str):
            found.append(
                (
                    "error",
                    f"'{field}' is {value!r}, not a date: write it as \"YYYY-MM-DD\"",
                    "review-date",
                    field,
                )
            )
        elif value is not None and value > today:
            found.append(
                ("error", f"'{field}' is {value}, a day in the future", "review-date", field)
            )

    needs = metadata.get("needs_clinical_review")
    if "needs_clinical_review" in metadata and not isinstance(needs, bool):
        found.append(
            (
                "error",
                f"needs_clinical_review is {needs!r}: write true or false",
                "review",
                "needs_clinical_review",
            )
        )
    comment = sent_back(metadata)
    if comment:
        found.append(
            (
                "warning",
                f"{comment}; change the answer as asked, and a reviewer approves it again on "
                "the review page",
                "sent-back",
                "sent_back",
            )
        )
    state = review_state(answer, today, interval_days)
    if state.status == NEW:
        found.append(
            (
                "warning",
                f"awaiting clinical review ({state.reason}); a reviewer approves it on the "
                "staff app's review page",
                "awaiting-review",
                state.key,
            )
        )
    elif state.status == CHANGED:
        found.append(("warning", state.reason, "changed-since-approval", state.key))
    elif state.status == OVERDUE:
        found.append(("warning", state.reason, "review-overdue", state.key))
    return found
