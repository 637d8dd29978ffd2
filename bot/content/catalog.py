"""The FAQ content catalog and the checks the content team runs before retraining.

The topic names are a contract with the web widget, the tests and the analytics: a topic is
complete only when it has a reviewed answer, provenance metadata and enough training examples.
`python -m bot content check` (part of `make train`) reports every gap in plain words, so the
content team can fix answers and examples without an engineer.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import yaml

from bot.settings import ROOT

FAQ_RESPONSES = Path("data", "responses", "faq.yml")
NLU_DIR = Path("data", "nlu")

CATALOG = (
    "what_are_nets",
    "are_nets_cancer",
    "how_common",
    "causes",
    "who_gets",
    "types",
    "symptoms",
    "hard_to_diagnose",
    "diagnosis",
    "stages",
    "grades",
    "outlook",
    "treatment_options",
    "surgery",
    "immunotherapy",
    "targeted_therapy",
    "chemotherapy",
    "interventional_radiology",
    "prrt",
    "care_team",
    "supportive_care",
    # Added 2026-11-30: narrower topics visitors ask most; each takes only its own questions.
    "somatostatin_analogues",
    "sstr_imaging",
    "lab_tests",
    "carcinoid_syndrome",
    "site_small_intestine",
    "site_pancreas",
    "site_lung",
    "site_appendix",
    "site_rectum",
    "site_stomach",
    "inherited_syndromes",
    "clinical_trials",
    "first_visit",
    "cost_insurance",
    "locations_hours",
)

# Enough for 5-fold cross-validation with every fold seeing several examples of each topic.
MIN_EXAMPLES = 20
# About four sentences: what fits in a chat bubble on a phone.
MAX_ANSWER_CHARS = 700
REQUIRED_METADATA = ("source", "drafted_on", "needs_clinical_review", "offer")
# An answer ends with a yes/no question, and its metadata says which kind, because a "yes" is
# read against it (a callback offer starts the callback form) and the buttons come from it.
OFFERS = {"callback": ("call",), "question": ("question", "ask")}
ALLOWED_VARIABLES = {"center_name", "center_phone", "center_hours"}
NEXT_STEP_WORDS = ("ask", "call", "question", "team")


@dataclass(frozen=True)
class Example:
    label: str
    text: str


def load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def iter_examples(paths: List[Path]) -> Iterator[Example]:
    """Intent examples of Rasa NLU YAML files, with labels like `greet` or `faq/prrt`."""
    for path in paths:
        for block in load_yaml(path).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block.get("examples", "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield Example(block["intent"], line[2:].strip())


def training_files(root: Path = ROOT) -> List[Path]:
    return sorted((root / NLU_DIR).glob("*.yml"))


def faq_answers(root: Path = ROOT) -> Dict[str, dict]:
    """Topic -> the first response variant (text and metadata)."""
    responses = load_yaml(root / FAQ_RESPONSES).get("responses", {})
    return {
        name.split("/", 1)[1]: variants[0]
        for name, variants in responses.items()
        if name.startswith("utter_faq/") and variants
    }


def problems(root: Path = ROOT) -> List[str]:
    """Every gap in the catalog, as a sentence the content team can act on."""
    found: List[str] = []
    answers = faq_answers(root)
    counts: Dict[str, int] = {}
    for example in iter_examples(training_files(root)):
        if example.label.startswith("faq/"):
            topic = example.label.split("/", 1)[1]
            counts[topic] = counts.get(topic, 0) + 1

    for topic in CATALOG:
        answer = answers.get(topic)
        if answer is None:
            found.append(f"faq/{topic}: no answer in {FAQ_RESPONSES}")
        else:
            found.extend(f"faq/{topic}: {p}" for p in _answer_problems(answer))
        if counts.get(topic, 0) < MIN_EXAMPLES:
            found.append(
                f"faq/{topic}: {counts.get(topic, 0)} training examples, "
                f"needs at least {MIN_EXAMPLES}"
            )
    for topic in sorted((set(answers) | set(counts)) - set(CATALOG)):
        found.append(f"faq/{topic}: not in the catalog (bot/content.py CATALOG)")
    return found


def _answer_problems(answer: dict) -> List[str]:
    found = []
    text = answer.get("text") or ""
    metadata = answer.get("metadata") or {}
    if not text.strip():
        found.append("empty answer")
    if len(text) > MAX_ANSWER_CHARS:
        found.append(f"answer is {len(text)} characters, limit {MAX_ANSWER_CHARS}")
    unknown = set(re.findall(r"\{(\w+)\}", text)) - ALLOWED_VARIABLES
    if unknown:
        found.append(f"unknown template variables {sorted(unknown)}")
    last_sentence = re.split(r"(?<=[.!?])\s+", text.strip())[-1].lower()
    if not any(word in last_sentence for word in NEXT_STEP_WORDS):
        found.append("answer does not end with a next step (another question or a callback)")
    offer = metadata.get("offer")
    if "offer" in metadata and offer not in OFFERS:
        found.append(f"metadata 'offer' is {offer!r}; it is one of: {', '.join(OFFERS)}")
    elif offer in OFFERS and not (
        last_sentence.endswith("?") and any(w in last_sentence for w in OFFERS[offer])
    ):
        found.append(
            f"the last sentence should be a yes/no question that offers a {offer} "
            "(offer: callback asks about a call; offer: question about another question)"
        )
    for key in REQUIRED_METADATA:
        if key not in metadata:
            found.append(f"metadata lacks '{key}'")
    source = str(metadata.get("source", ""))
    if source.startswith("seed") and not metadata.get("seed_reviewed_on"):
        found.append("seed-based answer lacks 'seed_reviewed_on'")
    if "needs review" in source and metadata.get("needs_clinical_review") is not True:
        found.append("source says it needs review but needs_clinical_review is not true")
    return found
