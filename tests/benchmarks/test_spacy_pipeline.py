"""The spaCy variant differs from config.yml in the tokenizer alone, written anywhere."""

import yaml

from benchmarks.spacy_pipeline import lexicon_patterns, variant_config
from bot.settings import ROOT


def test_the_variant_swaps_only_the_tokenizer_and_is_written_into_a_new_folder(tmp_path):
    written = variant_config(ROOT / "config.yml", tmp_path / "not-yet" / "config_spacy.yml")
    variant = yaml.safe_load(written.read_text())
    original = yaml.safe_load((ROOT / "config.yml").read_text())
    names = [c["name"] for c in variant["pipeline"]]
    assert names[:3] == ["SpacyNLP", "SpacyTokenizer", "SpacyEntityExtractor"]
    assert variant["pipeline"][3:] == original["pipeline"][1:]
    assert variant["policies"] == original["policies"]


def test_the_lexicon_becomes_entity_patterns():
    patterns = lexicon_patterns()
    assert patterns and all(p["pattern"] and p["label"] for p in patterns)
