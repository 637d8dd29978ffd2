"""Nothing lost when the database is down: tested by really stopping a PostgreSQL server."""

import asyncio

import pytest

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.leads.outbox import Outbox, drain_forever, submit
from bot.leads.store import list_leads, store_lead
from tests.utils.ci import require
from tests.utils.databases import PrivatePostgres, initdb_path
from tests.utils.factories import phone_for, request_for


def visitor(number, submission):
    """A request of a visitor of its own, so that no two are merged as the same request."""
    return request_for(submission=submission, conversation=submission, phone=phone_for(number))


@pytest.fixture
def server():
    initdb = initdb_path()
    require(initdb is not None, "PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    postgres = PrivatePostgres(initdb)
    postgres.start()
    yield postgres
    postgres.remove()


def test_requests_wait_in_the_outbox_while_the_database_is_down(server, tmp_path):
    migrate.upgrade(server.url)
    engine = make_engine(server.url)
    sessions = session_factory(engine)
    outbox = Outbox(tmp_path / "outbox.sqlite")

    lead = submit(sessions, outbox, visitor(0, "before"))
    assert lead.reference.startswith("NET-")

    server.stop()
    engine.dispose()  # drop pooled connections to the old server process
    assert submit(sessions, outbox, visitor(1, "during")) is None
    assert submit(sessions, outbox, visitor(1, "during")) is None
    assert submit(sessions, outbox, visitor(2, "during-2")) is None
    assert outbox.count() == 2  # the repeated submit is parked once
    assert outbox.drain(sessions) == 0 and outbox.count() == 2  # still down: nothing lost

    # A restart of the process (a new Outbox on the same file) still sees the parked requests.
    outbox = Outbox(tmp_path / "outbox.sqlite")
    server.start()
    assert outbox.drain(sessions) == 2
    assert outbox.count() == 0
    assert sorted(lead.submission_id for lead in list_leads(sessions)) == [
        "before",
        "during",
        "during-2",
    ]
    assert outbox.drain(sessions) == 0  # draining again writes nothing twice
    assert len(list_leads(sessions)) == 3
    engine.dispose()


async def test_the_drain_loop_writes_parked_requests_once_the_database_answers(tmp_path):
    """The web service runs this loop; here it meets a database that is up."""
    url = f"sqlite:///{tmp_path / 'leads.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.park(request_for(submission="parked"))
    loop = asyncio.create_task(drain_forever(outbox, session_factory(engine), interval_s=0.05))
    try:
        await asyncio.wait_for(_until_empty(outbox), timeout=10)
    finally:
        loop.cancel()
    assert outbox.count() == 0
    assert [lead.submission_id for lead in list_leads(session_factory(engine))] == ["parked"]
    engine.dispose()


async def _until_empty(outbox):
    while outbox.count():
        await asyncio.sleep(0.05)


def test_a_parked_request_over_the_limit_is_dropped_and_the_rest_written(
    sqlite_sessions, tmp_path, caplog
):
    """While it waited, its conversation left as many requests as it may: it can never be
    stored, so it must not hold up the requests parked after it."""
    for number in range(2):
        store_lead(
            sqlite_sessions,
            request_for(submission=f"s{number}", conversation="chatty", phone=phone_for(number)),
        )
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.park(request_for(submission="third", conversation="chatty", phone=phone_for(2)))
    outbox.park(visitor(3, "someone-else"))
    assert outbox.drain(sqlite_sessions) == 1
    assert outbox.count() == 0
    conversations = sorted(lead.conversation_id for lead in list_leads(sqlite_sessions))
    assert conversations == ["chatty", "chatty", "someone-else"]
    assert "refused and removed: the conversation" in caplog.text
    assert "+1" not in caplog.text  # no phone number in the log
