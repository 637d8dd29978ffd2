"""`python -m bot retention` also deletes unanswered messages older than
UNANSWERED_RETENTION_DAYS, even when the chat server cannot be reached."""

from datetime import timedelta

import pytest

import bot.cli.retention
from bot.cli import main
from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.leads.conversations import ConversationsUnreachable
from bot.unanswered import store
from tests.utils.databases import sqlite_url


class ChatServer:
    reachable = True

    def __init__(self, settings):
        pass

    def delete(self, conversation_id):
        raise AssertionError("no lead to delete here")

    def delete_older_than(self, days):
        if not self.reachable:
            raise ConversationsUnreachable("down")
        return 0


@pytest.fixture
def sessions(tmp_path, settings_env, monkeypatch):
    url = sqlite_url(tmp_path)
    migrate.upgrade(url)
    settings_env(database_url=url, unanswered_retention_days=30)
    monkeypatch.setattr(bot.cli.retention, "ChatServer", ChatServer)
    engine = make_engine(url)
    yield session_factory(engine)
    engine.dispose()


def misses_kept(sessions):
    return [e.text for e in store.open_entries(sessions)]


@pytest.mark.parametrize("reachable, code", [(True, 0), (False, 1)])
def test_old_misses_go_whether_or_not_the_chat_server_answers(
    sessions, monkeypatch, capsys, reachable, code
):
    monkeypatch.setattr(ChatServer, "reachable", reachable)
    store.record(sessions, "an old question", "fallback", day=store.today() - timedelta(40))
    store.record(sessions, "a recent question", "fallback", day=store.today() - timedelta(5))
    assert main(["retention"]) == code
    assert "deleted 1 unanswered messages" in capsys.readouterr().out
    assert misses_kept(sessions) == ["a recent question"]
