"""`content check`: every problem in the content team's files, found before retraining.

The checks run in an order that keeps the report short: a file that is not valid YAML is
reported once and left out of the other checks (which would otherwise report every topic in it
as missing), and Rasa's validation, which would only fail on the same file (or refuse a key
written twice), is skipped then.
"""

import datetime as dt
import difflib
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.content.answers import answer_problems
from bot.content.catalog import (
    FAQ_RESPONSES,
    Answer,
    intent_blocks,
    iter_answers,
    iter_examples,
    line_of,
    response_files,
    training_files,
)
from bot.content.duplicates import Repeat, find_repeats, plain_text
from bot.content.findings import ERROR, WARNING, Finding, error, relative, warning
from bot.content.links import link_problems
from bot.content.review import review_problems
from bot.content.yaml_errors import yaml_problems
from bot.settings import ROOT

# Enough for 5-fold cross-validation with every fold seeing several examples of each topic.
MIN_EXAMPLES = 20
# Files the content team edits, and the ones Rasa reads with them.
PROJECT_YAML = ("domain.yml", "config.yml")


def yaml_files(root: Path) -> List[Path]:
    files = sorted((root / "data").rglob("*.yml")) + sorted((root / "data").rglob("*.yaml"))
    return files + [root / name for name in PROJECT_YAML if (root / name).exists()]


def check(
    root: Path = ROOT,
    rasa: bool = True,
    today: Optional[dt.date] = None,
    review_days: Optional[int] = None,
) -> List[Finding]:
    """Every finding, errors and warnings, in file and line order (Rasa's last)."""
    if review_days is None:
        from bot.settings import get_settings

        review_days = get_settings().content_review_days
    today = today or dt.date.today()

    found = yaml_problems(yaml_files(root), root)
    broken = {f.file for f in found if f.kind == "yaml"}
    nlu = [p for p in training_files(root) if relative(p, root) not in broken]
    responses = [p for p in response_files(root) if relative(p, root) not in broken]
    answers = list(iter_answers(responses))

    found += catalog_problems(root, nlu, answers, broken)
    for answer in answers:
        found += _answer_findings(answer, root, today, review_days)
    repeats = find_repeats(list(iter_examples(nlu)))
    found += example_problems(root, nlu, repeats)
    found.sort(key=lambda f: (f.file, f.line))
    if rasa and not any(f.kind in ("yaml", "duplicate-key") for f in found):
        from bot.content.rasa_validate import rasa_problems

        # Rasa's "labeled with multiple different intents" is one of our repeats, said twice.
        reported = {plain_text(e.text) for r in repeats if r.identical for e in (r.first, r.second)}
        found += rasa_problems(root, reported)
    return found


def catalog_problems(
    root: Path, nlu: List[Path], answers: List[Answer], broken: set
) -> List[Finding]:
    """A topic is an `utter_faq/<topic>` answer: each needs enough example questions, and
    example questions of a topic without an answer are a new topic half written or a typo."""
    found: List[Finding] = []
    faq_file = root / FAQ_RESPONSES
    answered: Dict[str, Answer] = {}
    for answer in answers:
        if answer.response.startswith("utter_faq/"):
            answered.setdefault(answer.response.split("/", 1)[1], answer)
    counts: Counter = Counter()
    first_line: Dict[str, Tuple[Path, int]] = {}
    for label, path, line, _ in intent_blocks(nlu):
        if label.startswith("faq/"):
            first_line.setdefault(label.split("/", 1)[1], (path, line))
    for example in iter_examples(nlu):
        if example.label.startswith("faq/"):
            counts[example.label.split("/", 1)[1]] += 1

    answers_readable = relative(faq_file, root) not in broken
    examples_readable = not any(relative(p, root) in broken for p in training_files(root))
    if examples_readable:
        for topic, answer in answered.items():
            if counts[topic] >= MIN_EXAMPLES:
                continue
            path, line = first_line.get(topic, (answer.path, line_of(answer.variant)))
            where = "" if topic in first_line else f" (under `- intent: faq/{topic}` in data/nlu/)"
            found.append(
                error(
                    path,
                    line,
                    f"the topic faq/{topic} has {counts[topic]} example question(s){where}; it "
                    f"needs at least {MIN_EXAMPLES}: add {MIN_EXAMPLES - counts[topic]} more",
                    "too-few-examples",
                    root,
                )
            )
    if answers_readable:
        for topic in sorted(set(first_line) - set(answered)):
            path, line = first_line[topic]
            close = difflib.get_close_matches(topic, list(answered), n=1)
            hint = f" (or fix the name: did you mean faq/{close[0]}?)" if close else ""
            found.append(
                error(
                    path,
                    line,
                    f"the topic faq/{topic} has questions but no answer: add utter_faq/{topic} "
                    f"to {FAQ_RESPONSES.as_posix()}{hint}",
                    "missing-answer",
                    root,
                )
            )
    return found


def _answer_findings(answer: Answer, root: Path, today: dt.date, days: int) -> List[Finding]:
    found: List[Finding] = []
    metadata_line = line_of(answer.variant, "metadata") or answer.line

    def line(key: str) -> int:
        if key == "text":
            return answer.line
        return line_of(answer.metadata, key) if key in answer.metadata else metadata_line

    for problem, key in answer_problems(answer):
        found.append(error(answer.path, line(key), f"{answer.name}: {problem}", "answer", root))
    for problem in link_problems(answer.text):
        found.append(error(answer.path, answer.line, f"{answer.name}: {problem}", "link", root))
    for severity, problem, kind, key in review_problems(answer, today, days):
        make = error if severity == ERROR else warning
        found.append(make(answer.path, line(key), f"{answer.name}: {problem}", kind, root))
    return found


def example_problems(root: Path, nlu: List[Path], repeats: List[Repeat]) -> List[Finding]:
    """Blocks without examples, lines that are not examples, and repeats across labels."""
    found: List[Finding] = []
    for label, path, line, lines in intent_blocks(nlu):
        examples = [raw for _, raw in lines if raw.strip().startswith("- ")]
        if not examples:
            found.append(
                error(
                    path,
                    line,
                    f"{label} has no examples: list them under `examples: |`, one per line "
                    "starting with '- '",
                    "missing-examples",
                    root,
                )
            )
        for number, raw in lines:
            text = raw.strip()
            if text and not text.startswith("- "):
                found.append(
                    error(
                        path,
                        number,
                        f"this line under {label} is not an example and is ignored: start it "
                        "with '- ' (a dash and a space)",
                        "example-format",
                        root,
                    )
                )
            elif text == "-":
                found.append(
                    error(path, number, "an empty example: delete the line", "example-format", root)
                )
    for repeat in repeats:
        first, second = repeat.first, repeat.second
        if repeat.identical:
            words = (
                f'"{second.text}" ({second.label}) is the same question as "{first.text}" '
                f"({first.label}, {relative(first.path, root)}:{first.line}): keep it under "
                "the one it means and delete the other"
            )
            found.append(error(second.path, second.line, words, "duplicate", root))
        else:
            words = (
                f'"{second.text}" ({second.label}) is nearly the same as "{first.text}" '
                f"({first.label}, {relative(first.path, root)}:{first.line}): if both mean "
                "the same, keep one; if not, reword one so the difference is clear"
            )
            found.append(warning(second.path, second.line, words, "near-duplicate", root))
    return found


def has_errors(findings: List[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


__all__ = ["ERROR", "WARNING", "Finding", "MIN_EXAMPLES", "check", "has_errors"]
