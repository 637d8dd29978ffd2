"""Bots running side by side for an evaluation over HTTP: `make bench` (this project's model
and the stock one) and `content retrain` (the candidate and the live model)."""

import os
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator

from bot.settings import Settings
from bot.topology import Topology, services

# Away from `make run`'s 5005/5055, so a developer's running bot can stay up.
RASA_PORT = 5105
ACTION_PORT = 5155


@dataclass
class Bot:
    """One bot of the evaluation, running: its REST endpoint, its Rasa server's process, how
    long it took to answer after start."""

    url: str
    rasa_pid: int
    startup_s: float


@contextmanager
def running(models: Dict[str, Path], database_url: str) -> Iterator[Dict[str, Bot]]:
    """The bots side by side, in the topology of `make run` (Rasa and action server), each
    on ports of its own, on one scratch database."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    try:
        with tempfile.TemporaryDirectory(prefix="net-bots-") as tmp, ExitStack() as stack:
            bots = {}
            for number, (name, model) in enumerate(models.items()):
                settings = Settings().copy(
                    update={"rasa_port": RASA_PORT + number, "action_port": ACTION_PORT + number}
                )
                run_dir = Path(tmp) / name
                chosen = [
                    s
                    for s in services(settings, run_dir, model=model, pull=False)
                    if s.name != "web"
                ]
                started = time.perf_counter()
                topology = stack.enter_context(Topology(chosen, run_dir / "logs"))
                bots[name] = Bot(
                    f"{settings.rasa_url}/webhooks/rest/webhook",
                    topology.pid("rasa"),
                    round(time.perf_counter() - started, 1),
                )
            yield bots
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
