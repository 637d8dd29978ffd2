"""The local tracker store gives back the conversation Rasa's JSON round trip gives back; both
stores keep no detail of a finished callback form and delete conversations on request."""

import json
import time

import pytest
import yaml
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.chat import replays
from bot.chat.redaction import REDACTED, redact
from bot.chat.tracker_store import (
    ConversationsUnavailable,
    EventTrackerStore,
    RedactingSQLTrackerStore,
    fail_loudly,
)
from bot.settings import ROOT, Settings
from bot.topology import write_endpoints
from tests.utils.ci import require
from tests.utils.databases import PostgresDatabase, postgres_available
from tests.utils.wire import QueryCountingRelay


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


def finished_form(rasa_domain: Domain, sender: str, closer: str) -> DialogueStateTracker:
    """The conversation above, the form run to the read-back, then stored (or stopped)."""
    tracker = conversation(rasa_domain, sender)
    for event in [
        SlotSet("caller_name", "Zoë O'Brien"),
        SlotSet("requested_slot", "phone"),
        BotUttered("What phone number should we call?"),
        ActionExecuted("action_listen"),
        UserUttered("617 555 0123", {"name": "inform", "confidence": 0.9}),
        SlotSet("phone", "+16175550123"),
        ActionExecuted("action_ask_details_confirmed"),
        BotUttered("Here is what I have:\n- Name: Zoë O'Brien\n- Phone: (617) 555-0123"),
        ActionExecuted("action_listen"),
        UserUttered("yes", {"name": "affirm", "confidence": 0.99}),
        ActiveLoop(None),
        ActionExecuted(closer),
        BotUttered("Thank you, your reference is NET-1234."),
        SlotSet("caller_name", None),
        SlotSet("phone", None),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
    return tracker


def shown(tracker: DialogueStateTracker) -> str:
    return json.dumps([e.as_dict() for e in tracker.events], ensure_ascii=False)


@pytest.mark.parametrize("closer", ["action_submit_callback", "action_reset_callback"])
def test_a_finished_form_keeps_no_detail_and_the_same_state(rasa_domain, closer):
    tracker = finished_form(rasa_domain, "r1", closer)
    events = redact(list(tracker.events))
    text = json.dumps([e.as_dict() for e in events], ensure_ascii=False)
    for detail in ("Zoë", "O'Brien", "617 555 0123", "+16175550123", "555-0123"):
        assert detail not in text
    assert REDACTED in text
    assert "call me back" in text and "Thank you, your reference is NET-1234." in text
    replayed = DialogueStateTracker.from_events("r1", events, rasa_domain.slots)
    assert replayed.current_slot_values() == tracker.current_slot_values()
    assert replayed.active_loop_name == tracker.active_loop_name


def test_a_form_still_running_is_left_alone(rasa_domain):
    tracker = conversation(rasa_domain, "r2")
    assert redact(list(tracker.events)) == list(tracker.events)


async def test_the_local_store_keeps_no_detail_of_a_finished_form(rasa_domain):
    store = EventTrackerStore(rasa_domain)
    await store.save(conversation(rasa_domain, "r3"))
    assert "Zoë" in shown(await store.retrieve("r3"))  # still needed while the form runs
    await store.save(finished_form(rasa_domain, "r3", "action_submit_callback"))
    assert "Zoë" not in shown(await store.retrieve_full_tracker("r3"))


@pytest.fixture
def replicas(rasa_domain):
    """Two stores on one PostgreSQL database, as two Rasa replicas have them."""
    require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    with PostgresDatabase() as url:
        stores = [
            RedactingSQLTrackerStore(
                rasa_domain,
                dialect="postgresql",
                host="127.0.0.1",
                port=5432,
                db=url.rsplit("/", 1)[-1],
                username="postgres",
                cache_size=2,
            )
            for _ in range(2)
        ]
        yield stores
        for store in stores:
            store.engine.dispose()


@pytest.fixture
def sql_store(replicas):
    return replicas[0]


async def test_the_postgresql_store_keeps_no_detail_of_a_finished_form(rasa_domain, sql_store):
    await sql_store.save(conversation(rasa_domain, "p1"))
    live = await sql_store.retrieve("p1")
    assert "Zoë" in shown(live)
    finished = finished_form(rasa_domain, "p1", "action_reset_callback")
    await sql_store.save(finished)
    stored = await sql_store.retrieve_full_tracker("p1")
    assert "Zoë" not in shown(stored) and "555 0123" not in shown(stored)
    assert stored.current_slot_values() == finished.current_slot_values()
    with sql_store.session_scope() as session:
        rows = [
            json.dumps(json.loads(data), ensure_ascii=False)
            for (data,) in session.query(sql_store.SQLEvent.data).all()
        ]
    for detail in ("Zoë", "O'Brien", "555 0123", "+16175550123", "555-0123"):
        assert not any(detail in row for row in rows), detail


@pytest.fixture(params=["local", "postgresql"])
def either_store(request, rasa_domain):
    if request.param == "local":
        return EventTrackerStore(rasa_domain)
    return request.getfixturevalue("sql_store")


async def test_either_store_deletes_one_conversation_or_the_idle_ones(rasa_domain, either_store):
    store = either_store
    for sender in ("d1", "d2"):
        await store.save(conversation(rasa_domain, sender))
    await store.delete("d1")
    assert await store.retrieve("d1") is None and await store.retrieve("d2") is not None
    assert await store.delete_older_than(time.time() - 3600) == 0
    assert await store.delete_older_than(time.time() + 1) == 1
    assert await store.retrieve("d2") is None


def state(tracker: DialogueStateTracker) -> dict:
    return tracker.current_state(EventVerbosity.ALL)


def rows(store: RedactingSQLTrackerStore, sender: str) -> int:
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).count()


@pytest.fixture
def wired(rasa_domain, replicas):
    """The first replica's database, through a relay that counts the round trips to it."""
    relay = QueryCountingRelay()
    store = RedactingSQLTrackerStore(
        rasa_domain,
        dialect="postgresql",
        host="127.0.0.1",
        port=relay.port,
        db=replicas[0].engine.url.database,
        username="postgres",
        cache_size=2,
    )
    yield store, RoundTrips(relay)
    store.engine.dispose()
    relay.close()


class RoundTrips:
    def __init__(self, relay: QueryCountingRelay) -> None:
        self.relay = relay

    async def of(self, call) -> int:
        before = self.relay.queries
        await call
        return self.relay.queries - before


async def test_a_replica_reads_its_conversation_back_as_a_fresh_replica_would(
    rasa_domain, replicas
):
    warm, cold = replicas
    tracker = finished_form(rasa_domain, "w1", "action_submit_callback")
    await warm.save(tracker)
    # A second session started on a later message: only that session is read back.
    later = await warm.retrieve("w1")
    for event in [
        ActionExecuted("action_session_start", timestamp=time.time() + 1),
        SessionStarted(timestamp=time.time() + 1),
        ActionExecuted("action_listen", timestamp=time.time() + 1),
        UserUttered("hola", {"name": "greet", "confidence": 0.9}, timestamp=time.time() + 2),
    ]:
        later.update(event)
    await warm.save(later)
    mine, fresh = await warm.retrieve("w1"), await cold.retrieve("w1")
    assert state(mine) == state(fresh)
    assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in fresh.events]
    assert mine.events[0].type_name == "session_started"


async def test_a_warm_message_costs_one_round_trip_to_read_and_one_to_write(rasa_domain, wired):
    store, round_trips = wired
    await store.save(conversation(rasa_domain, "s1"))
    tracker = await store.retrieve("s1")
    # The newest row's id, in autocommit: no BEGIN before it nor ROLLBACK after it.
    assert await round_trips.of(store.retrieve("s1")) == 1
    tracker.update(ActionExecuted("utter_ask_phone"))
    tracker.update(ActionExecuted("action_listen"))
    # One INSERT for both events, which gives back their ids, and commits by itself.
    assert await round_trips.of(store.save(tracker)) == 1
    # Evicted (it holds two conversations): read back in full.
    for sender in ("s2", "s3"):
        await store.save(conversation(rasa_domain, sender))
    assert await round_trips.of(store.retrieve("s1")) > 1
    assert await round_trips.of(store.retrieve("s1")) == 1


async def test_a_replica_reads_again_what_another_replica_went_on_with(rasa_domain, replicas):
    first, second = replicas
    await first.save(conversation(rasa_domain, "f1"))
    await first.retrieve("f1")  # cached on the first
    # The first stops answering its health check; the proxy sends the conversation on.
    elsewhere = await second.retrieve("f1")
    elsewhere.update(SlotSet("caller_name", "Zoë O'Brien"))
    elsewhere.update(ActionExecuted("action_listen"))
    await second.save(elsewhere)
    back = await first.retrieve("f1")
    assert back.get_slot("caller_name") == "Zoë O'Brien"
    assert state(back) == state(await second.retrieve("f1"))
    # A message on the first again writes its own event, not the second's once more.
    before = rows(first, "f1")
    back.update(ActionExecuted("action_listen"))
    await first.save(back)
    assert rows(first, "f1") == before + 1


async def test_a_conversation_deleted_on_one_replica_is_gone_from_the_other(rasa_domain, replicas):
    first, second = replicas
    await first.save(conversation(rasa_domain, "x1"))
    assert await first.retrieve("x1") is not None
    await second.delete("x1")
    assert await first.retrieve("x1") is None
    await first.save(conversation(rasa_domain, "x2"))
    await second.delete_older_than(time.time() + 1)
    assert await first.retrieve("x2") is None


async def test_a_form_ended_on_a_warm_replica_is_redacted_without_reading_it_back(
    rasa_domain, replicas, wired
):
    store, round_trips = wired

    async def finish_the_form(sender: str) -> int:
        await store.save(conversation(rasa_domain, sender))
        tracker = await store.retrieve(sender)
        for event in list(finished_form(rasa_domain, sender, "action_submit_callback").events)[
            len(tracker.events) + 1 :
        ]:
            tracker.update(event)
        return await round_trips.of(store.save(tracker))

    await finish_the_form("r8")  # each statement's first use on a connection prepares it
    # The new events, then the rewritten rows in one statement: nothing read back or parsed.
    assert await finish_the_form("r9") == 2
    text = shown(await replicas[1].retrieve_full_tracker("r9"))
    assert "Zoë" not in text and "555 0123" not in text
    assert "Zoë" not in shown(await store.retrieve("r9"))


async def test_a_failing_database_is_raised_to_the_channel_not_answered_from_memory(rasa_domain):
    """Rasa's fail-safe wrapper would answer from an empty conversation; with the channel's
    callback (bot/chat/channels.py) the failure reaches the channel instead."""
    require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    with PostgresDatabase() as url:
        store = RedactingSQLTrackerStore(
            rasa_domain, dialect="postgresql", host="127.0.0.1", db=url.rsplit("/", 1)[-1]
        )
        await store.save(conversation(rasa_domain, "e1"))
    # The database is gone, its connections closed by the server.
    wrapped = FailSafeTrackerStore(store, on_tracker_store_error=fail_loudly)
    with pytest.raises(ConversationsUnavailable):
        await wrapped.retrieve("e1")
    with pytest.raises(ConversationsUnavailable):
        await wrapped.save(conversation(rasa_domain, "e1"))


async def test_either_store_stops_a_turn_whose_message_is_the_last_one_stored(
    rasa_domain, either_store
):
    events = [
        ActionExecuted("action_listen"),
        UserUttered("what is PRRT?", {"name": "faq", "confidence": 0.9}, message_id="m1"),
        BotUttered("PRRT is a treatment...", {"buttons": [{"title": "Yes", "payload": "yes"}]}),
        BotUttered("Anything else?"),
        ActionExecuted("action_listen"),
    ]
    await either_store.save(DialogueStateTracker.from_events("a1", events, rasa_domain.slots))
    with replays.incoming("m1"), pytest.raises(replays.AlreadyAnswered) as answered:
        await either_store.retrieve("a1")
    assert answered.value.replies == [
        {
            "recipient_id": "a1",
            "text": "PRRT is a treatment...",
            "buttons": [{"title": "Yes", "payload": "yes"}],
        },
        {"recipient_id": "a1", "text": "Anything else?"},
    ]
    # A new message, or none named: the turn goes on.
    with replays.incoming("m2"):
        assert await either_store.retrieve("a1") is not None
    assert await either_store.retrieve("a1") is not None


async def test_a_message_answered_on_a_replica_that_died_is_not_run_on_the_other(
    rasa_domain, replicas
):
    dead, other = replicas
    await other.retrieve("a2")  # it knew the conversation as empty
    tracker = conversation(rasa_domain, "a2")
    tracker.update(UserUttered("555 0123", message_id="m3"))
    tracker.update(BotUttered("Thanks. What e-mail address can we use?"))
    await dead.save(tracker)  # saved, then the server died before it answered
    with replays.incoming("m3"), pytest.raises(replays.AlreadyAnswered) as answered:
        await other.retrieve("a2")
    assert [r["text"] for r in answered.value.replies] == [
        "Thanks. What e-mail address can we use?"
    ]


def test_the_fail_safe_store_lets_an_answered_message_through_to_the_channel():
    with pytest.raises(replays.AlreadyAnswered):
        fail_loudly(replays.AlreadyAnswered([]))
