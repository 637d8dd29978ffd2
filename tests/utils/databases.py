"""The databases the data-layer tests run on: SQLite, a throw-away database on the shared
local PostgreSQL, and a private PostgreSQL or Redis server a fault test may stop."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, text

from bot.topology import wait_until
from tests.utils.servers import free_port

PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def postgres_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, future=True, connect_args={"connect_timeout": 3})
        with engine.connect():
            return True
    except Exception:
        return False


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'leads.db'}"


class PostgresDatabase:
    """A throw-away database on the local PostgreSQL server, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"net_test_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> str:
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{self.name}"

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


class PrivatePostgres:
    """A PostgreSQL server of the test's own, so the test can really stop and restart it.

    The shared server on 127.0.0.1:5432 must keep running for everything else.
    """

    def __init__(self, initdb: str) -> None:
        self.bin = Path(initdb).parent
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="net-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def _run(self, tool: str, *args: str) -> None:
        argv = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        # No pipes: the server that pg_ctl starts would inherit them and never close them.
        subprocess.run(
            argv,
            check=True,
            cwd=self.dir,
            timeout=60,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def initdb_path() -> Optional[str]:
    """PostgreSQL's server binaries, from PATH or Debian's versioned directory."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return shutil.which("initdb") or (candidates[-1] if candidates else None)


def redis_available(url: str = "redis://127.0.0.1:6379/0") -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except Exception:
        return False


class PrivateRedis:
    """A Redis server of the test's own, on a free port, that the test stops and starts again
    (the shared one on 127.0.0.1:6379 must keep running). Nothing is kept on disk: it comes
    back empty, as production's does (docker-compose.yml)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self._process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server is not installed")
        argv = [server, "--port", str(self.port), "--bind", "127.0.0.1"]
        self._process = subprocess.Popen(
            [*argv, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: redis_available(f"{self.url}/0"), timeout=20, what="the private Redis")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=20)
