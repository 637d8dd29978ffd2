"""The production topology on this machine (`make run-prod-local`): two Rasa servers behind
HAProxy, conversations in PostgreSQL, locks in Redis, leads in a database the Rasa process
cannot open. With databases, roles and ports of its own, next to anyone else's."""

import os
import shutil
import signal
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from bot.db.engine import make_engine, session_factory
from bot.db.models import Lead
from bot.production_local import Stores, drop, prepare, services
from bot.settings import Settings
from bot.topology import MODEL
from tests.utils.ci import require
from tests.utils.databases import postgres_available, redis_available
from tests.utils.http import send
from tests.utils.servers import settings_on_free_ports
from tests.utils.topology import Topology

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    require(redis_available(), "Redis is not reachable at 127.0.0.1:6379")
    require(shutil.which("haproxy") is not None, "haproxy is not installed (make haproxy)")
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    stores, settings = Stores.private(), settings_on_free_ports()
    prepare(stores)
    run_dir = tmp_path_factory.mktemp("production-local")
    try:
        with Topology(services(settings, stores, run_dir), run_dir / "logs") as topology:
            yield {"topology": topology, "settings": settings, "stores": stores}
    finally:
        drop(stores)


class Visitor:
    def __init__(self, settings: Settings) -> None:
        self.url = f"{settings.rasa_url}/webhooks/rest/webhook"
        self.sender = f"prod-{uuid.uuid4().hex}"

    def say(self, text: str) -> str:
        status, _, replies = send(self.url, {"sender": self.sender, "message": text})
        assert status == 200, (text, status, replies)
        return "\n".join(r.get("text", "") for r in replies)


def kill(topology: Topology, name: str) -> None:
    """As a crash does: no shutdown, no chance to save anything."""
    os.killpg(topology.pid(name), signal.SIGKILL)
    topology.processes[name].wait()


def test_a_conversation_goes_on_when_either_rasa_server_dies(production):
    topology, settings = production["topology"], production["settings"]
    visitor = Visitor(settings)
    assert "name" in visitor.say("I'd like an appointment").lower()
    kill(topology, "rasa1")
    assert "phone" in visitor.say("Maria Lopez").lower()
    topology.restart_service("rasa1")
    kill(topology, "rasa2")
    assert "email" in visitor.say("617 555 0101").lower()
    for answer in ("skip", "mornings", "not sure"):
        reply = visitor.say(answer)
    assert "Maria Lopez" in reply  # the read-back: every detail survived both crashes
    visitor.say("yes")
    assert "reference" in visitor.say("yes").lower()
    topology.restart_service("rasa2")
    engine = make_engine(production["stores"].leads_url)
    try:
        with session_factory(engine)() as session:
            leads = session.execute(
                select(Lead).where(Lead.conversation_id == visitor.sender)
            ).scalars()
            assert [lead.name for lead in leads] == ["Maria Lopez"]
    finally:
        engine.dispose()


def test_rasa_keeps_conversations_in_its_own_database_and_cannot_open_the_leads(production):
    stores, settings = production["stores"], production["settings"]
    visitor = Visitor(settings)
    visitor.say("what is PRRT?")
    tracker = create_engine(stores.url(stores.tracker))
    try:
        with tracker.connect() as connection:
            rows = connection.execute(
                text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": visitor.sender}
            ).scalar_one()
        assert rows > 0
    finally:
        tracker.dispose()
    as_rasa = create_engine(
        f"postgresql+psycopg2://{stores.tracker.role}@127.0.0.1:5432/{stores.leads.name}"
    )
    with pytest.raises(OperationalError, match="permission denied"):
        as_rasa.connect()
    as_rasa.dispose()


def test_the_web_service_answers_behind_the_proxy(production):
    settings = production["settings"]
    status, _, health = send(f"http://127.0.0.1:{settings.web_port}/healthz", method="GET")
    assert status == 200 and health
