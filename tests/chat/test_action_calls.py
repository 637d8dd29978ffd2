"""The Rasa server's wait for one action call is Settings.action_call_timeout_s, not Rasa's
hard-coded five minutes: a real call to a server that takes it and never answers. Fails when
a Rasa upgrade stops reading the bound where bot/chat/action_calls.py sets it."""

import asyncio
import socket
import time

import pytest
import rasa.core.actions.action as remote_actions
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.chat.action_calls import bound_action_calls


@pytest.fixture
def silent_server():
    """Accepts connections (the kernel's backlog) and never answers, like a stopped process."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/webhook"


async def test_an_action_call_gives_up_after_the_bound(silent_server, monkeypatch):
    monkeypatch.setattr(remote_actions, "DEFAULT_REQUEST_TIMEOUT", 300)  # restored after
    bound_action_calls(0.5)
    action = RemoteAction("action_submit_callback", EndpointConfig(url=silent_server))
    started = time.monotonic()
    # aiohttp's timeout, which Rasa's turn takes as any failed action call: logged, its
    # events dropped, the turn goes on (the channel says the turn failed when it is silent).
    with pytest.raises(asyncio.TimeoutError):
        await action.run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator({}),
            DialogueStateTracker("test", []),
            Domain.empty(),
        )
    assert time.monotonic() - started < 3
