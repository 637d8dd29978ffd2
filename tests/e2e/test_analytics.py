"""One conversation through the real Rasa server and action server, counted for the analytics
page: by the action server (the session start, the miss) and by the Rasa server's response
generator through the action server (the answers, the emergency), in batches.

The batches wait an hour here (ANALYTICS_FLUSH_S), so nothing is written while the visitor
talks; the servers are then stopped as an orchestrator stops them (SIGTERM), which sends and
writes what each holds: the Rasa server's exit posts its batch to the action server, whose
stop writes its own."""

import os

import pytest
from sqlalchemy import select

from bot.db.engine import make_engine, session_factory
from bot.db.models import DailyCount

pytestmark = pytest.mark.server
TOPOLOGY_ENV = {"ANALYTICS_FLUSH_S": "3600"}


def counted():
    engine = make_engine(os.environ["DATABASE_URL"])  # the topology's own (tests/e2e/conftest.py)
    with session_factory(engine)() as session:
        rows = list(session.execute(select(DailyCount)).scalars())
    engine.dispose()
    return rows


def test_a_conversation_is_counted_exactly_and_nothing_else_is_kept(topology, visitor):
    visitor.say("hello")
    visitor.say("what is PRRT?")
    visitor.say("how are nets diagnosed")
    visitor.say("who won the football game last night")
    assert "911" in visitor.say("I can't breathe")
    expected = {
        ("conversation", ""): 1,
        ("answer", "prrt"): 1,
        ("answer", "diagnosis"): 1,
        ("answered_conversation", ""): 1,  # two answers, one conversation that got one
        ("miss", "out_of_scope"): 1,
        ("emergency", ""): 1,
    }

    assert counted() == []  # all of it still in the two processes' batches
    topology.stop_service("rasa")
    topology.stop_service("actions")
    assert {(row.metric, row.key): row.count for row in counted()} == expected
    for row in counted():
        assert visitor.sender not in repr(vars(row))
