"""A small content project in a temporary folder, for the content check's tests.

Two topics (`prrt`, `surgery`) with valid answers, approved by a reviewer, and 20 examples
each, and one intent: no finding at all. A test changes one thing and asserts the one finding
it causes, at its line.
"""

import datetime as dt
import shutil
import textwrap
from pathlib import Path
from typing import Dict, List

from bot.content.review import fingerprint

TOPICS = ("prrt", "surgery")
TODAY = dt.date(2026, 12, 1)

ANSWER = """\
  utter_faq/{topic}:
  - text: "{text}"
    metadata:
      source: "clinical knowledge"
      drafted_on: "2026-11-30"
      needs_clinical_review: false
      reviewed_by: "dr.lee"
      reviewed_on: "2026-11-30"
      reviewed_fingerprint: "{fingerprint}"
      offer: question
"""
TEXT = "Something short and true about {topic}. Do you have another question about NETs?"


def examples(topic: str, count: int = 20) -> List[str]:
    return [f"tell me about {topic} number {i}" for i in range(count)]


def nlu_text(blocks: Dict[str, List[str]]) -> str:
    lines = ['version: "3.1"', "nlu:"]
    for label, texts in blocks.items():
        lines += [f"- intent: {label}", "  examples: |"] + [f"    - {t}" for t in texts]
    return "\n".join(lines) + "\n"


def answers_text(texts: Dict[str, str]) -> str:
    body = "".join(
        ANSWER.format(topic=t, text=text, fingerprint=fingerprint(text))
        for t, text in texts.items()
    )
    return 'version: "3.1"\nresponses:\n' + body


def write_project(
    root: Path,
    blocks: "Dict[str, List[str]] | None" = None,
    answers: "Dict[str, str] | None" = None,
) -> Path:
    if blocks is None:
        blocks = {f"faq/{t}": examples(t) for t in TOPICS}
        blocks["greet"] = ["hello there", "good morning"]
    if answers is None:
        answers = {t: TEXT.format(topic=t) for t in TOPICS}
    write(root, "data/nlu/faq.yml", nlu_text(blocks))
    write(root, "data/responses/faq.yml", answers_text(answers))
    return root


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_with(path: Path, snippet: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line containing `snippet` (what a test expects)."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if snippet in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{snippet!r} not in {path}")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def copy_project(destination: Path) -> Path:
    """A copy of the project's content (data/, domain, config, the held-out and conversation
    test sets an added example is checked against, the actions that name responses), for
    tests that check or write it: never the real data/."""
    from bot.settings import ROOT

    for folder in ("data", "actions", "tests/nlu", "tests/eval"):
        shutil.copytree(
            ROOT / folder, destination / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, destination / name)
    return destination
