"""What the response generator counts for the analytics page (a FAQ answer and its topic, a
conversation's first answer, an emergency), sent in batches to the real action server, which
stores them on SQLite and PostgreSQL; and a batch that cannot be sent is kept or dropped as
bot/chat/counts.py says, never touching the answer."""

import contextlib
import logging
import socket
from datetime import date

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import select, text

from bot.analytics import batch
from bot.chat import counts as counts_module
from bot.chat.counts import CountSender, counted
from bot.chat.nlg import AssistantNLG
from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.db.models import METRICS, DailyCount
from bot.settings import Settings
from bot.topology import Topology, services
from tests.utils.ci import require
from tests.utils.databases import PostgresDatabase, postgres_available, sqlite_url
from tests.utils.servers import free_port

TOKEN = "test-counts-token"
SETTINGS = Settings(action_port=free_port(), action_server_token=TOKEN)
COUNTS_URL = f"{SETTINGS.action_server_url}/counts"


def session(*events, sender="conversation-4711"):
    return DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_session_start"), SessionStarted(), *events]
    )


def faq_answer(topic):
    return BotUttered("...", metadata={"utter_action": f"utter_faq/{topic}"})


@pytest.mark.parametrize(
    "utter_action, events, expected",
    [
        ("utter_faq/prrt", [], [("answer", "prrt"), ("answered_conversation", "")]),
        ("utter_faq/prrt", [faq_answer("surgery")], [("answer", "prrt")]),
        # A new session of the same conversation is a conversation of its own.
        (
            "utter_faq/prrt",
            [faq_answer("surgery"), SessionStarted()],
            [("answer", "prrt"), ("answered_conversation", "")],
        ),
        # A greeting before is no answer.
        (
            "utter_faq/prrt",
            [BotUttered("hi", metadata={"utter_action": "utter_greet"})],
            [("answer", "prrt"), ("answered_conversation", "")],
        ),
        ("utter_emergency", [], [("emergency", "")]),
        ("utter_greet", [], []),
        ("utter_cannot_help", [], []),  # a miss: the action server counts it (actions/)
    ],
)
def test_what_a_response_counts(utter_action, events, expected):
    said = list(counted(utter_action, session(UserUttered("hi"), *events)))
    assert said == expected
    assert {metric for metric, _ in said} <= set(METRICS)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def action_server(request, tmp_path_factory):
    """The real action server (`python -m bot actions`) on each backend."""
    run_dir = tmp_path_factory.mktemp("counts")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            database_url = sqlite_url(run_dir)
        else:
            require(postgres_available(), "PostgreSQL is not reachable at 127.0.0.1:5432")
            database_url = stack.enter_context(PostgresDatabase())
        migrate.upgrade(database_url)
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv("DATABASE_URL", database_url)
        patch.setenv("OUTBOX_PATH", str(run_dir / "outbox.sqlite"))
        [actions] = [s for s in services(SETTINGS, run_dir) if s.name == "actions"]
        stack.enter_context(Topology([actions], run_dir / "logs"))
        engine = make_engine(database_url)
        stack.callback(engine.dispose)
        yield session_factory(engine)


@pytest.fixture
def stored(action_server):
    """The counts stored from now on: what the test adds to the module's database."""
    before = _stored(action_server)

    def added():
        now = _stored(action_server)
        return {k: n - before.get(k, 0) for k, n in now.items() if n != before.get(k, 0)}

    return added


def _stored(sessions):
    with sessions() as session_:
        rows = session_.execute(select(DailyCount)).scalars()
        return {(row.day, row.metric, row.key): row.count for row in rows}


@pytest.fixture
def posts(monkeypatch):
    """Every POST the response generators make to /counts, as its status or error."""
    made = []
    post = CountSender.__call__

    def counted_post(sender, counts):
        try:
            post(sender, counts)
        except Exception as error:
            made.append(type(error).__name__)
            raise
        made.append("ok")

    monkeypatch.setattr(CountSender, "__call__", counted_post)
    return made


@pytest.fixture
def nlg(domain):
    """Response generators as Rasa makes them from endpoints.yml; their batches closed (the
    thread stopped) after the test, as the process's exit would."""
    made = []

    def make(url=COUNTS_URL, token=TOKEN):
        endpoint = EndpointConfig(
            url=url,
            headers={"Authorization": f"Bearer {token}"},
            type="bot.chat.nlg.AssistantNLG",
        )
        made.append(AssistantNLG(endpoint_config=endpoint, domain=Domain.from_dict(domain)))
        return made[-1]

    yield make
    for generator in made:
        generator.counts.close()


@pytest.mark.server
async def test_a_burst_of_answers_is_a_post_or_two_and_exact_counts(
    action_server, nlg, stored, posts
):
    generator = nlg()
    for number in range(100):
        earlier = [faq_answer("surgery")] if number % 2 else []
        answer = await generator.generate("utter_faq/prrt", session(*earlier), "rest")
        assert answer and answer["text"]
    await generator.generate("utter_emergency", session(), "rest")
    await generator.generate("utter_greet", session(), "rest")
    generator.counts.close()  # what the process's exit does
    today = batch.today()
    assert stored() == {
        (today, "answer", "prrt"): 100,
        (today, "answered_conversation", ""): 50,
        (today, "emergency", ""): 1,
    }
    assert 1 <= len(posts) <= 2 and set(posts) == {"ok"}  # the thread may flush mid-burst


@pytest.mark.server
async def test_counts_of_two_days_in_one_batch_keep_their_days(
    action_server, nlg, stored, posts, monkeypatch
):
    days = [date(2026, 11, 30)]
    monkeypatch.setattr(batch, "today", lambda: days[-1])
    generator = nlg()
    await generator.generate("utter_faq/prrt", session(), "rest")
    days.append(date(2026, 12, 1))  # midnight, UTC
    await generator.generate("utter_faq/prrt", session(faq_answer("prrt")), "rest")
    await generator.generate("utter_emergency", session(), "rest")
    generator.counts.close()
    assert posts == ["ok"]
    assert stored() == {
        (date(2026, 11, 30), "answer", "prrt"): 1,
        (date(2026, 11, 30), "answered_conversation", ""): 1,
        (date(2026, 12, 1), "answer", "prrt"): 1,
        (date(2026, 12, 1), "emergency", ""): 1,
    }


@pytest.mark.server
@pytest.mark.parametrize("action_server", ["sqlite"], indirect=True)
async def test_a_batch_the_database_rolled_back_is_sent_again(
    action_server, nlg, stored, posts, caplog
):
    """The action server answers 503 while its table is away: the answer is given, the
    counts kept, and written whole by the next flush. On SQLite, where a missing table is an
    OperationalError as an unreachable database is on every backend (PostgreSQL calls a
    missing table a ProgrammingError: a 500, and the batch dropped)."""
    generator = nlg()
    with action_server.begin() as session_:
        session_.execute(text("ALTER TABLE daily_counts RENAME TO daily_counts_away"))
    try:
        with caplog.at_level(logging.WARNING):
            answer = await generator.generate("utter_faq/prrt", session(), "rest")
            generator.counts.flush()
    finally:
        with action_server.begin() as session_:
            session_.execute(text("ALTER TABLE daily_counts_away RENAME TO daily_counts"))
    assert answer and answer["text"]
    assert generator.counts.pending() == 2
    await generator.generate("utter_emergency", session(), "rest")
    generator.counts.close()
    assert posts == ["NotWritten", "ok"]
    today = batch.today()
    assert stored() == {
        (today, "answer", "prrt"): 1,
        (today, "answered_conversation", ""): 1,
        (today, "emergency", ""): 1,
    }
    assert (
        "analytics counts (answer, answered_conversation) were not written, kept for the next "
        "try (HTTPError)" in caplog.text
    )
    assert "4711" not in caplog.text and "prrt" not in caplog.text


@contextlib.contextmanager
def silent_server():
    """An address that takes the connection and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as listening:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}/counts"


@pytest.mark.server
@pytest.mark.parametrize(
    "where, token, outcome, error, kept",
    [
        ("down", TOKEN, "NotWritten", "URLError", 1),
        (COUNTS_URL, "wrong-token", "HTTPError", "HTTPError", 0),
        ("silent", TOKEN, "TimeoutError", "TimeoutError", 0),
    ],
    ids=["action-server-down", "wrong-secret", "no-answer"],
)
async def test_a_batch_that_cannot_be_sent_costs_counts_never_the_answer(
    action_server, nlg, stored, posts, caplog, monkeypatch, where, token, outcome, error, kept
):
    """Down: it never arrived, so it is kept (memory stays bounded: tests/analytics/
    test_batch.py). Refused or unanswered: dropped, since a retry cannot help or could count
    it twice."""
    monkeypatch.setattr(counts_module, "TIMEOUT_S", 0.5)
    with silent_server() as silent:
        url = {"down": f"http://127.0.0.1:{free_port()}/counts", "silent": silent}.get(where, where)
        generator = nlg(url, token)
        with caplog.at_level(logging.WARNING):
            answer = await generator.generate("utter_emergency", session(), "rest")
            generator.counts.flush()
    assert answer and answer["text"]
    assert posts == [outcome]
    assert generator.counts.pending() == kept
    said = "were not written, kept for the next try" if kept else "were lost"
    assert f"analytics counts (emergency) {said} ({error})" in caplog.text
    assert "4711" not in caplog.text
    assert stored() == {}


def test_without_an_address_nothing_is_counted(domain):
    assert AssistantNLG(domain=Domain.from_dict(domain)).counts is None
