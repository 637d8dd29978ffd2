"""The emergency override: the rule-based net or the classifier's own emergency guess wins
over any other intent, above a noise floor that config.yml sets."""

import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.emergency_override import EmergencyOverride
from bot.settings import ROOT

FLOOR = 0.25


def test_the_floor_comes_from_config_yml():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [entry] = [c for c in pipeline if c["name"].endswith(".EmergencyOverride")]
    config = {**EmergencyOverride.get_default_config(), **entry}
    override = EmergencyOverride.create(config, None, None, None)
    assert override.value == entry["classifier_floor"] == FLOOR


def _message(text, intent="faq", confidence=0.9):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}])
    return message


def test_override_forces_emergency_over_a_confident_other_intent():
    [message] = EmergencyOverride(FLOOR).process([_message("i can't breathe", "nlu_fallback", 0.5)])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    # The classifier's own ranking stays below the forced entry.
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "nlu_fallback"]


def test_override_trusts_a_low_confidence_emergency_guess_of_the_classifier():
    message = _message("something is really wrong with my dad", "nlu_fallback", 0.5)
    message.set(
        INTENT_RANKING_KEY,
        [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "emergency", "confidence": 0.27},
            {"name": "faq", "confidence": 0.26},
        ],
    )
    [message] = EmergencyOverride(FLOOR).process([message])
    assert message.get(INTENT)["name"] == "emergency"


def test_override_ignores_a_noise_level_emergency_guess():
    """A surname typed into the form once came out as emergency at 0.20 of 16 intents."""
    message = _message("O'Brien", "nlu_fallback", 0.6)
    message.set(
        INTENT_RANKING_KEY,
        [
            {"name": "nlu_fallback", "confidence": 0.6},
            {"name": "emergency", "confidence": 0.2},
            {"name": "faq", "confidence": 0.18},
        ],
    )
    [message] = EmergencyOverride(FLOOR).process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_override_leaves_other_messages_alone():
    [message] = EmergencyOverride(FLOOR).process([_message("what is prrt", "faq", 0.93)])
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.93}
