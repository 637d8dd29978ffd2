"""Lexicon entities reach the dialogue only for "what about for <site>?"."""

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_scope import EntityScope


def scoped(intent, *entities):
    message = Message(data={TEXT: "what about for lungs, after prrt"})
    message.set(INTENT, {"name": intent, "confidence": 0.9})
    message.set(ENTITIES, list(entities))
    [message] = EntityScope().process([message])
    return [(e["entity"], e["value"]) for e in message.get(ENTITIES)]


SITE = {"entity": "net_site", "value": "lung", "extractor": "RegexEntityExtractor"}
TREATMENT = {"entity": "treatment", "value": "prrt", "extractor": "RegexEntityExtractor"}
TOPIC = {"entity": "topic", "value": "prrt", "extractor": "FaqConfidenceGate"}
BUTTON = {"entity": "detail", "value": "phone"}


def test_a_site_follow_up_keeps_its_site_only():
    assert scoped("ask_about_site", SITE, TREATMENT) == [("net_site", "lung")]


def test_other_messages_keep_no_lexicon_entity_but_keep_the_rest():
    assert scoped("faq", SITE, TREATMENT, TOPIC) == [("topic", "prrt")]
    assert scoped("inform", BUTTON, SITE) == [("detail", "phone")]
