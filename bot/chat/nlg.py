"""The Rasa server's response generator (endpoints.yml `nlg`): Rasa's templates, plus the two
things every answer needs whatever wrote it.

- A closing yes/no question gets its quick replies: a response whose metadata says what it
  offers (`offer: callback` or `offer: question`; every FAQ answer says so) gets Yes/No buttons
  when it has none, so the content team writes the question once and a phone user can tap.
- The safety line: when bot/nlu/safety_triage.py marked the visitor's message `line` (a risk
  mentioned, or an unsure emergency guess), the first response to it ends with
  `utter_safety_line` ("If this is happening now, call 911 ..."). A takeover is not this: it is
  the `emergency` intent and its own answer. Inside the callback form, only a risk the rule
  net sees earns the line: the safety model's doubt about an answer such as "no tengo" is not
  worth a 911 line under the next question.

It also sees every answer as it is given, so it counts FAQ answers and emergency takeovers for
the analytics page, when endpoints.yml gives `nlg` the action server's /counts address (`url`,
with the action calls' `headers`): a count only adds to a batch in memory, posted every few
seconds by a thread of its own (bot/chat/counts.py), so the answer costs no request.
"""

from typing import Any, Dict, List, Optional

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.analytics.batch import Batch
from bot.chat.counts import CountSender, counted
from bot.settings import Settings

SAFETY_LINE_RESPONSE = "utter_safety_line"
OFFER_BUTTONS: Dict[str, List[Dict[str, str]]] = {
    "callback": [
        {"title": "Yes, please call me", "payload": "/affirm"},
        {"title": "No, thanks", "payload": "/deny"},
    ],
    "question": [
        {"title": "Yes", "payload": "/affirm"},
        {"title": "No, thanks", "payload": "/deny"},
    ],
}


class AssistantNLG(TemplatedNaturalLanguageGenerator):
    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        # The center's contact details, also set as slots at session start (actions/session.py)
        # but filled in here too, so no answer says "call None" when that action failed.
        settings = Settings()
        self.contact = {
            "center_name": settings.center_name,
            "center_phone": settings.center_phone,
            "center_hours": settings.center_hours,
        }
        # Only where endpoints.yml gives the action server's /counts address.
        counting = endpoint_config is not None and endpoint_config.url
        self.counts = (
            Batch(CountSender(endpoint_config), settings.analytics_flush_s) if counting else None
        )

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> Optional[Dict[str, Any]]:
        kwargs = {**self.contact, **kwargs}
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if response is None or utter_action == SAFETY_LINE_RESPONSE:
            return response
        if self.counts is not None:
            for metric, key in counted(utter_action, tracker):
                self.counts.count(metric, key)
        offer = (response.get("metadata") or {}).get("offer")
        if offer in OFFER_BUTTONS and not response.get("buttons") and not tracker.active_loop_name:
            response["buttons"] = [dict(button) for button in OFFER_BUTTONS[offer]]
        if needs_safety_line(tracker):
            line = await super().generate(SAFETY_LINE_RESPONSE, tracker, output_channel)
            if line and line.get("text"):
                response["text"] = f"{response.get('text') or ''}\n\n{line['text']}".strip()
        return response


def needs_safety_line(tracker: DialogueStateTracker) -> bool:
    """The visitor's last message asks for a safety line and nothing has answered it yet."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return False
        if isinstance(event, UserUttered):
            if event.parse_data.get("safety") != "line":
                return False
            # The rule net's reading, as bot/nlu/safety_triage.py kept it (`safety_rules`).
            return not tracker.active_loop_name or event.parse_data.get("safety_rules") is not None
    return False
