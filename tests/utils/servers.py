"""Free ports, and the web service in-process on one, for tests over real HTTP."""

import random
import socket
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import uvicorn

from bot.production_local import REPLICAS, internal_chat_port, replica_port, web_port
from bot.settings import Settings
from bot.topology import wait_until

# Below Linux's ephemeral range (32768-60999): a port the kernel hands out (bind to 0) is
# also one it may give an outgoing connection as its source port before the server that was
# to listen there has started, which then fails with "address already in use".
PORTS = range(20000, 32000)


def free_port() -> int:
    while True:
        port = random.choice(PORTS)
        if _free(port):
            return port


def settings_on_free_ports() -> Settings:
    """Free ports for a topology: the proxy's frontends (where `make run` serves) and, for the
    production one, the replicas and web service behind them."""
    while True:
        settings = Settings(rasa_port=free_port(), web_port=free_port(), action_port=free_port())
        behind = [
            *(replica_port(settings, i) for i in range(1, REPLICAS + 1)),
            web_port(settings),
            internal_chat_port(settings),
        ]
        if all(_free(port) for port in behind):
            return settings


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@contextmanager
def serving(app: Any, port: int, **options: Any) -> Iterator[str]:
    """Serve `app` on 127.0.0.1:`port` in a thread; yield its base URL; stop it after.
    `options` go to uvicorn's Config (bot/web/app.py proxy_options, as serve() passes them)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, ws="none", log_level="warning", **options)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(
            lambda: server.started or not thread.is_alive(),
            timeout=30,
            what="the web service start",
        )
        if not server.started:
            raise RuntimeError("the web service did not start (see the log above)")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
