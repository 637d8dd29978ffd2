"""A YAML file that does not parse, said as its file, its line and what to look for.

PyYAML's own message ("mapping values are not allowed here") and a 45-line traceback mean
nothing to someone who edits text: the position comes from the parser's marks
(`MarkedYAMLError`), and the hint translates the parser's complaint into the slip that usually
causes it.
"""

import re
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import yaml

from bot.content.catalog import LineLoader
from bot.content.findings import Finding, error

# (words in PyYAML's problem or context, what to tell the writer), first match wins.
HINTS: Tuple[Tuple[str, str], ...] = (
    (
        "'\\t'",
        "there is a tab character: YAML indents with spaces only. Replace the tab with spaces",
    ),
    (
        "while scanning a quoted scalar",
        'a quote opened here is never closed: end the text with the same quote (") it starts '
        'with, and write a quote inside the text as \\"',
    ),
    (
        "mapping values are not allowed here",
        "a colon (:) in a text without quotes, or a line indented differently from the lines "
        'around it: put the whole text in double quotes ("..."), or line it up with its '
        "neighbours",
    ),
    (
        "expected <block end>, but found '<scalar>'",
        "a text goes on after its closing quote, or this line is indented differently from the "
        "lines around it: put the whole text inside the quotes, or line it up with its "
        "neighbours",
    ),
    (
        "expected <block end>",
        "this line is indented differently from the lines around it: line it up with its "
        "neighbours (the same number of spaces as the line it belongs with)",
    ),
    (
        "did not find expected key",
        "this line is indented differently from the lines around it, or a text after a quote "
        "goes on: line it up with its neighbours and check the quotes",
    ),
    (
        "did not find expected '-' indicator",
        "a list item is indented differently from the other items: start it with '- ' at the "
        "same column as the others",
    ),
    (
        "could not find expected ':'",
        "a line lacks its colon (key: value), or a quote is not closed: check this line and "
        "the one before",
    ),
    (
        "found duplicate anchor",
        "an '&' or '*' is read as YAML syntax: put the text in double quotes",
    ),
    (
        "found undefined alias",
        "a text starts with '*' or '&': put the text in double quotes",
    ),
    (
        "found character '@' that cannot start any token",
        "a text starts with '@' or '`': put the text in double quotes",
    ),
)
DEFAULT_HINT = "check the indentation (spaces only) and the quotes on this line and the one before"


def hint_for(exc: yaml.MarkedYAMLError) -> str:
    said = f"{exc.context or ''} {exc.problem or ''}"
    return next((hint for words, hint in HINTS if words in said), DEFAULT_HINT)


def line_of_error(exc: yaml.MarkedYAMLError) -> int:
    """The line to look at: where an unclosed quote opened, else where the parser stopped."""
    mark: Optional[yaml.Mark] = exc.problem_mark
    if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
        mark = exc.context_mark
    mark = mark or exc.context_mark
    return mark.line + 1 if mark is not None else 0


def unclosed_quote_line(text: str, up_to: int) -> int:
    """The last line up to `up_to` with an odd number of double quotes, or 0.

    The content team writes each quoted text on one line, so such a line opened a quote it did
    not close; the parser only notices lines later, where the next quote closes it.
    """
    found = 0
    for number, line in enumerate(text.splitlines()[:up_to], 1):
        if line.lstrip().startswith("#"):
            continue
        if len(re.findall(r'(?<!\\)"', line)) % 2:
            found = number
    return found


def duplicate_keys(node: yaml.Node) -> Iterator[Tuple[str, int, int]]:
    """(key, first line, repeated line) of every key written twice in one mapping.

    YAML readers disagree: PyYAML keeps the second silently, Rasa's reader refuses the file.
    Either way one of the two answers (or example blocks) is lost.
    """
    if isinstance(node, yaml.MappingNode):
        first: Dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in first:
                    yield key.value, first[key.value], line
                else:
                    first[key.value] = line
            yield from duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from duplicate_keys(item)


def yaml_problems(paths: List[Path], root: Path) -> List[Finding]:
    """One error for each file that is not valid YAML (the other checks skip those files)."""
    found = []
    for path in paths:
        try:
            with path.open(encoding="utf-8") as handle:
                content = yaml.load(handle, Loader=LineLoader)
            with path.open(encoding="utf-8") as handle:
                tree = yaml.compose(handle, Loader=yaml.SafeLoader)
            for key, first, line in duplicate_keys(tree) if tree is not None else ():
                found.append(
                    error(
                        path,
                        line,
                        f"{key} is written twice in the same place (first on line {first}): "
                        "only one is kept, so merge the two or rename one",
                        "duplicate-key",
                        root,
                    )
                )
            if content is not None and not isinstance(content, dict):
                found.append(
                    error(
                        path,
                        1,
                        "this file should be a set of `key: value` sections (such as "
                        "`version:` and `nlu:` or `responses:`), not a list or a text",
                        "yaml",
                        root,
                    )
                )
        except yaml.MarkedYAMLError as exc:
            line, hint = line_of_error(exc), hint_for(exc)
            quote = unclosed_quote_line(path.read_text(encoding="utf-8"), line)
            if quote and "'\\t'" not in str(exc.problem):
                line, hint = quote, HINTS[1][1]
            found.append(error(path, line, f"this file is not valid YAML: {hint}.", "yaml", root))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            found.append(
                error(path, 0, f"this file cannot be read as YAML text ({exc}).", "yaml", root)
            )
    return found
