"""Faults really caused on this machine, on the production topology (a PostgreSQL server of
the test's own where the test stops it; the machine's shared one keeps running): when the
conversations' database stops mid-conversation, the visitor is told so (never answered from a
blank conversation that Rasa's fail-safe store would start), and the conversation resumes
where it was once the database is back; when the action server is down, the visitor is told
at once and nothing is half written."""

import shutil
import time
import uuid

import pytest
from sqlalchemy import func, select

from bot.db.engine import make_engine, session_factory
from bot.db.models import Lead
from bot.production_local import Stores, drop, prepare, services
from bot.topology import MODEL
from tests.utils.ci import require
from tests.utils.databases import (
    PrivatePostgres,
    initdb_path,
    postgres_available,
    redis_available,
)
from tests.utils.http import send
from tests.utils.servers import settings_on_free_ports
from tests.utils.topology import Topology

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def on_private_postgres(tmp_path_factory):
    initdb = initdb_path()
    require(initdb is not None, "PostgreSQL's initdb is not installed")
    require(redis_available(), "Redis is not reachable at 127.0.0.1:6379")
    require(shutil.which("haproxy") is not None, "haproxy is not installed (make haproxy)")
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    postgres = PrivatePostgres(initdb)
    postgres.start()
    stores = Stores(
        admin_url=postgres.url,
        pg_port=postgres.port,
        redis_prefix=f"netfault{uuid.uuid4().hex[:8]}",
    )
    prepare(stores)
    settings = settings_on_free_ports()
    run_dir = tmp_path_factory.mktemp("faults")
    try:
        with Topology(services(settings, stores, run_dir, replicas=1), run_dir / "logs"):
            yield {"postgres": postgres, "settings": settings}
    finally:
        postgres.remove()


class WebsiteVisitor:
    def __init__(self, settings) -> None:
        self.base = f"{settings.rasa_url}/webhooks/website"
        origin = {"Origin": f"http://{settings.host}:{settings.web_port}"}
        status, _, body = send(f"{self.base}/session", None, origin)
        assert status == 200
        self.headers = {**origin, "Authorization": f"Bearer {body['token']}"}

    def say(self, text: str):
        status, _, answer = send(f"{self.base}/webhook", {"message": text}, self.headers)
        return status, answer

    def said(self, text: str) -> str:
        status, answer = self.say(text)
        assert status == 200, (text, status, answer)
        return "\n".join(reply.get("text", "") for reply in answer)


def test_the_conversations_database_stopping_is_said_and_the_conversation_resumes(
    on_private_postgres,
):
    postgres, settings = on_private_postgres["postgres"], on_private_postgres["settings"]
    visitor = WebsiteVisitor(settings)
    assert "name" in visitor.said("I'd like an appointment").lower()
    assert "phone" in visitor.said("Maria Lopez").lower()
    postgres.stop()
    try:
        status, answer = visitor.say("617 555 0101")
        assert status == 503
        assert "can't continue our conversation" in answer["error"]
        assert settings.center_phone in answer["error"] and "911" in answer["error"]
    finally:
        postgres.start()
    # Back: the same conversation, at the same question (the phone was never taken).
    deadline = time.monotonic() + 30
    while (reply := visitor.say("617 555 0101"))[0] == 503 and time.monotonic() < deadline:
        time.sleep(1)
    status, answer = reply
    assert status == 200, answer
    assert "email" in "\n".join(r.get("text", "") for r in answer).lower()


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production topology on the machine's PostgreSQL, with databases of its own."""
    require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    require(redis_available(), "Redis is not reachable at 127.0.0.1:6379")
    require(shutil.which("haproxy") is not None, "haproxy is not installed (make haproxy)")
    stores, settings = Stores.private(), settings_on_free_ports()
    prepare(stores)
    run_dir = tmp_path_factory.mktemp("faults-actions")
    try:
        with Topology(services(settings, stores, run_dir, replicas=1), run_dir / "logs") as running:
            yield {"topology": running, "settings": settings, "stores": stores}
    finally:
        drop(stores)


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
    engine = make_engine(production["stores"].leads_url)
    try:
        with session_factory(engine)() as session:
            assert session.execute(select(func.count(Lead.id))).scalar_one() == 0
    finally:
        engine.dispose()
