"""The session start, run the rasa-sdk way: a real Tracker, a CollectingDispatcher, the events."""

from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions.session import ActionSessionStart
from bot.analytics import batch, counts
from bot.db.engine import make_engine, session_factory
from tests.utils.sdk import run, tracker


async def test_session_start_copies_center_details_from_settings(settings_env, domain, counted):
    settings_env(center_name="Test NET Center", center_phone="+1 555 0100", center_hours="24/7")
    messages, events = await run(ActionSessionStart(), tracker(), domain)
    assert messages == []
    assert events == [
        SessionStarted(),
        SlotSet("center_name", "Test NET Center"),
        SlotSet("center_phone", "+1 555 0100"),
        SlotSet("center_hours", "24/7"),
        ActionExecuted("action_listen"),
    ]
    assert counted == [("conversation", "")]  # for the analytics page, nothing more


async def test_a_broken_analytics_database_does_not_stop_the_session(
    domain, monkeypatch, tmp_path, caplog
):
    """The real counter on a database without its table: the count is not written, kept and
    logged by metric and error type, and the session starts all the same."""
    writer = counts.Writer(lambda: session_factory(make_engine(f"sqlite:///{tmp_path}/x.db")))
    broken = counts.Batch(writer, 3600)
    monkeypatch.setattr(counts, "counter", lambda: broken)
    tracker_ = tracker(sender_id="conversation-4711")
    messages, events = await run(ActionSessionStart(), tracker_, domain)
    assert events[0] == SessionStarted() and events[-1] == ActionExecuted("action_listen")
    broken.close()
    [line] = [r.getMessage() for r in caplog.records if r.name == batch.__name__]
    assert line == (
        "analytics counts (conversation) were not written, kept for the next try (OperationalError)"
    )
    assert "4711" not in caplog.text
