"""The web service's health check names which part of the topology is down."""

import json
import urllib.error
import urllib.request

import pytest

from bot.settings import Settings
from bot.web.app import create_app
from tests.utils.servers import free_port, serving


def test_health_is_503_and_names_what_is_down(tmp_path):
    """Nothing listens where Rasa and the action server should be."""
    settings = Settings(
        web_port=free_port(),
        rasa_port=free_port(),
        action_port=free_port(),
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        outbox_path=tmp_path / "outbox.sqlite",
        secret_key="test-secret",
    )
    with (
        serving(create_app(settings), settings.web_port) as url,
        pytest.raises(urllib.error.HTTPError) as error,
    ):
        urllib.request.urlopen(f"{url}/healthz", timeout=10)
    assert error.value.code == 503
    assert json.loads(error.value.read()) == {"web": True, "rasa": False, "actions": False}
