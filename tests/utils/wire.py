"""A relay between a client and PostgreSQL that counts the round trips the client makes: a
simple-protocol query ('Q'), or an extended-protocol Sync ('S'), which ends the messages a
client sends before it waits for the answer (asyncpg's Parse, Bind, Execute). Counted on the
wire, it sees what no driver-level counter sees: the BEGIN, COMMIT, ROLLBACK or reset the
driver and the pool send on their own."""

import socket
import struct
import threading
from typing import Iterator, Tuple

from tests.utils.servers import free_port

# Startup-phase requests that a server answers with one byte before the startup message.
NEGOTIATIONS = {80877103, 80877104}  # SSLRequest, GSSENCRequest


class QueryCountingRelay:
    def __init__(self, upstream: Tuple[str, int] = ("127.0.0.1", 5432)) -> None:
        self.upstream = upstream
        self.queries = 0
        self._lock = threading.Lock()
        self.port = free_port()
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(
                target=self._client_to_server, args=(client, server), daemon=True
            ).start()
            threading.Thread(target=_pump, args=(server, client), daemon=True).start()

    def _client_to_server(self, client: socket.socket, server: socket.socket) -> None:
        buffer = b""
        started = False
        for chunk in _chunks(client):
            server.sendall(chunk)
            buffer += chunk
            while True:
                if not started:  # untyped: int32 length, int32 code, ...
                    if len(buffer) < 8:
                        break
                    length, code = struct.unpack("!ii", buffer[:8])
                    if len(buffer) < length:
                        break
                    buffer = buffer[length:]
                    started = code not in NEGOTIATIONS
                    continue
                if len(buffer) < 5:
                    break
                kind, length = buffer[:1], struct.unpack("!i", buffer[1:5])[0]
                if len(buffer) < 1 + length:
                    break
                buffer = buffer[1 + length :]
                if kind in (b"Q", b"S"):
                    with self._lock:
                        self.queries += 1
        server.close()


def _chunks(source: socket.socket) -> Iterator[bytes]:
    while True:
        try:
            chunk = source.recv(65536)
        except OSError:
            return
        if not chunk:
            return
        yield chunk


def _pump(source: socket.socket, target: socket.socket) -> None:
    for chunk in _chunks(source):
        try:
            target.sendall(chunk)
        except OSError:
            return
    target.close()
