"""The production topology on this machine (`make run-prod-local`): two Rasa servers behind
HAProxy, conversations in PostgreSQL, locks in Redis, leads in a database the Rasa process
cannot open. With databases, roles and ports of its own, next to anyone else's."""

import json
import os
import re
import shutil
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Dict, List, Optional

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from bot.db.engine import make_engine, session_factory
from bot.db.models import Lead
from bot.logs.config import FIELDS
from bot.logs.request_ids import HEADER, PATTERN
from bot.production_local import (
    Stores,
    drop,
    internal_chat_port,
    prepare,
    replica_port,
    services,
)
from bot.settings import Settings
from bot.topology import MODEL, Topology
from tests.utils.ci import require
from tests.utils.databases import postgres_available, redis_available
from tests.utils.http import send
from tests.utils.servers import settings_on_free_ports
from tests.utils.visitors import WebsiteVisitor

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
        # Every visitor of these tests comes from one address, which the per-address caps
        # (messages, callback requests) exist to stop; the per-conversation ones still hold.
        one_address = {
            "CHAT_CLIENT_MESSAGES_PER_MINUTE": "100000",
            "MAX_LEADS_PER_CLIENT_PER_HOUR": "100000",
        }
        started = [
            replace(s, env={**s.env, **one_address}) for s in services(settings, stores, run_dir)
        ]
        with Topology(started, run_dir / "logs") as topology:
            yield {
                "topology": topology,
                "settings": settings,
                "stores": stores,
                "logs": run_dir / "logs",
            }
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


UNDER_LOAD = 20


def callback_conversation(visitor: WebsiteVisitor, number: int) -> Dict[str, str]:
    """A whole callback request, as a visitor sends it: one message at a time, and once
    more after the channel says the conversation cannot go on right now."""
    name = f"Visitor {chr(65 + number)}"  # A visitor's name, letters only
    script = [
        *("what is PRRT?", "I'd like an appointment", name, f"617 555 {1200 + number}"),
        *("skip", "mornings", "not sure", "yes", "yes"),
    ]
    answers = []
    for message in script:
        status, answer = visitor.say(message)
        if status == 503 and "can't continue our conversation" in answer.get("error", ""):
            status, answer = visitor.say(message, visitor.last_id)  # the widget's resend
        assert status == 200, (message, status, answer)
        answers.append("\n".join(reply.get("text", "") for reply in answer))
    assert name in answers[-3], answers  # the read-back: every detail kept
    return {"name": name, "reference": answers[-1]}


def test_conversations_go_on_with_their_history_when_a_server_dies_under_load(production):
    topology, settings = production["topology"], production["settings"]
    visitors = [WebsiteVisitor(settings) for _ in range(UNDER_LOAD)]
    with ThreadPoolExecutor(UNDER_LOAD) as pool:
        running = [pool.submit(callback_conversation, v, n) for n, v in enumerate(visitors)]
        time.sleep(2)  # every conversation under way
        kill(topology, "rasa1")
        done = [future.result() for future in running]
    topology.restart_service("rasa1")
    assert [d for d in done if "reference" not in d["reference"].lower()] == []
    for visitor in visitors:  # the history from before the crash is still there
        assert visitor.typed()[:2] == ["what is PRRT?", "I'd like an appointment"]
    engine = make_engine(production["stores"].leads_url)
    try:
        with session_factory(engine)() as session:
            stored = session.execute(
                select(Lead.conversation_id, Lead.name).where(
                    Lead.conversation_id.in_([v.sender for v in visitors])
                )
            ).all()
    finally:
        engine.dispose()
    submitted = [(v.sender, d["name"]) for v, d in zip(visitors, done, strict=True)]
    assert sorted(stored) == sorted(submitted)


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


# What a visitor types for a callback request: none of it may reach a log line.
FIRST = "Could someone from the NET clinic ring me back about my octreotide scan please"
NAME = "Rosalind Achterberg-Nwosu"
PHONE = "617 555 0188"
EMAIL = "rosalind.nwosu@example.org"


def app_logs(production) -> Dict[str, str]:
    """The log of each Python process of the topology (HAProxy logs nothing)."""
    return {
        path.stem: path.read_text(errors="replace")
        for path in production["logs"].glob("*.log")
        if path.stem != "haproxy"
    }


def test_a_callback_request_leaves_nothing_personal_in_any_log(production):
    visitor = WebsiteVisitor(production["settings"])
    assert "name" in visitor.said(FIRST).lower()
    assert "phone" in visitor.said(NAME).lower()
    assert "email" in visitor.said(PHONE).lower()
    for answer in (EMAIL, "mornings", "not sure"):
        reply = visitor.said(answer)
    assert NAME in reply  # the read-back
    visitor.said("yes")
    assert "reference" in visitor.said("yes").lower()
    logs = "\n".join(app_logs(production).values())
    digits = re.sub(r"\D", "", PHONE)
    for secret in (
        FIRST,
        NAME,
        NAME.split()[1],
        EMAIL,
        digits,
        digits[3:],
        "555 0188",
        "555-0188",
        visitor.token,
        visitor.sender,
    ):
        assert secret not in logs, secret


def test_every_log_line_is_one_json_object_naming_its_service(production):
    """The production format is the one that runs: checked on what the processes wrote."""
    commands = {"rasa1": "chat", "rasa2": "chat", "actions": "actions", "web": "web"}
    logs = app_logs(production)
    assert set(logs) == set(commands)
    for name, log in logs.items():
        lines = log.splitlines()
        assert lines, name
        for line in lines:
            entry = json.loads(line)
            assert set(FIELDS) <= set(entry) and entry["service"] == commands[name], line


def answered_id(url: str, given: Optional[str] = None) -> str:
    _, headers, _ = send(url, method="GET", headers={HEADER: given} if given else {})
    return {name.lower(): value for name, value in headers.items()}[HEADER.lower()]


def test_the_proxy_gives_each_request_an_id_which_the_apps_return_and_log(production):
    settings = production["settings"]
    site = f"http://{settings.host}:{settings.web_port}/"
    chat = f"{settings.rasa_url}/"
    for url in (site, chat):
        assert re.fullmatch(PATTERN, answered_id(url)), url
        assert answered_id(url, "e2e-given-1") == "e2e-given-1", url
        assert re.fullmatch(PATTERN, answered_id(url, "Rosalind Achterberg")), url
    logged = [json.loads(line) for line in app_logs(production)["web"].splitlines()]
    assert any(e["request_id"] == "e2e-given-1" and e["logger"] == "bot.web.access" for e in logged)
    # The proxy's health checks of the web service (every 5 s) are not in its access log.
    assert not any("/healthz" in e["message"] for e in logged)


RASA_API = [
    ("GET", "/conversations/{id}/tracker", None),
    ("POST", "/conversations/{id}/messages", {"text": "hi", "sender": "user"}),
    ("PUT", "/model", {"model_file": "/tmp/model.tar.gz"}),
    ("POST", "/model/parse", {"text": "hi"}),
    ("GET", "/status", None),
]


def rasa_addresses(settings: Settings) -> List[str]:
    """The chat through the proxy, and each replica directly."""
    return [settings.rasa_url] + [
        f"http://{settings.host}:{replica_port(settings, i)}" for i in (1, 2)
    ]


@pytest.mark.parametrize(("method", "path", "body"), RASA_API)
def test_rasas_http_api_is_off_through_the_proxy_and_at_each_replica(
    production, method, path, body
):
    """Started without --enable-api: no transcript, model swap or parse for anyone."""
    settings = production["settings"]
    sender = WebsiteVisitor(settings).sender
    for base in rasa_addresses(settings):
        status, _, answer = send(base + path.format(id=sender), body, method=method)
        assert status == 404, (base, path, status, answer)


def test_conversation_deletion_needs_the_admin_token_and_is_denied_at_the_proxy(production):
    settings = production["settings"]
    admin = {"Authorization": f"Bearer {settings.chat_admin_token()}"}
    sender = WebsiteVisitor(settings).sender
    calls = [
        ("DELETE", f"/webhooks/website/conversations/{sender}", None),
        ("POST", "/webhooks/website/retention", {"older_than_days": 36500}),
    ]
    internal = f"http://{settings.host}:{internal_chat_port(settings)}"
    for method, path, body in calls:
        for base in rasa_addresses(settings)[1:] + [internal]:
            for headers in ({}, {"Authorization": "Bearer guess"}):
                assert send(base + path, body, headers, method)[0] == 403, (base, path)
            assert send(base + path, body, admin, method)[0] == 200, (base, path)
        # The public frontend denies them whoever asks: HAProxy's refusal, not the app's.
        status, _, answer = send(settings.rasa_url + path, body, admin, method)
        assert status == 403 and "Not allowed" not in str(answer), answer
