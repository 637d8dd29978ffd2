"""Latency, throughput and memory through the REST channel of a real Rasa server.

Both bots (this project's model and the stock `rasa init` config trained on the same data)
run side by side in the topology of `make run`, each on its own ports, and take turns: every
conversation and every concurrent round goes to one bot and then to the other. A shared
machine's speed drifts within minutes, so turns, not one bot after the other, make the two
comparable.
"""

import asyncio
import statistics
import threading
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import aiohttp
import psutil

from bot.evaluation.servers import Bot

# Visitor conversations are short: the one-at-a-time run is 14 conversations of 15 messages
# in turn (210 messages), not one endless conversation whose tracker no visitor would build.
SEQUENTIAL_CONVERSATIONS = 14
CONCURRENT_CONVERSATIONS = 20
# One round of 20 x 15 messages lasts a few seconds here, too short to be steady on a shared
# machine: several rounds, each with new conversations.
CONCURRENT_ROUNDS = 4
MESSAGES_PER_CONVERSATION = 15
WARMUP_MESSAGES = 10


def percentile(values: Sequence[float], q: float) -> float:
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


@dataclass
class _Load:
    """Latencies and the wall time of one kind of load on one bot."""

    latencies: List[float] = field(default_factory=list)
    wall: float = 0.0

    async def run(self, *conversations) -> None:
        started = time.perf_counter()
        for batch in await asyncio.gather(*conversations):
            self.latencies += batch
        self.wall += time.perf_counter() - started

    def summary(self) -> Dict:
        return {
            "messages": len(self.latencies),
            "p50_ms": round(statistics.median(self.latencies) * 1000, 1),
            "p95_ms": round(percentile(self.latencies, 0.95) * 1000, 1),
            "throughput_msg_s": round(len(self.latencies) / self.wall, 1),
        }


async def _measure(urls: Dict[str, str], texts: Sequence[str]) -> Dict[str, Dict]:
    def pick(offset: int, count: int) -> List[str]:
        return [texts[(offset + i) % len(texts)] for i in range(count)]

    sequential = {name: _Load() for name in urls}
    concurrent = {name: _Load() for name in urls}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for url in urls.values():
            await _conversation(session, url, pick(0, WARMUP_MESSAGES))
        for c in range(SEQUENTIAL_CONVERSATIONS):
            for name, url in urls.items():
                await sequential[name].run(
                    _conversation(session, url, pick(c * 11, MESSAGES_PER_CONVERSATION))
                )
        for r in range(CONCURRENT_ROUNDS):
            for name, url in urls.items():
                await concurrent[name].run(
                    *(
                        _conversation(
                            session,
                            url,
                            pick((r * CONCURRENT_CONVERSATIONS + c) * 7, MESSAGES_PER_CONVERSATION),
                        )
                        for c in range(CONCURRENT_CONVERSATIONS)
                    )
                )
    return {
        name: {
            "sequential": sequential[name].summary(),
            "concurrent_20": concurrent[name].summary(),
        }
        for name in urls
    }


class PeakRss:
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

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run(bots: Dict[str, Bot], texts: Sequence[str]) -> Dict:
    """Latency, throughput and peak memory under the load of _measure."""
    with ExitStack() as stack:
        memory = {name: stack.enter_context(PeakRss(bot.rasa_pid)) for name, bot in bots.items()}
        result = asyncio.run(_measure({name: bot.url for name, bot in bots.items()}, texts))
    for name, bot in bots.items():
        result[name].update(
            rasa_peak_rss_mb=round(memory[name].peak / 2**20), startup_s=bot.startup_s
        )
    return result
