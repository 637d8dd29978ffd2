"""The content catalog is complete, and the held-out test file stays out of training."""

import yaml

from bot.content import check, iter_examples, topics, training_files
from bot.safety import normalise
from bot.settings import ROOT
from tests.utils.domain import intent_names

HELDOUT = ROOT / "tests" / "nlu" / "test_nlu_heldout.yml"


def test_catalog_is_complete():
    """No errors in the real content (warnings, such as answers awaiting review, are allowed);
    tests/content/ checks each rule, and Rasa's part on the real data."""
    assert [str(f) for f in check(rasa=False) if f.severity == "error"] == []


def test_every_topic_has_an_answer_with_provenance(domain):
    assert len(topics()) >= 36  # the topics are read from the answers file, not listed
    for topic in topics():
        [answer] = domain["responses"][f"utter_faq/{topic}"]
        metadata = answer["metadata"]
        assert metadata["source"].startswith(("seed:", "clinical knowledge")), topic
        assert isinstance(metadata["needs_clinical_review"], bool)


def test_content_not_from_the_seed_is_flagged_for_review(domain):
    for topic in ("causes", "symptoms", "diagnosis"):
        [answer] = domain["responses"][f"utter_faq/{topic}"]
        assert answer["metadata"]["needs_clinical_review"] is True, topic


def test_center_details_are_never_hard_coded_in_responses(domain):
    texts = [v["text"] for variants in domain["responses"].values() for v in variants]
    assert not any("555-0199" in t or "City of Hope" in t for t in texts)


def test_every_trained_intent_is_in_the_domain(domain):
    labels = {e.label.split("/")[0] for e in iter_examples(training_files())}
    assert labels <= intent_names(domain)


def test_heldout_file_is_not_training_data():
    training = {normalise(e.text) for e in iter_examples(training_files())}
    heldout = [e for e in iter_examples([HELDOUT])]
    assert len(heldout) >= 400
    leaked = [e.text for e in heldout if normalise(e.text) in training]
    assert leaked == []


def test_heldout_labels_are_known(domain):
    known = intent_names(domain) | {f"faq/{t}" for t in topics()}
    assert {e.label for e in iter_examples([HELDOUT])} <= known


def test_the_conversation_sets_are_not_training_data():
    """tests/eval/ is scored by `make bench` as visitors never seen: none of it may be trained."""
    training = {normalise(e.text) for e in iter_examples(training_files())}
    eval_dir = ROOT / "tests" / "eval"
    texts = []
    for path in sorted(eval_dir.glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [t for key in ("medical", "self_harm", "near_misses") for t in data.get(key, [])]
        texts += [n["typed"] for n in data.get("names", [])]
        texts += [t for f in data.get("followups", []) for t in (f["first"], f["followup"])]
        texts += [t for c in data.get("conversations", []) for t in c["turns"]]
    assert len(texts) > 1000
    # Short answers ("yes", "no", "skip") are everyone's words, not a leak.
    leaked = [t for t in texts if len(normalise(t).split()) > 3 and normalise(t) in training]
    assert leaked == []
