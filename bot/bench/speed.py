"""Latency, throughput and memory through the REST channel of a real Rasa server.

Both bots (this project's model and the stock `rasa init` config trained on the same data)
run in the same topology as `make run`, one after the other, on the same machine in the same
run, so their numbers can be compared.
"""
import asyncio
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Sequence

import aiohttp
import psutil

from bot.settings import Settings
from bot.topology import Topology, services

# Visitor conversations are short: the one-at-a-time run is 14 conversations of 15 messages
# in turn (210 messages), not one endless conversation whose tracker no visitor would build.
SEQUENTIAL_CONVERSATIONS = 14
CONCURRENT_CONVERSATIONS = 20
# One round of 20 x 15 messages lasts about five seconds here, too short to be steady on a
# shared machine: three rounds, each with new conversations.
CONCURRENT_ROUNDS = 3
MESSAGES_PER_CONVERSATION = 15
WARMUP_MESSAGES = 10


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def _conversation(session, url: str, texts: Sequence[str]) -> List[float]:
    sender = uuid.uuid4().hex
    latencies = []
    for text in texts:
        started = time.perf_counter()
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json()
            if response.status != 200 or not body:
                raise RuntimeError(f"bad reply {response.status} {body!r} to {text!r}")
        latencies.append(time.perf_counter() - started)
    return latencies


async def _measure(url: str, texts: Sequence[str]) -> Dict:
    def pick(offset: int, count: int) -> List[str]:
        return [texts[(offset + i) % len(texts)] for i in range(count)]

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        await _conversation(session, url, pick(0, WARMUP_MESSAGES))

        started = time.perf_counter()
        sequential = []
        for c in range(SEQUENTIAL_CONVERSATIONS):
            sequential += await _conversation(session, url, pick(c * 11, MESSAGES_PER_CONVERSATION))
        sequential_wall = time.perf_counter() - started

        started = time.perf_counter()
        batches = []
        for r in range(CONCURRENT_ROUNDS):
            batches += await asyncio.gather(
                *(
                    _conversation(session, url, pick((r * CONCURRENT_CONVERSATIONS + c) * 7,
                                                     MESSAGES_PER_CONVERSATION))
                    for c in range(CONCURRENT_CONVERSATIONS)
                )
            )
        concurrent_wall = time.perf_counter() - started
    concurrent = [x for batch in batches for x in batch]

    def summary(latencies: List[float], wall: float) -> Dict:
        return {
            "messages": len(latencies),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
            "throughput_msg_s": round(len(latencies) / wall, 1),
        }

    return {
        "sequential": summary(sequential, sequential_wall),
        "concurrent_20": summary(concurrent, concurrent_wall),
    }


class _PeakRss:
    """Samples the resident memory of a process tree while the load runs."""

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        tree = [self.process, *self.process.children(recursive=True)]
        return sum(p.memory_info().rss for p in tree if p.is_running())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.2)

    def __enter__(self) -> "_PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def measure_model(model: Path, settings: Settings, texts: Sequence[str]) -> Dict:
    with tempfile.TemporaryDirectory(prefix="net-speed-") as tmp:
        chosen = [s for s in services(settings, Path(tmp), model=model) if s.name != "web"]
        started = time.perf_counter()
        with Topology(chosen, Path(tmp) / "logs") as topology:
            startup = time.perf_counter() - started
            url = f"{settings.rasa_url}/webhooks/rest/webhook"
            with _PeakRss(topology.pid("rasa")) as rss:
                result = asyncio.run(_measure(url, texts))
        result["rasa_peak_rss_mb"] = round(rss.peak / 2**20)
        result["startup_s"] = round(startup, 1)
    return result


def run(models: Dict[str, Path], texts: Sequence[str]) -> Dict:
    # Ports of their own, so a developer's `make run` can keep running during the benchmark.
    settings = Settings().copy(update={"rasa_port": 5105, "action_port": 5155})
    return {name: measure_model(model, settings, texts) for name, model in models.items()}
