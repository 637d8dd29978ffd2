"""Publishing a model and rolling it back while the servers run, as docs/operations.md tells:
every Rasa server switches without a restart, and conversations in progress carry on.

The published model answers "what is PRRT?" with its own text (tests/utils/published.py
variant_model), so each answer tells which model gave it. The servers pull every 2 s.
"""

import shutil
import subprocess
import sys
import uuid
from dataclasses import replace
from typing import Dict, List

import pytest
from sqlalchemy import select

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.db.models import AuditEntry, Lead
from bot.production_local import Stores, drop, prepare, replica_port
from bot.production_local import services as production_services
from bot.settings import ROOT
from bot.topology import MODEL, Service, Topology, base_env, wait_until
from bot.topology import services as local_services
from tests.utils.ci import require
from tests.utils.databases import postgres_available, redis_available
from tests.utils.http import send
from tests.utils.published import VARIANT, variant_model
from tests.utils.servers import settings_on_free_ports

pytestmark = pytest.mark.server

PULL_S = 2
SWITCH_S = 90  # a pull, loading the model, a busy machine


@pytest.fixture(scope="module")
def variant():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    return variant_model()


def private(started: List[Service], env: Dict[str, str]) -> List[Service]:
    return [replace(s, env={**s.env, **env}) for s in started]


class Chat:
    """One conversation with one Rasa server's REST channel."""

    def __init__(self, url: str) -> None:
        self.url = f"{url}/webhooks/rest/webhook"
        self.sender = f"publish-{uuid.uuid4().hex}"

    def say(self, text: str) -> str:
        status, _, replies = send(self.url, {"sender": self.sender, "message": text})
        assert status == 200, (text, status, replies)
        return "\n".join(r.get("text", "") for r in replies)


def answers_with_variant(url: str) -> bool:
    """What the model behind `url` answers a new conversation about PRRT."""
    answer = Chat(url).say("what is PRRT?")
    assert "PRRT (peptide receptor radionuclide therapy)" in answer, answer
    return f"{VARIANT}PRRT" in answer


def content(*argv: str, env: Dict[str, str]) -> str:
    """`python -m bot content ...` as the content team runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "content", *argv],
        cwd=ROOT,
        env={**base_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def switched(urls: List[str], variant: bool) -> None:
    for url in urls:
        wait_until(
            lambda url=url: answers_with_variant(url) == variant,
            timeout=SWITCH_S,
            interval=1,
            what=f"{url} answering with the {'published' if variant else 'previous'} model",
        )


def start_form(chat: Chat, name: str) -> None:
    assert "name" in chat.say("I'd like an appointment").lower()
    assert "phone" in chat.say(name).lower()


def finish_form(chat: Chat, name: str, phone: str) -> None:
    """The rest of the form: the read-back has what was typed before the switch."""
    assert "email" in chat.say(phone).lower()
    for answer in ("skip", "mornings", "not sure"):
        reply = chat.say(answer)
    assert name in reply, reply
    chat.say("yes")
    assert "reference" in chat.say("yes").lower()


def audited(url: str) -> List[tuple]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            entries = session.execute(
                select(AuditEntry).where(AuditEntry.action.like("model_%")).order_by(AuditEntry.id)
            ).scalars()
            return [(e.actor, e.action, e.detail) for e in entries]
    finally:
        engine.dispose()


def lead_names(url: str, senders: List[str]) -> List[str]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            leads = session.execute(
                select(Lead).where(Lead.conversation_id.in_(senders)).order_by(Lead.name)
            ).scalars()
            return [lead.name for lead in leads]
    finally:
        engine.dispose()


def test_both_replicas_switch_and_roll_back_with_conversations_in_progress(
    variant, tmp_path_factory
):
    require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    require(redis_available(), "Redis is not reachable at 127.0.0.1:6379")
    require(shutil.which("haproxy") is not None, "haproxy is not installed (make haproxy)")
    stores = Stores.private()
    settings = settings_on_free_ports().copy(update={"model_pull_interval_s": PULL_S})
    prepare(stores)
    run_dir = tmp_path_factory.mktemp("publishing-production")
    published = {"PUBLISHED_MODELS_DIR": str(run_dir / "published")}
    started = private(production_services(settings, stores, run_dir), published)
    cli = {"DATABASE_URL": stores.leads_url, "MODEL_PULL_INTERVAL_S": str(PULL_S), **published}
    replicas = [f"http://{settings.host}:{replica_port(settings, i)}" for i in (1, 2)]
    try:
        with Topology(started, run_dir / "logs"):
            # The trained model was published at start.
            switched(replicas, variant=False)
            # A callback form half done on each replica.
            people = {"Maria Lopez": "617 555 0101", "Ana Silva": "617 555 0102"}
            chats = [Chat(url) for url in replicas]
            for chat, name in zip(chats, people, strict=True):
                start_form(chat, name)
            out = content("publish", str(variant), "--as", "ada", env=cli)
            assert out.startswith("published #2: ") and "within 2 s" in out
            switched(replicas, variant=True)
            # Each conversation goes on at its question; a question asked in the middle is
            # answered by the new model, and the form asks its question again.
            for chat in chats:
                answer = chat.say("what is PRRT?")
                assert f"{VARIANT}PRRT" in answer and "phone" in answer.lower(), answer
            finish_form(chats[0], "Maria Lopez", people["Maria Lopez"])
            out = content("rollback", "--as", "ada", env=cli)
            assert out.startswith("rolled back: #1 net-assistant.tar.gz")
            switched(replicas, variant=False)
            finish_form(chats[1], "Ana Silva", people["Ana Silva"])
            # The model route is not reachable through the proxy, token or not.
            token = settings.model_server_secret()
            for query in ("", f"?token={token}"):
                url = f"http://{settings.host}:{settings.web_port}/internal/model{query}"
                assert send(url, method="GET")[0] == 403
        senders = [chat.sender for chat in chats]
        assert lead_names(stores.leads_url, senders) == ["Ana Silva", "Maria Lopez"]
        entries = audited(stores.leads_url)
        assert [(actor, action) for actor, action, _ in entries] == [
            ("startup", "model_publish"),
            ("ada", "model_publish"),
            ("ada", "model_rollback"),
        ]
        assert f"#2 {variant.name} sha256 " in entries[1][2]
        assert entries[2][2].startswith("#2 withdrawn; #1 net-assistant.tar.gz")
    finally:
        drop(stores)


def test_the_local_topology_keeps_a_conversation_in_memory_across_a_switch(
    variant, tmp_path_factory
):
    """`make run`: conversations live in the Rasa process, and the switch keeps them."""
    run_dir = tmp_path_factory.mktemp("publishing-local")
    settings = settings_on_free_ports().copy(update={"model_pull_interval_s": PULL_S})
    leads = f"sqlite:///{run_dir / 'leads.db'}"
    migrate.upgrade(leads)
    env = {
        "DATABASE_URL": leads,
        "OUTBOX_PATH": str(run_dir / "outbox.sqlite"),
        "PUBLISHED_MODELS_DIR": str(run_dir / "published"),
    }
    with Topology(private(local_services(settings, run_dir), env), run_dir / "logs"):
        chat = Chat(settings.rasa_url)
        start_form(chat, "Maria Lopez")
        content("publish", str(variant), env=env)
        switched([settings.rasa_url], variant=True)
        assert f"{VARIANT}PRRT" in chat.say("what is PRRT?")
        finish_form(chat, "Maria Lopez", "617 555 0101")
    assert lead_names(leads, [chat.sender]) == ["Maria Lopez"]
