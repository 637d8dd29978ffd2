"""The local process topology: the Rasa server, the action server and the web service.

`python -m bot run` (make run) and the server tests start exactly these commands, so the tests
exercise the same topology a developer runs; docker-compose.yml is its production twin.
"""
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from bot.settings import Settings, parse_origins

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "net-assistant.tar.gz"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Service:
    name: str
    argv: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)

    @property
    def command(self) -> str:
        return shlex.join(self.argv)


def base_env() -> Dict[str, str]:
    """Privacy and safety settings every process gets, whoever starts it."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore::DeprecationWarning",
        PYTHONPATH=str(ROOT),
    )
    return env


def write_endpoints(settings: Settings, run_dir: Path) -> Path:
    """endpoints.yml pointing Rasa at this topology's action server and tracker store."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "endpoints.yml"
    path.write_text(
        "action_endpoint:\n"
        f'  url: "http://{settings.host}:{settings.action_port}/webhook"\n'
        # Conversations kept as event objects, not JSON text (why: bot/tracker_store.py).
        "tracker_store:\n"
        "  type: bot.tracker_store.EventTrackerStore\n",
        encoding="utf-8",
    )
    return path


def services(settings: Settings, run_dir: Path, model: Path = MODEL) -> List[Service]:
    endpoints = write_endpoints(settings, run_dir)
    host = settings.host
    return [
        Service(
            name="actions",
            argv=[str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                  "--port", str(settings.action_port)],
            health_url=f"http://{host}:{settings.action_port}/health",
            env={"SANIC_HOST": host},
        ),
        Service(
            name="rasa",
            argv=[str(BIN / "rasa"), "run", "--model", str(model),
                  "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
                  "--interface", host, "--port", str(settings.rasa_port),
                  # CORS for the chat widget's pages only (bot/channels.py checks them too).
                  "--cors", *parse_origins(settings.site_origins)],
            health_url=f"http://{host}:{settings.rasa_port}/",
            # A chat message is short: refuse large bodies before Rasa spends CPU on them.
            # Only here: the action server receives whole trackers, which are larger.
            env={"SANIC_REQUEST_MAX_SIZE": "65536", "SITE_ORIGINS": settings.site_origins},
        ),
        Service(
            name="web",
            argv=[sys.executable, "-m", "bot", "web"],
            health_url=f"http://{host}:{settings.web_port}/healthz",
            env={
                "HOST": host,
                "RASA_PORT": str(settings.rasa_port),
                "ACTION_PORT": str(settings.action_port),
                "WEB_PORT": str(settings.web_port),
            },
        ),
    ]


class Topology:
    """Start services as child processes, wait until each answers, stop them all on exit.

    Used by the server tests and the speed benchmark. Output goes to one log file per service
    so a failing start can be diagnosed without mixing it into test output.
    """

    def __init__(self, services: List[Service], log_dir: Path, start_timeout: float = 180.0):
        self.services = services
        self.log_dir = log_dir
        self.start_timeout = start_timeout
        self.processes: Dict[str, subprocess.Popen] = {}

    def __enter__(self) -> "Topology":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = base_env()
        try:
            for service in self.services:
                self._launch(service, env)
            for service in self.services:
                self._wait_until_up(service)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _launch(self, service: Service, env: Dict[str, str]) -> None:
        log = (self.log_dir / f"{service.name}.log").open("ab")
        self.processes[service.name] = subprocess.Popen(
            service.argv, cwd=ROOT, env={**env, **service.env},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def restart_service(self, name: str) -> None:
        """Start a stopped service again and wait until it answers (outage tests)."""
        service = next(s for s in self.services if s.name == name)
        self.stop_service(name)
        self._launch(service, base_env())
        self._wait_until_up(service)

    def _wait_until_up(self, service: Service) -> None:
        deadline = time.monotonic() + self.start_timeout
        process = self.processes[service.name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{service.name} exited with {process.returncode}; "
                    f"see {self.log_dir / (service.name + '.log')}"
                )
            if url_ok(service.health_url):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{service.name} did not answer {service.health_url} in time")

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def stop_service(self, name: str) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop_service(name)


def url_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (local URL)
            return 200 <= response.status < 300
    except OSError:
        return False
