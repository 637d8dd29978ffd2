"""The web service on its own: it reports which part of the topology is down."""
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
import uvicorn

from bot.settings import Settings
from bot.web.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def web_alone():
    """The web service with nothing listening where Rasa and the action server should be."""
    settings = Settings(web_port=free_port(), rasa_port=free_port(), action_port=free_port())
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=settings.web_port,
                       ws="none", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{settings.web_port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_health_is_503_and_names_what_is_down(web_alone):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{web_alone}/healthz", timeout=10)
    assert error.value.code == 503
    assert json.loads(error.value.read()) == {"web": True, "rasa": False, "actions": False}
