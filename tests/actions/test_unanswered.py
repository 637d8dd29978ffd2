"""The misses the actions record: which message, which kind, which guess; and, through the real
recorder, a row with the scrubbed text and nothing of the conversation."""

import pytest
from sqlalchemy import select

import actions.unanswered
from actions.followups import ActionFallbackInContext
from actions.unanswered import ActionDefaultFallback, ActionOutOfScope
from bot.analytics import counts
from bot.db.engine import make_engine, session_factory
from bot.db.models import DailyCount, Unanswered
from bot.unanswered.store import Recorder
from tests.utils.sdk import run, tracker


def message(text, ranking, topic=None, topic_confidence=None, **extra):
    parsed = {"text": text, "intent": ranking[0], "intent_ranking": ranking, **extra}
    if topic:
        parsed["response_selector"] = {
            "faq": {"response": {"intent_response_key": topic, "confidence": topic_confidence}}
        }
    return parsed


UNSURE_FAQ = message(
    "does lutathera make you glow lol",
    [{"name": "nlu_fallback", "confidence": 0.2}, {"name": "faq", "confidence": 0.7}],
    topic="faq/prrt",
    topic_confidence=0.12,
)
UNSURE = message(
    "my name is Ana Ruiz, can my cat catch it",
    [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "greet", "confidence": 0.3}],
)
OUT_OF_SCOPE = message(
    "can you refill my octreotide, MRN 00445812",
    [{"name": "out_of_scope", "confidence": 0.9}, {"name": "faq", "confidence": 0.05}],
    topic="faq/somatostatin_analogues",
    topic_confidence=0.4,
)


async def test_an_unsure_faq_is_recorded_with_the_topic_withheld(domain, misses, counted):
    messages, _ = await run(ActionFallbackInContext(), tracker(latest_message=UNSURE_FAQ), domain)
    assert [m["response"] for m in messages] == ["utter_cannot_help"]
    assert misses == [("does lutathera make you glow lol", "unsure_topic", "faq/prrt", 0.12)]
    assert counted == [("miss", "unsure_topic")]


async def test_an_unsure_message_is_recorded_with_the_classifiers_best_guess(domain, misses):
    await run(ActionFallbackInContext(), tracker(latest_message=UNSURE), domain)
    assert misses == [("my name is Ana Ruiz, can my cat catch it", "fallback", "greet", 0.3)]


async def test_a_follow_up_answered_for_the_last_topic_is_no_miss(domain, misses, counted):
    follow_up = message(
        "le va a doler?",
        [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "ask_pain", "confidence": 0.5}],
    )
    latest = tracker(slots={"last_topic": "prrt"}, latest_message=follow_up)
    messages, _ = await run(ActionFallbackInContext(), latest, domain)
    assert [m["response"] for m in messages] == ["utter_ask_pain"] and misses == []
    assert counted == []


async def test_out_of_scope_says_it_cannot_help_and_is_recorded(domain, misses, counted):
    messages, events = await run(ActionOutOfScope(), tracker(latest_message=OUT_OF_SCOPE), domain)
    assert [m["response"] for m in messages] == ["utter_cannot_help"] and events == []
    assert misses == [
        (
            "can you refill my octreotide, MRN 00445812",
            "out_of_scope",
            "faq/somatostatin_analogues",
            0.4,
        )
    ]
    assert counted == [("miss", "out_of_scope")]


async def test_the_default_fallback_says_so_reverts_the_turn_and_is_recorded(domain, misses):
    latest = tracker(latest_message=message("asdf qwer", [{"name": "greet", "confidence": 0.9}]))
    messages, events = await run(ActionDefaultFallback(), latest, domain)
    assert [m["response"] for m in messages] == ["utter_default"]
    assert events == [{"event": "rewind", "timestamp": None}]
    assert misses == [("asdf qwer", "core_fallback", "greet", 0.9)]


async def test_a_miss_is_counted_on_the_real_counter_and_the_answer_survives_its_failure(
    domain, sqlite_sessions, monkeypatch, caplog, tmp_path
):
    """Counted once into the day's row; with the database gone, the visitor still gets the
    answer and the log has the metric and the error type, not the message."""
    counter = counts.Batch(counts.Writer(lambda: sqlite_sessions), 3600)
    monkeypatch.setattr(counts, "counter", lambda: counter)
    latest = tracker(latest_message=OUT_OF_SCOPE, sender_id="web-4f1c9a")
    await run(ActionOutOfScope(), latest, domain)
    await run(ActionOutOfScope(), latest, domain)
    counter.close()
    with sqlite_sessions() as session:
        rows = [(r.metric, r.key, r.count) for r in session.execute(select(DailyCount)).scalars()]
    assert rows == [("miss", "out_of_scope", 2)]

    gone_db = f"sqlite:///{tmp_path}/gone.db"
    gone = counts.Batch(counts.Writer(lambda: session_factory(make_engine(gone_db))), 3600)
    monkeypatch.setattr(counts, "counter", lambda: gone)
    messages, events = await run(ActionOutOfScope(), latest, domain)
    gone.close()
    assert [m["response"] for m in messages] == ["utter_cannot_help"] and events == []
    assert "analytics counts (miss) were not written, kept" in caplog.text
    assert "octreotide" not in caplog.text and "web-4f1c9a" not in caplog.text


@pytest.mark.parametrize("typed", ["", "   ", "/affirm", '/request_callback{"phone":"1"}'])
async def test_empty_messages_and_button_payloads_are_not_recorded_but_counted(
    domain, misses, counted, typed
):
    latest = tracker(latest_message=message(typed, [{"name": "out_of_scope", "confidence": 1}]))
    await run(ActionOutOfScope(), latest, domain)
    assert misses == []
    assert counted == [("miss", "out_of_scope")]  # the fallback rate counts every turn missed


async def test_the_stored_miss_is_scrubbed_and_knows_nothing_of_the_conversation(
    domain, sqlite_sessions, monkeypatch
):
    recorder = Recorder(lambda: sqlite_sessions)
    monkeypatch.setattr(actions.unanswered, "recorder", lambda: recorder)
    latest = tracker(latest_message=OUT_OF_SCOPE, sender_id="web-4f1c9a")
    await run(ActionOutOfScope(), latest, domain)
    await run(
        ActionFallbackInContext(), tracker(latest_message=UNSURE, sender_id="web-4f1c9a"), domain
    )
    recorder.wait()
    with sqlite_sessions() as session:
        rows = list(session.execute(select(Unanswered).order_by(Unanswered.id)).scalars())
    assert [(r.text, r.kind, r.guess) for r in rows] == [
        (
            "can you refill my octreotide, MRN [number]",
            "out_of_scope",
            "faq/somatostatin_analogues",
        ),
        ("my name is [name], can my cat catch it", "fallback", "greet"),
    ]
    for row in rows:
        assert "web-4f1c9a" not in repr(vars(row))
