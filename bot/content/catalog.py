"""The FAQ topic catalog, and the content files read with the line each item came from.

A topic is whatever has an `utter_faq/<topic>` answer; it is complete only when it also has
provenance metadata, a clinician's approval and enough training examples.
The content team edits YAML by hand, so every answer and example keeps its file and line: a
problem is worth fixing only if the report says where it is.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml

from bot.settings import ROOT

FAQ_RESPONSES = Path("data", "responses", "faq.yml")
RESPONSES_DIR = Path("data", "responses")
NLU_DIR = Path("data", "nlu")


def topics(root: Path = ROOT) -> Tuple[str, ...]:
    """The FAQ topics: one per `utter_faq/<topic>` answer in data/responses/faq.yml, in the
    file's order. The content team adds a topic by writing its answer and examples; the check
    says when one has no answer or too few examples. Read when asked (not at import), so a
    running web service offers a topic as soon as its answer is written."""
    try:
        responses = (load_yaml(root / FAQ_RESPONSES) or {}).get("responses") or {}
    except (OSError, yaml.YAMLError):
        return ()
    prefix = "utter_faq/"
    return tuple(key[len(prefix) :] for key in responses if str(key).startswith(prefix))


class LineDict(dict):
    """A YAML mapping that remembers where it and each of its keys start (1-based lines).

    The checks read `line`, `key_lines` and `value_starts` to point at the exact line; to
    anything else it is a dict (but `yaml.safe_dump` refuses it: use `load_yaml` to write back).
    """

    line: int = 0
    key_lines: Dict[str, int]
    # key -> (line of the value's first character, YAML scalar style or None)
    value_starts: Dict[str, Tuple[int, Optional[str]]]
    # key -> ((line, column) where the value starts, (line, column) just past its end), both
    # 0-based as PyYAML counts them: where an edit replaces a value and nothing else
    value_spans: Dict[str, Tuple[Tuple[int, int], Tuple[int, int]]]


class LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with mappings that know their lines."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.value_starts = {}
    mapping.value_spans = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            mapping.key_lines[key_node.value] = key_node.start_mark.line + 1
            style = value_node.style if isinstance(value_node, yaml.ScalarNode) else None
            start, end = value_node.start_mark, value_node.end_mark
            mapping.value_starts[key_node.value] = (start.line + 1, style)
            mapping.value_spans[key_node.value] = (
                (start.line, start.column),
                (end.line, end.column),
            )
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> dict:
    """A YAML file's content as plain data (what `yaml.safe_dump` can write back)."""
    with path.open(encoding="utf-8") as handle:
        content = yaml.safe_load(handle)
    return content if isinstance(content, dict) else {}


def load_located(path: Path) -> dict:
    """A YAML file's content with `LineDict` mappings, for the checks. YAML errors propagate
    (yaml_errors reports them); a file whose top level is not a mapping reads as empty."""
    return parse_located(path.read_text(encoding="utf-8"))


def parse_located(source: str) -> dict:
    """`load_located` of a file's text, as an edit read it."""
    content = yaml.load(source, Loader=LineLoader)
    return content if isinstance(content, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def line_of(mapping: Any, key: Optional[str] = None) -> int:
    """The line of `mapping` (or of its `key`), 0 when unknown."""
    if not isinstance(mapping, LineDict):
        return 0
    if key is not None and key in mapping.key_lines:
        return mapping.key_lines[key]
    return mapping.line


@dataclass(frozen=True)
class Example:
    label: str
    text: str
    path: Optional[Path] = None
    line: int = 0


def _example_lines(block: dict) -> Iterator[Tuple[int, str]]:
    """(line, raw line) of an `examples: |` block; lines of other styles share the key's line."""
    examples = block.get("examples") or ""
    if not isinstance(examples, str):
        return
    start, style = (
        block.value_starts.get("examples", (0, None)) if isinstance(block, LineDict) else (0, None)
    )
    literal = style in ("|", ">")
    for offset, raw in enumerate(examples.splitlines()):
        # A block scalar's content starts on the line after its `|`.
        yield (start + 1 + offset if literal else start), raw


def iter_examples(paths: List[Path]) -> Iterator[Example]:
    """Intent examples of Rasa NLU YAML files, with labels like `greet` or `faq/prrt`."""
    for path in paths:
        for block in _list(load_located(path).get("nlu", None)):
            if not isinstance(block, dict) or "intent" not in block:
                continue
            for line, raw in _example_lines(block):
                text = raw.strip()
                if text.startswith("- "):
                    yield Example(block["intent"], text[2:].strip(), path, line)


def training_files(root: Path = ROOT) -> List[Path]:
    return sorted((root / NLU_DIR).glob("*.yml"))


def response_files(root: Path = ROOT) -> List[Path]:
    return sorted((root / RESPONSES_DIR).glob("*.yml"))


def faq_answers(root: Path = ROOT) -> Dict[str, dict]:
    """Topic -> the first response variant (text and metadata)."""
    responses = load_located(root / FAQ_RESPONSES).get("responses", None) or {}
    return {
        name.split("/", 1)[1]: variants[0]
        for name, variants in responses.items()
        if name.startswith("utter_faq/") and variants
    }


@dataclass(frozen=True)
class Answer:
    """One variant of a response the content team wrote: what the visitor reads."""

    response: str  # utter_faq/prrt, utter_ask_pain
    variant: dict  # text, metadata, condition
    path: Path
    line: int

    @property
    def name(self) -> str:
        """The response, and the condition that picks this variant if any, for messages."""
        conditions = self.variant.get("condition") or []
        values = [f"{c.get('name')}={c.get('value')}" for c in conditions if isinstance(c, dict)]
        return f"{self.response} ({', '.join(values)})" if values else self.response

    @property
    def text(self) -> str:
        text = self.variant.get("text")
        return text if isinstance(text, str) else ""

    @property
    def metadata(self) -> dict:
        metadata = self.variant.get("metadata")
        return metadata if isinstance(metadata, dict) else {}


def iter_answers(paths: List[Path]) -> Iterator[Answer]:
    """Every variant of every response in the given files, with the line of its `text`."""
    for path in paths:
        responses = load_located(path).get("responses", None) or {}
        if not isinstance(responses, dict):
            continue
        for name, variants in responses.items():
            for variant in variants if isinstance(variants, list) else []:
                if isinstance(variant, dict):
                    yield Answer(name, variant, path, line_of(variant, "text"))


def intent_blocks(paths: List[Path]) -> Iterator[Tuple[str, Path, int, List[Tuple[int, str]]]]:
    """(label, file, line of `- intent:`, [(line, raw line)]) of every intent block."""
    for path in paths:
        for block in _list(load_located(path).get("nlu", None)):
            if isinstance(block, dict) and "intent" in block:
                yield str(block["intent"]), path, line_of(block), list(_example_lines(block))
