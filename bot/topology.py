"""The local process topology: the Rasa server, the action server and the web service.

`python -m bot run` (make run) starts exactly these commands, and the server tests, the
benchmarks and `content retrain` start them too (`Topology`, below), so they exercise the
topology a developer runs; docker-compose.yml is its production twin.

honcho (the Python Procfile runner) supervises them: it prefixes each process's output with
its name and stops every process when one exits or on a single Ctrl-C, which is what a
developer expects of one command; we do not write our own signal handling.
"""

import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List

from honcho.manager import Manager

from bot.db import migrate
from bot.settings import ROOT, Settings, get_settings, process_env
from bot.web.routes.health import url_ok

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
    """This process's environment with the project's process defaults (bot/process.env)."""
    return {**os.environ, **process_env(), "PYTHONPATH": str(ROOT)}


# Conversations kept as event objects, not JSON text (why: bot/chat/tracker_store.py).
LOCAL_STORES = "tracker_store:\n  type: bot.chat.tracker_store.EventTrackerStore\n"


def model_server(settings: Settings, web_url: str) -> str:
    """endpoints.yml's `models:`: the live model from the web service at `web_url`
    (bot/web/routes/model_server.py), asked for every MODEL_PULL_INTERVAL_S seconds."""
    return (
        "models:\n"
        f'  url: "{web_url}/internal/model"\n'
        "  token: ${MODEL_SERVER_TOKEN}\n"
        f"  wait_time_between_pulls: {settings.model_pull_interval_s}\n"
    )


def write_endpoints(
    settings: Settings, run_dir: Path, stores: str = LOCAL_STORES, models: str = ""
) -> Path:
    """endpoints.yml pointing Rasa at this topology's action server, `stores` (the tracker
    and lock stores' YAML) and `models` (model_server(), or none: the model file given)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "endpoints.yml"
    path.write_text(
        f"{models}"
        "action_endpoint:\n"
        f'  url: "http://{settings.host}:{settings.action_port}/webhook"\n'
        # Rasa fills in the secret from its environment (services() sets it), so the file
        # holds none. Unquoted: Rasa substitutes variables in plain YAML values only.
        "  headers:\n"
        "    Authorization: Bearer ${ACTION_SERVER_TOKEN}\n"
        f"{stores}"
        # Quick replies for closing questions and the safety line (bot/chat/nlg.py), and
        # the analytics counts it sends the action server (bot/chat/counts.py).
        "nlg:\n"
        "  type: bot.chat.nlg.AssistantNLG\n"
        f'  url: "http://{settings.host}:{settings.action_port}/counts"\n'
        "  headers:\n"
        "    Authorization: Bearer ${ACTION_SERVER_TOKEN}\n",
        encoding="utf-8",
    )
    return path


def actions_service(settings: Settings, env: Dict[str, str]) -> Service:
    host = settings.host
    return Service(
        name="actions",
        argv=[sys.executable, "-m", "bot", "actions"],
        health_url=f"http://{host}:{settings.action_port}/health",
        env={"HOST": host, "ACTION_PORT": str(settings.action_port), **env},
    )


def rasa_service(
    name: str, settings: Settings, endpoints: Path, port: int, model: Path, env: Dict[str, str]
) -> Service:
    host = settings.host
    return Service(
        name=name,
        # The production command (bot/cli/server.py): CORS for the chat widget's pages only,
        # from SITE_ORIGINS (bot/chat/channels.py checks them too), logging as every process.
        argv=[
            sys.executable,
            "-m",
            "bot",
            "chat",
            "--model",
            str(model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
            "--interface",
            host,
            "--port",
            str(port),
        ],
        health_url=f"http://{host}:{port}/",
        # A chat message is short: refuse large bodies before Rasa spends CPU on them.
        # The action server receives whole trackers and has a limit of its own.
        env={"SANIC_REQUEST_MAX_SIZE": "65536", "SITE_ORIGINS": settings.site_origins, **env},
    )


def web_service(settings: Settings, port: int, env: Dict[str, str]) -> Service:
    host = settings.host
    return Service(
        name="web",
        argv=[sys.executable, "-m", "bot", "web"],
        health_url=f"http://{host}:{port}/healthz",
        env={
            "HOST": host,
            "RASA_PORT": str(settings.rasa_port),
            "ACTION_PORT": str(settings.action_port),
            "WEB_PORT": str(port),
            **env,
        },
    )


def action_token(settings: Settings) -> Dict[str, str]:
    """The one secret both ends of the action calls get (bot/action_server.py)."""
    return {"ACTION_SERVER_TOKEN": settings.action_server_secret()}


def model_server_env(settings: Settings) -> Dict[str, str]:
    """The secret of the model route, for the Rasa servers and the web service, and the pull
    interval the servers use (the web service and the commands tell it)."""
    return {
        "MODEL_SERVER_TOKEN": settings.model_server_secret(),
        "MODEL_PULL_INTERVAL_S": str(settings.model_pull_interval_s),
    }


def trained_model(model: Path) -> Dict[str, str]:
    """What the web service publishes at start if it never was (bot/models/registry.py)."""
    return {"TRAINED_MODEL_PATH": str(model)}


def services(
    settings: Settings, run_dir: Path, model: Path = MODEL, pull: bool = True
) -> List[Service]:
    """The three processes. The Rasa server runs the model the web service publishes (`model`
    at first, bot/models/registry.py); with `pull` False it runs `model` itself (a benchmark
    without the web service)."""
    web_url = f"http://{settings.host}:{settings.web_port}"
    models = model_server(settings, web_url) if pull else ""
    endpoints = write_endpoints(settings, run_dir, models=models)
    token = action_token(settings)
    publishing = model_server_env(settings)
    return [
        actions_service(settings, token),
        rasa_service(
            "rasa", settings, endpoints, settings.rasa_port, model, {**token, **publishing}
        ),
        web_service(settings, settings.web_port, {**publishing, **trained_model(model)}),
    ]


def run() -> int:
    """`make run`: migrate the database, then start and supervise every service."""
    settings = get_settings()
    if not MODEL.exists():
        print(f"No trained model at {MODEL}. Run 'make train' (or 'make run').", file=sys.stderr)
        return 1
    migrate.upgrade()  # the schema is always current before anything can write a lead
    manager = Manager()
    env = base_env()
    for service in services(settings, ROOT / "var" / "run"):
        manager.add_process(
            service.name, service.command, env={**env, **service.env}, cwd=str(ROOT)
        )
    print(
        "\nStarting the NET intake assistant (Ctrl-C stops everything):\n"
        f"  website with the chat:  http://{settings.host}:{settings.web_port}/\n"
        f"  chat (REST):  POST {settings.rasa_url}/webhooks/rest/webhook"
        ' {"sender": "<id>", "message": "what is PRRT?"}\n'
        f"  health:       http://{settings.host}:{settings.web_port}/healthz\n"
        f"  staff queue:  http://{settings.host}:{settings.web_port}/staff/"
        "  (first create an account: .venv/bin/python -m bot staff add NAME --role admin)\n"
        "  models:       .venv/bin/python -m bot content models | publish FILE | rollback\n"
        "The Rasa server needs about 20 s to load the model.\n",
        flush=True,
    )
    manager.loop()
    return manager.returncode or 0


def wait_until(
    condition: Callable[[], object],
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "the condition",
) -> None:
    """Poll `condition` until it is true; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


class Topology:
    """Services as child processes of a test, a benchmark or `content retrain`: each is
    started, waited for until its health URL answers, and stopped (its whole process group) on
    exit. Output goes to one log file per service, so a failing start can be diagnosed without
    mixing it into other output."""

    def __init__(self, services: List[Service], log_dir: Path, start_timeout: float = 180.0):
        self.services = services
        self.log_dir = log_dir
        self.start_timeout = start_timeout
        self.processes: Dict[str, subprocess.Popen] = {}

    def __enter__(self) -> "Topology":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for service in self.services:
                self._launch(service)
            for service in self.services:
                self._wait_until_up(service)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _launch(self, service: Service) -> None:
        with (self.log_dir / f"{service.name}.log").open("ab") as log:
            self.processes[service.name] = subprocess.Popen(
                service.argv,
                cwd=ROOT,
                env={**base_env(), **service.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def restart_service(self, name: str) -> None:
        """Start a stopped service again and wait until it answers (outage tests)."""
        service = next(s for s in self.services if s.name == name)
        self.stop_service(name)
        self._launch(service)
        self._wait_until_up(service)

    def _wait_until_up(self, service: Service) -> None:
        process = self.processes[service.name]

        def up() -> bool:
            if process.poll() is not None:
                # The log's directory is usually a temporary one, gone once this is read.
                log = self.log_dir / (service.name + ".log")
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise RuntimeError(f"{service.name} exited with {process.returncode}:\n{tail}")
            return url_ok(service.health_url)

        wait_until(
            up,
            timeout=self.start_timeout,
            interval=0.5,
            what=f"{service.name} answering {service.health_url}",
        )

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
