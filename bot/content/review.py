"""Clinical review of answers: which still wait for a clinician, and which are due again.

Medical facts change, so an answer a clinician signed off is trusted for a limited time
(Settings.content_review_days, a year by default). Waiting answers are warnings, counted, not
errors: the program chose to go live with drafts flagged for review, and blocking the retrain
would also block fixing them. A malformed or future date is an error: it hides the answer from
the review schedule.

Fields, in an answer's `metadata`:
- `needs_clinical_review: true` until a clinician signs the answer off, then `false`;
- `reviewed_on: "YYYY-MM-DD"`, the day of that sign-off;
- a seed-based answer signed off without `reviewed_on` counts from `seed_reviewed_on`, the
  review date of the center's page it was taken from.
"""

import datetime as dt
from typing import List, Optional, Tuple, Union

from bot.content.catalog import Answer

DATE_FIELDS = ("reviewed_on", "seed_reviewed_on", "drafted_on")


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


def review_problems(
    answer: Answer, today: dt.date, interval_days: int
) -> List[Tuple[str, str, str, str]]:
    """(severity, message, kind, metadata key) for one answer."""
    metadata = answer.metadata
    found: List[Tuple[str, str, str, str]] = []
    dates: dict = {}
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
        else:
            dates[field] = value

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
    elif needs is True:
        found.append(
            (
                "warning",
                "awaiting clinical review (needs_clinical_review: true); once a clinician "
                "signs it off, set it to false and add reviewed_on with that day's date",
                "awaiting-review",
                "needs_clinical_review",
            )
        )
    elif needs is False:
        seed_based = str(metadata.get("source", "")).startswith("seed")
        reviewed: Optional[dt.date] = dates.get("reviewed_on") or (
            dates.get("seed_reviewed_on") if seed_based else None
        )
        field = "reviewed_on" if dates.get("reviewed_on") else "seed_reviewed_on"
        if reviewed is None and "reviewed_on" not in {f[3] for f in found}:
            found.append(
                (
                    "warning",
                    "marked as reviewed (needs_clinical_review: false) but has no "
                    "reviewed_on date: add the day a clinician signed it off",
                    "review-overdue",
                    "needs_clinical_review",
                )
            )
        elif reviewed is not None and (today - reviewed).days > interval_days:
            found.append(
                (
                    "warning",
                    f"last reviewed on {reviewed} ({field}), more than {interval_days} days "
                    "ago: ask a clinician to review it again, then set reviewed_on to that "
                    "day's date",
                    "review-overdue",
                    field,
                )
            )
    return found
