"""Faults really caused on this machine, on the production topology (a PostgreSQL and a Redis
server of the test's own where the test stops them; the machine's shared ones keep running):

- the conversations' database or Redis (the conversation lock) stopping mid-conversation: the
  visitor is told so (never answered from a blank conversation that Rasa's fail-safe store
  would start), nothing of that message is kept, and the conversation resumes where it was,
  with its history, once the server is back;
- the action server down, or stalled: the visitor is told at once (within the action call's
  bound), and nothing is half written, not even when the stalled server catches up."""

import os
import shutil
import signal
import time
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from bot.db.engine import make_engine, session_factory
from bot.db.models import Lead
from bot.production_local import Stores, drop, prepare, services
from bot.topology import MODEL, Topology, wait_until
from tests.utils.ci import require
from tests.utils.databases import (
    PrivatePostgres,
    PrivateRedis,
    initdb_path,
    postgres_available,
    redis_available,
)
from tests.utils.factories import phone_for
from tests.utils.servers import settings_on_free_ports
from tests.utils.visitors import WebsiteVisitor

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def on_private_stores(tmp_path_factory):
    """The topology on a PostgreSQL and a Redis of the test's own, which it may stop."""
    initdb = initdb_path()
    require(initdb is not None, "PostgreSQL's initdb is not installed")
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    require(shutil.which("haproxy") is not None, "haproxy is not installed (make haproxy)")
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    postgres, redis_server = PrivatePostgres(initdb), PrivateRedis()
    postgres.start()
    redis_server.start()
    stores = Stores(
        admin_url=postgres.url,
        pg_port=postgres.port,
        redis_port=redis_server.port,
        redis_prefix=f"netfault{uuid.uuid4().hex[:8]}",
    )
    prepare(stores)
    settings = settings_on_free_ports()
    run_dir = tmp_path_factory.mktemp("faults")
    try:
        with Topology(services(settings, stores, run_dir, replicas=1), run_dir / "logs"):
            yield {
                "postgres": postgres,
                "redis": redis_server,
                "settings": settings,
                "stores": stores,
            }
    finally:
        redis_server.stop()
        postgres.remove()


def told_unavailable(settings, status, answer) -> bool:
    """The channel's 503: the conversation can't go on now, try again, the phone and 911."""
    error = answer.get("error", "") if isinstance(answer, dict) else ""
    return (
        status == 503
        and "can't continue our conversation" in error
        and settings.center_phone in error
        and "911" in error
    )


def stored_events(stores: Stores) -> int:
    engine = create_engine(stores.url(stores.tracker))
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM events")).scalar_one()
    finally:
        engine.dispose()


def test_the_conversations_database_stopping_is_said_and_the_conversation_resumes(
    on_private_stores,
):
    postgres, settings = on_private_stores["postgres"], on_private_stores["settings"]
    visitor = WebsiteVisitor(settings)
    assert "name" in visitor.said("I'd like an appointment").lower()
    assert "phone" in visitor.said("Maria Lopez").lower()
    postgres.stop()
    try:
        assert told_unavailable(settings, *visitor.say("617 555 0101"))
    finally:
        postgres.start()
    # Back: the same conversation, at the same question (the phone was never taken).
    deadline = time.monotonic() + 30
    while (reply := visitor.say("617 555 0101"))[0] == 503 and time.monotonic() < deadline:
        time.sleep(1)
    status, answer = reply
    assert status == 200, answer
    assert "email" in "\n".join(r.get("text", "") for r in answer).lower()


def test_redis_stopping_is_said_nothing_is_half_kept_and_the_conversation_resumes(
    on_private_stores,
):
    """Redis holds the conversation lock (bot/chat/lock_store.py) and the flood counts
    (bot/chat/limits.py, which fall back to counting in the process)."""
    redis_server, settings = on_private_stores["redis"], on_private_stores["settings"]
    stores = on_private_stores["stores"]
    visitor = WebsiteVisitor(settings)
    assert "name" in visitor.said("I'd like a second opinion").lower()
    assert "phone" in visitor.said("Rosa Diaz").lower()
    kept = stored_events(stores)
    redis_server.stop()
    try:
        assert told_unavailable(settings, *visitor.say("503 555 0177"))
        assert stored_events(stores) == kept  # nothing of that message, not even the message
        # What needs no lock still works: the transcript, and a new visitor's token.
        assert visitor.typed() == ["I'd like a second opinion", "Rosa Diaz"]
        assert told_unavailable(settings, *WebsiteVisitor(settings).say("what is PRRT?"))
    finally:
        redis_server.start()
    # Back (and empty): the same conversation, at the same question, with its history.
    assert "email" in visitor.said("503 555 0177").lower()
    assert visitor.typed() == ["I'd like a second opinion", "Rosa Diaz", "503 555 0177"]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production topology on the machine's PostgreSQL and Redis, with databases and keys
    of its own."""
    require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    require(redis_available(), "Redis is not reachable at 127.0.0.1:6379")
    require(shutil.which("haproxy") is not None, "haproxy is not installed (make haproxy)")
    stores, settings = Stores.private(), settings_on_free_ports()
    prepare(stores)
    run_dir = tmp_path_factory.mktemp("faults-actions")
    try:
        with Topology(services(settings, stores, run_dir, replicas=1), run_dir / "logs") as running:
            yield {
                "topology": running,
                "settings": settings,
                "stores": stores,
                "logs": run_dir / "logs",
            }
    finally:
        drop(stores)


def leads(stores: Stores):
    engine = make_engine(stores.leads_url)
    try:
        with session_factory(engine)() as session:
            return list(session.execute(select(Lead)).scalars())
    finally:
        engine.dispose()


def test_the_action_server_down_is_said_at_once_and_nothing_is_half_written(production):
    topology, settings = production["topology"], production["settings"]
    visitor, newcomer = WebsiteVisitor(settings), WebsiteVisitor(settings)
    assert "PRRT" in visitor.said("what is PRRT?")
    topology.stop_service("actions")
    try:
        started = time.monotonic()
        reply = visitor.said("I'd like an appointment")
        assert time.monotonic() - started < 5
        # Rasa answers nothing when an action call fails: the channel says what happened.
        assert "something went wrong" in reply and settings.center_phone in reply
        # A conversation that starts now (its session-start action fails too) never says
        # "call None": the phone number is there.
        reply = newcomer.said("I'd like an appointment")
        assert settings.center_phone in reply and "None" not in reply
        # What needs no action is still answered.
        assert "lanreotide" in visitor.said("what is lanreotide?").lower()
    finally:
        topology.restart_service("actions")
    assert "name" in visitor.said("I'd like an appointment").lower()
    assert [lead for lead in leads(production["stores"]) if lead.name == "Maria Lopez"] == []


def test_a_stalled_action_server_is_said_within_seconds_and_its_late_call_stores_nothing(
    production,
):
    """SIGSTOP: the action server takes the call (the kernel queues it) and answers nothing.
    The Rasa server gives up after Settings.action_call_timeout_s; when the stalled server
    goes on, it refuses the call the visitor was told had failed."""
    topology, settings = production["topology"], production["settings"]
    visitor = WebsiteVisitor(settings)
    for answer in ("I'd like an appointment", "Nadia Rahman", phone_for(90), "skip", "mornings"):
        visitor.said(answer)
    assert "Nadia Rahman" in visitor.said("not sure")  # the read-back
    assert "agree" in visitor.said("yes").lower()  # the consent question
    log = production["logs"] / "actions.log"
    refused_before = log.read_text(errors="replace").count("the Rasa server stopped waiting")
    os.killpg(topology.pid("actions"), signal.SIGSTOP)
    try:
        started = time.monotonic()
        reply = visitor.said("yes")
        waited = time.monotonic() - started
    finally:
        os.killpg(topology.pid("actions"), signal.SIGCONT)
    assert waited < settings.action_call_timeout_s + 3, waited
    assert "something went wrong" in reply and "Nothing you typed" in reply
    assert settings.center_phone in reply
    # Awake, the action server takes up the late call and refuses it unrun.
    wait_until(
        lambda: (
            log.read_text(errors="replace").count("the Rasa server stopped waiting")
            > refused_before
        ),
        timeout=20,
        what="the late call's refusal",
    )
    assert [lead for lead in leads(production["stores"]) if lead.name == "Nadia Rahman"] == []
    # Said again, the consent is taken: one request, stored once.
    assert "reference" in visitor.said("yes").lower()
    assert [lead.name for lead in leads(production["stores"])].count("Nadia Rahman") == 1
