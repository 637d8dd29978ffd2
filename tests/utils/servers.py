"""Running the web service in-process on a free port, for tests over real HTTP."""

import socket
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import uvicorn

from tests.utils.wait import wait_until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


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
