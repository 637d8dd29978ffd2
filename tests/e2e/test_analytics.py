"""One conversation through the real Rasa server and action server, counted as it happens for
the analytics page: by the action server (the session start, the miss) and by the Rasa
server's response generator through the action server (the answers, the emergency)."""

import os

import pytest
from sqlalchemy import select

from bot.db.engine import make_engine, session_factory
from bot.db.models import DailyCount
from tests.utils.wait import wait_until

pytestmark = pytest.mark.server


def counted():
    engine = make_engine(os.environ["DATABASE_URL"])  # the topology's own (tests/e2e/conftest.py)
    with session_factory(engine)() as session:
        rows = list(session.execute(select(DailyCount)).scalars())
    engine.dispose()
    return rows


def test_a_conversation_is_counted_as_it_happens_and_nothing_else_is_kept(visitor):
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

    def by_metric():
        return {(row.metric, row.key): row.count for row in counted()}

    wait_until(lambda: by_metric() == expected, timeout=30, what=f"the counts {expected}")
    for row in counted():
        assert visitor.sender not in repr(vars(row))
