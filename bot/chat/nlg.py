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
- Clinical review (bot/content/review.py): with SERVE_APPROVED_ONLY (production) an answer no
  reviewer approved is replaced by `utter_answer_in_review` ("Our team can answer that
  question ..." with the phone and a callback offer), keeping its condition, so it is picked
  exactly when the answer would have been. The replacement is made once per model: Rasa's
  agent sets `responses` on every model it loads (at start and on each model swap), and nothing
  is looked at per message. Either way the log says how many answers await review.

It also sees every answer as it is given, so it counts FAQ answers and emergency takeovers for
the analytics page, when endpoints.yml gives `nlg` the action server's /counts address (`url`,
with the action calls' `headers`): a count only adds to a batch in memory, posted every few
seconds by a thread of its own (bot/chat/counts.py), so the answer costs no request.
"""

import logging
from typing import Any, Dict, List, Optional

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.analytics.batch import Batch
from bot.chat.counts import CountSender, counted
from bot.content.review import is_approved, needs_approval
from bot.settings import Settings

logger = logging.getLogger(__name__)

SAFETY_LINE_RESPONSE = "utter_safety_line"
IN_REVIEW_RESPONSE = "utter_answer_in_review"
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
        self.serve_approved_only = settings.serve_approved_only
        super().__init__((domain or Domain.empty()).responses)

    @property
    def responses(self) -> Dict[str, List[Dict[str, Any]]]:
        return self._responses

    @responses.setter
    def responses(self, responses: Dict[str, List[Dict[str, Any]]]) -> None:
        self._responses = served_responses(responses, self.serve_approved_only)

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


def served_responses(
    responses: Dict[str, List[Dict[str, Any]]], approved_only: bool
) -> Dict[str, List[Dict[str, Any]]]:
    """The model's responses as they are sent: with `approved_only`, each answer no reviewer
    approved is replaced by the in-review answer under the same condition and channel. Logs
    how many await review."""
    waiting = total = 0
    in_review = responses.get(IN_REVIEW_RESPONSE) or []
    served: Dict[str, List[Dict[str, Any]]] = {}
    for name, variants in responses.items():
        served[name] = []
        for variant in variants:
            metadata = variant.get("metadata") or {}
            if needs_approval(name, variant):
                total += 1
                if not is_approved(metadata, variant.get("text") or ""):
                    waiting += 1
                    if approved_only and in_review:
                        variant = {
                            **in_review[0],
                            **{k: variant[k] for k in ("condition", "channel") if k in variant},
                        }
            served[name].append(variant)
    if total:
        if approved_only and not in_review:
            logger.error(
                "SERVE_APPROVED_ONLY is on but the model has no %s: the %d answers awaiting "
                "review are sent as they are; retrain from this version of domain.yml",
                IN_REVIEW_RESPONSE,
                waiting,
            )
        elif approved_only:
            logger.info(
                "clinical review: %d of %d answers approved; the %d others are answered "
                '"our team can answer that" (SERVE_APPROVED_ONLY)',
                total - waiting,
                total,
                waiting,
            )
        else:
            logger.info(
                "clinical review: %d of %d answers await review and are sent all the same "
                "(SERVE_APPROVED_ONLY is off): `python -m bot content check` lists them",
                waiting,
                total,
            )
    return served
