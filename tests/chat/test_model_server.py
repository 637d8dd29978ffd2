"""A starting Rasa server waits for a model from the web service, and says why it will not
start (bot/chat/model_server.py), against the real model route."""

import time

import pytest

from bot.chat.model_server import wait_for_model
from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.models.registry import Registry
from bot.settings import Settings
from bot.topology import model_server, write_endpoints
from bot.web.app import create_app
from tests.utils.published import model_file
from tests.utils.servers import free_port, serving

TOKEN = "the-model-token"


@pytest.fixture
def web(tmp_path):
    settings = Settings(
        web_port=free_port(),
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        outbox_path=tmp_path / "outbox.sqlite",
        secret_key="test-secret",
        published_models_dir=tmp_path / "published",
        model_server_token=TOKEN,
    )
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with serving(create_app(settings), settings.web_port) as url:
        yield {"url": url, "models": Registry(session_factory(engine), tmp_path / "published")}
    engine.dispose()


def endpoints(tmp_path, url: str) -> str:
    return str(write_endpoints(Settings(), tmp_path, models=model_server(Settings(), url)))


def test_it_starts_once_a_model_is_live(web, tmp_path):
    path = endpoints(tmp_path, web["url"])
    started = time.monotonic()
    assert wait_for_model(path, timeout=1) == (
        f"no model from {web['url']}/internal/model after 1 s (no model is live)"
    )
    assert time.monotonic() - started < 5
    web["models"].publish(model_file(tmp_path / "model.tar.gz"), "ada")
    assert wait_for_model(path, timeout=1) is None


def test_a_refused_token_stops_it_at_once(web, tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_SERVER_TOKEN", "another")
    started = time.monotonic()
    refused = wait_for_model(endpoints(tmp_path, web["url"]), timeout=30)
    assert refused and "refused the token (403)" in refused and "MODEL_SERVER_TOKEN" in refused
    assert time.monotonic() - started < 5


@pytest.fixture(autouse=True)
def action_token(monkeypatch):
    """The endpoints file names them; Rasa refuses a file with a variable unset."""
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "set")
    monkeypatch.setenv("MODEL_SERVER_TOKEN", TOKEN)


def test_no_model_server_or_an_unreachable_one(tmp_path):
    assert wait_for_model(str(write_endpoints(Settings(), tmp_path)), timeout=1) is None
    path = endpoints(tmp_path, f"http://127.0.0.1:{free_port()}")
    assert wait_for_model(path, timeout=1).endswith("after 1 s (not reachable)")
