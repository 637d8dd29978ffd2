"""Rasa's own data validation, with the noise of a clean run taken out.

`rasa data validate` is run as a separate process (it imports TensorFlow, ~20 s) with
`--fail-on-warnings`, as `make train` always ran it: `rasa train --skip-validation` then
trusts the data. On this project's clean data it prints about twenty warnings that are not
problems (below, each with why); they used to bury the one that mattered, such as a topic's
example that is also another intent's. Those are dropped by pattern, precisely: anything new
is kept, said in plain words where we know the message, and tied to a file and line when the
message names something we can find.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Collection, Dict, List, Optional, Set, Tuple

from bot.content.catalog import load_located
from bot.content.findings import ERROR, WARNING, Finding, relative
from bot.settings import ROOT, process_env

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# `path:line: UserWarning: message` (Python's warning format, as Rasa's raise_warning prints)
PY_WARNING = re.compile(r"^\S+:\d+: (?P<category>\w*Warning): (?P<message>.*)$")
# `2026-12-01 18:03:45 WARNING  rasa.validator  - message` (Rasa's log lines)
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?P<level>[A-Z]+)\s+(?P<logger>\S+)\s+- (?P<message>.*)$"
)
SUMMARY = "Project validation completed with errors."

# Clean-run warnings that are not problems.
# - domain.yml lists the retrieval intent `faq`, and Rasa adds `faq` again for the faq/<topic>
#   examples and utter_faq/<topic> responses in data/: the same intent twice, which is how a
#   retrieval intent is declared (also filtered in pytest, pyproject.toml). Only `faq` exactly.
HARMLESS_DUPLICATED_INTENTS = re.compile(
    r"^The following duplicated intents have been found across multiple domain files: faq$"
)
# - A response no rule or story names is still used when a form asks for a slot with it
#   (utter_ask_<slot>), when Rasa's default fallback sends it (utter_default), or when one of
#   our custom actions sends it (named in actions/ or bot/). Any other unused response is kept:
#   it may be one the content team added and nothing sends.
UNUSED_UTTERANCE = re.compile(
    r"^The utterance '(?P<name>[\w/]+)' is not used in any story or rule\.$"
)
RASA_DEFAULT_RESPONSES = {"utter_default"}

# Warnings that do not make `--fail-on-warnings` fail: still warnings for us.
NOT_FAILING = (
    UNUSED_UTTERANCE,
    re.compile(r"^The intent '.*' is not used in any story or rule\.$"),
    re.compile(r"^The intent '.*' is listed in the domain file, but is not found in the NLU"),
)

# Messages said in plain words, at the lines of what they name.
REPEATED_EXAMPLE = re.compile(
    r"^The example '(?P<text>.*)' was found labeled with multiple different intents .* "
    r"The example is labeled with: (?P<labels>.*)\.$"
)
UNKNOWN_INTENT = re.compile(
    r"There is a message in the training data labeled with intent '(?P<name>[^']+)'"
)
QUOTED_NAME = re.compile(r"'(?P<name>[\w/]+)'")


def run_rasa_validate(root: Path = ROOT, timeout: float = 600) -> Tuple[int, str]:
    """(exit code, stdout and stderr) of `rasa data validate --fail-on-warnings` in `root`."""
    rasa = Path(sys.executable).parent / "rasa"
    if not rasa.exists():
        rasa = ROOT / ".venv" / "bin" / "rasa"
    # bot/process.env silences what Rasa's imports print on every run whatever the data
    # (SQLAlchemy's 2.0 notice, DeprecationWarnings, TensorFlow's start-up lines).
    env = {**os.environ, **process_env()}
    result = subprocess.run(
        [str(rasa), "data", "validate", "--domain", "domain.yml", "--data", "data"]
        + ["--fail-on-warnings"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.returncode, result.stdout + "\n" + result.stderr


def messages_of(output: str) -> List[Tuple[str, str]]:
    """(level, message) of every warning and error in Rasa's output, continuation lines joined.

    level is "warning" or "error". A traceback becomes its last line (the exception).
    """
    found: List[Tuple[str, List[str]]] = []
    current: Optional[List[str]] = None
    in_traceback = False
    for line in (ANSI.sub("", raw).rstrip() for raw in output.splitlines()):
        if line.startswith("Traceback (most recent call last)"):
            in_traceback, current = True, None
        elif in_traceback:
            if line and not line.startswith(" "):
                found.append(("error", [line]))
                in_traceback = False
        elif PY_WARNING.match(line) or LOG_LINE.match(line):
            warning, logged = PY_WARNING.match(line), LOG_LINE.match(line)
            current = None
            if warning and warning["category"] != "DeprecationWarning":
                current = [warning["message"].strip()]
                found.append(("warning", current))
            elif logged and logged["level"] in ("WARNING", "ERROR", "CRITICAL"):
                current = [logged["message"].strip()]
                found.append(("warning" if logged["level"] == "WARNING" else "error", current))
        elif line.strip().startswith("More info at"):
            continue
        elif current is not None and line.startswith((" ", "\t")) and line.strip():
            current.append(line.strip())
        else:
            current = None
    return [(level, " ".join(parts)) for level, parts in found if parts and parts[0]]


def _sent_by_code(root: Path) -> str:
    """The text of our Python code, where custom actions name the responses they send."""
    texts = []
    for folder in ("actions", "bot"):
        for path in sorted((root / folder).rglob("*.py")):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def _form_slots(root: Path) -> Set[str]:
    try:
        forms = load_located(root / "domain.yml").get("forms", None) or {}
    except Exception:  # an unreadable domain is reported by Rasa itself
        return set()
    return {
        slot
        for form in forms.values()
        if isinstance(form, dict)
        for slot in form.get("required_slots", None) or []
    }


def is_harmless(message: str, root: Path, code: Optional[str] = None) -> bool:
    if HARMLESS_DUPLICATED_INTENTS.match(message):
        return True
    unused = UNUSED_UTTERANCE.match(message)
    if unused:
        name = unused["name"]
        if name in RASA_DEFAULT_RESPONSES:
            return True
        if name.startswith("utter_ask_") and name[len("utter_ask_") :] in _form_slots(root):
            return True
        code = _sent_by_code(root) if code is None else code
        return re.search(rf"[\"']{re.escape(name)}[\"']", code) is not None
    return False


def _where(name: str, root: Path) -> Tuple[str, int]:
    """The first place in data/ or domain.yml that defines or uses `name` (intent, response)."""
    pattern = re.compile(rf"^\s*(?:-\s*)?(?:intent:\s*)?{re.escape(name)}\s*:?\s*$")
    for path in [root / "domain.yml", *sorted((root / "data").rglob("*.yml"))]:
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.match(line):
                return relative(path, root), number
    return "", 0


def _example_places(text: str, root: Path) -> List[Tuple[str, int]]:
    places = []
    wanted = re.compile(rf"^\s*-\s*{re.escape(text)}\s*$")
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if wanted.match(line):
                places.append((relative(path, root), number))
    return places


def findings_from_output(
    returncode: int, output: str, root: Path = ROOT, reported: Collection[str] = ()
) -> List[Finding]:
    """What matters in Rasa's validation output, as findings; `reported`: examples the
    duplicates check already reported as repeated (Rasa's message on them is left out)."""
    found: List[Finding] = []
    code = _sent_by_code(root)
    seen: Dict[str, bool] = {}
    explained = False
    for level, message in messages_of(output):
        if message in seen or is_harmless(message, root, code):
            continue
        seen[message] = True
        failing = level == "error" or not any(p.match(message) for p in NOT_FAILING)
        severity = ERROR if (failing and returncode != 0) or level == "error" else WARNING
        repeated = REPEATED_EXAMPLE.match(message)
        if repeated and repeated["text"] in reported:
            explained = True  # the failure's reason, already in the report
            continue
        if repeated:
            places = _example_places(repeated["text"], root) or [("", 0)]
            for file, line in places:
                found.append(
                    Finding(
                        severity,
                        file,
                        line,
                        f'the example "{repeated["text"]}" is under more than one intent '
                        f"({repeated['labels']}): keep it under the one it means, delete the "
                        "other",
                        "rasa",
                    )
                )
            continue
        unused = UNUSED_UTTERANCE.match(message)
        if unused:
            file, line = _where(unused["name"], root)
            found.append(
                Finding(
                    severity,
                    file,
                    line,
                    f"the response {unused['name']} is never sent: no rule, story, form or "
                    "action uses it (delete it, or ask an engineer to use it)",
                    "rasa",
                )
            )
            continue
        unknown = UNKNOWN_INTENT.search(message)
        name = unknown["name"] if unknown else None
        if name is None:
            quoted = QUOTED_NAME.search(message)
            name = quoted["name"] if quoted else None
        file, line = _where(name, root) if name else ("", 0)
        words = (
            f"examples are labeled '{name}', an intent domain.yml does not list: fix the "
            "label, or ask an engineer to add the intent"
            if unknown
            else f"Rasa says: {message}"
        )
        found.append(Finding(severity, file, line, words, "rasa"))
    if returncode != 0 and not explained and not any(f.severity == ERROR for f in found):
        found.append(
            Finding(
                ERROR,
                "",
                0,
                "Rasa's data validation failed without a message we could read: run "
                "`.venv/bin/rasa data validate --fail-on-warnings` to see its output",
                "rasa",
            )
        )
    return found


def rasa_problems(root: Path = ROOT, reported: Collection[str] = ()) -> List[Finding]:
    try:
        returncode, output = run_rasa_validate(root)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Finding(ERROR, "", 0, f"Rasa's data validation could not run: {exc}", "rasa")]
    return findings_from_output(returncode, output, root, reported)
