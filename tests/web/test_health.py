"""The web service's health check names which part of the topology is down."""

import json
import urllib.error
import urllib.request

import pytest

from bot.web.app import create_app
from tests.utils.servers import serving


def test_health_is_503_and_names_what_is_down(web_settings):
    with (
        serving(create_app(web_settings), web_settings.web_port) as url,
        pytest.raises(urllib.error.HTTPError) as error,
    ):
        urllib.request.urlopen(f"{url}/healthz", timeout=10)
    assert error.value.code == 503
    assert json.loads(error.value.read()) == {"web": True, "rasa": False, "actions": False}
