"""The local tracker store gives back the conversation Rasa's JSON round trip gives back."""

import pytest
import yaml
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.chat.tracker_store import EventTrackerStore
from bot.settings import ROOT, Settings
from bot.topology import write_endpoints


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def conversation(rasa_domain: Domain, sender: str) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet", "confidence": 0.98}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        UserUttered("call me back", {"name": "request_appointment", "confidence": 0.9}),
        ActionExecuted("callback_form"),
        ActiveLoop("callback_form"),
        SlotSet("callback_reason", "appointment"),
        SlotSet("requested_slot", "caller_name"),
        ActionExecuted("action_listen"),
        UserUttered("Zoë <b>O'Brien</b>", {"name": "inform", "confidence": 0.7}),
    ]
    return DialogueStateTracker.from_events(sender, events, rasa_domain.slots)


async def test_retrieved_conversation_equals_the_json_round_trip(rasa_domain):
    ours, rasas = EventTrackerStore(rasa_domain), InMemoryTrackerStore(rasa_domain)
    tracker = conversation(rasa_domain, "c1")
    for store in (ours, rasas):
        await store.save(tracker)
    mine, reference = await ours.retrieve("c1"), await rasas.retrieve("c1")
    assert mine.current_state(EventVerbosity.ALL) == reference.current_state(EventVerbosity.ALL)
    assert mine.active_loop_name == "callback_form"
    assert mine.get_slot("requested_slot") == "caller_name"


async def test_changes_after_retrieval_stay_out_of_the_store_until_saved(rasa_domain):
    store = EventTrackerStore(rasa_domain)
    await store.save(conversation(rasa_domain, "c2"))
    live = await store.retrieve("c2")
    stored_length = len(live.events)
    live.update(SlotSet("caller_name", "Ann"))
    assert len((await store.retrieve("c2")).events) == stored_length
    await store.save(live)
    assert (await store.retrieve("c2")).get_slot("caller_name") == "Ann"


async def test_only_the_last_session_is_retrieved_and_all_on_request(rasa_domain):
    store = EventTrackerStore(rasa_domain)
    tracker = conversation(rasa_domain, "c3")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    assert (await store.retrieve("c3")).get_slot("callback_reason") is None
    full = await store.retrieve_full_tracker("c3")
    assert len(full.events) == len(tracker.events)
    assert await store.retrieve("nobody") is None


def test_local_endpoints_use_it(tmp_path):
    for endpoints in (ROOT / "endpoints.yml", write_endpoints(Settings(), tmp_path)):
        config = yaml.safe_load(endpoints.read_text(encoding="utf-8"))
        assert config["tracker_store"]["type"] == "bot.chat.tracker_store.EventTrackerStore"
