"""Nothing lost when the database is down: tested by really stopping a PostgreSQL server."""

import asyncio

import pytest

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.leads.outbox import Outbox, drain_forever, submit
from bot.leads.store import list_leads
from tests.utils.ci import require
from tests.utils.databases import PrivatePostgres, initdb_path
from tests.utils.factories import request_for


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

    lead = submit(sessions, outbox, request_for(submission="before"))
    assert lead.reference.startswith("NET-")

    server.stop()
    engine.dispose()  # drop pooled connections to the old server process
    assert submit(sessions, outbox, request_for(submission="during")) is None
    assert submit(sessions, outbox, request_for(submission="during")) is None
    assert submit(sessions, outbox, request_for(submission="during-2")) is None
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
