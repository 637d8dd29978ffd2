"""Build the project's own spaCy pipeline: blank English, lookup lemmas, NET lexicon ruler.

No pretrained English pipeline can be downloaded here, and third-party re-uploads are not
trusted. A blank pipeline still gives spaCy's tokenizer, lemmas from `spacy-lookups-data`
("tumours" -> "tumour") and an EntityRuler whose patterns come from the lexicon the content
team owns (data/nlu/lexicon.yml). Used by the spaCy variant in the benchmarks.
"""

import sys
from pathlib import Path
from typing import Dict, List

from bot.content import load_yaml
from bot.settings import ROOT

LEXICON = ROOT / "data" / "nlu" / "lexicon.yml"
OUTPUT = ROOT / "var" / "spacy" / "en_net"


def lexicon_patterns(path: Path = LEXICON) -> List[Dict]:
    patterns = []
    for block in load_yaml(path).get("nlu", []):
        if "lookup" not in block:
            continue
        for line in block["examples"].splitlines():
            term = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
            if term:
                patterns.append(
                    {"label": block["lookup"], "pattern": [{"LOWER": t} for t in term.split()]}
                )
    return patterns


def variant_config(config: Path, output: Path) -> Path:
    """`config` with spaCy in front: SpacyNLP + SpacyTokenizer instead of the whitespace
    tokenizer, and SpacyEntityExtractor for the lexicon entities. Derived, never copied, so
    the benchmark compares exactly one change."""
    import yaml

    spec = load_yaml(config)
    pipeline = []
    for component in spec["pipeline"]:
        if component["name"] == "WhitespaceTokenizer":
            pipeline += [
                {"name": "SpacyNLP", "model": str(OUTPUT)},
                {"name": "SpacyTokenizer"},
                {"name": "SpacyEntityExtractor"},
            ]
        else:
            pipeline.append(component)
    spec.update(pipeline=pipeline, assistant_id=f"{spec['assistant_id']}-spacy")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return output


def build(output: Path = OUTPUT) -> Path:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler")
    nlp.initialize()  # loads the lemma tables; it also clears the ruler, so patterns come after
    ruler.add_patterns(lexicon_patterns())
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))
