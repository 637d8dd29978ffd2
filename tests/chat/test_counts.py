"""What the response generator counts for the analytics page (a FAQ answer and its topic, a
conversation's first answer, an emergency), sent to the real action server, which stores
them; and a count that cannot be sent is lost without touching the answer."""

import logging

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import select

from bot.chat.counts import counted
from bot.chat.nlg import AssistantNLG
from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.db.models import METRICS, DailyCount
from bot.settings import Settings
from bot.topology import services
from tests.utils.servers import free_port
from tests.utils.topology import Topology
from tests.utils.wait import wait_until

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


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("counts")
    database_url = f"sqlite:///{run_dir / 'leads.db'}"
    migrate.upgrade(database_url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", database_url)
        patch.setenv("OUTBOX_PATH", str(run_dir / "outbox.sqlite"))
        [actions] = [s for s in services(SETTINGS, run_dir) if s.name == "actions"]
        with Topology([actions], run_dir / "logs"):
            engine = make_engine(database_url)
            yield session_factory(engine)
            engine.dispose()


def stored(sessions):
    with sessions() as session_:
        rows = session_.execute(select(DailyCount)).scalars()
        return {(row.metric, row.key): row.count for row in rows}


def nlg(domain, url=COUNTS_URL, token=TOKEN):
    endpoint = EndpointConfig(
        url=url, headers={"Authorization": f"Bearer {token}"}, type="bot.chat.nlg.AssistantNLG"
    )
    return AssistantNLG(endpoint_config=endpoint, domain=Domain.from_dict(domain))


@pytest.mark.server
async def test_answers_and_emergencies_reach_the_action_servers_counts(action_server, domain):
    generator = nlg(domain)
    first = await generator.generate("utter_faq/prrt", session(), "rest")
    assert first and first["text"]
    await generator.generate("utter_faq/prrt", session(faq_answer("prrt")), "rest")
    await generator.generate("utter_emergency", session(), "rest")
    await generator.generate("utter_greet", session(), "rest")
    await generator.counts.close()
    expected = {("answer", "prrt"): 2, ("answered_conversation", ""): 1, ("emergency", ""): 1}
    wait_until(lambda: stored(action_server) == expected, timeout=20, what=str(expected))


@pytest.mark.server
@pytest.mark.parametrize(
    "url, token, error",
    [
        (f"http://127.0.0.1:{free_port()}/counts", TOKEN, "ClientConnectorError"),
        (COUNTS_URL, "wrong-token", "ClientResponseError"),
    ],
    ids=["action-server-down", "wrong-secret"],
)
async def test_a_count_that_cannot_be_sent_is_lost_not_the_answer(
    action_server, domain, caplog, url, token, error
):
    generator = nlg(domain, url, token)
    before = stored(action_server)
    with caplog.at_level(logging.WARNING):
        answer = await generator.generate("utter_faq/prrt", session(), "rest")
        await generator.counts.close()
    assert answer and answer["text"]
    assert f"an analytics count (answer) was lost ({error})" in caplog.text
    assert "4711" not in caplog.text
    assert stored(action_server) == before


def test_without_an_address_nothing_is_counted(domain):
    assert AssistantNLG(domain=Domain.from_dict(domain)).counts is None
