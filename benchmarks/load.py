"""Load on the production topology (`make run-prod-local`): whole visitor conversations,
each ending in a callback request, through the website channel as the widget sends them.

Side by side in one run, taking turns round by round (a shared machine's speed drifts):
- `memory`: the topology of `make run` (one Rasa process, conversations in its memory), the
  reference the production path is held to;
- `production_1` and `production_2`: one and two Rasa processes behind HAProxy, conversations
  in PostgreSQL behind each replica's cache, locks and flood counters in Redis;
- `stock_1`: the stock `rasa init` config's model with Rasa's own SQL tracker store on the
  same PostgreSQL and Redis.
Every deployment has databases and a Redis namespace of its own, so its leads are counted
exactly: each conversation that was given a reference number must have stored one lead, and
no conversation two.

All the simulated visitors come from one address, which the chat's per-address flood cap and
the leads' per-address cap are there to stop; the benchmark raises both for its processes.
"""

import asyncio
import json
import os
import re
import statistics
import tempfile
import time
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

import aiohttp
from sqlalchemy import func, select

from benchmarks.speed import PeakRss, percentile
from bot.db.engine import make_engine, session_factory
from bot.db.models import Lead
from bot.production_local import Stores, drop, prepare
from bot.production_local import services as production_services
from bot.settings import Settings
from bot.topology import Service, Topology
from bot.topology import services as local_services
from tests.utils.servers import settings_on_free_ports

CONCURRENCY = (20, 100)
ROUNDS = {20: 3, 100: 2}
FAQ_PER_CONVERSATION = 3
# The callback form as a visitor fills it in (tests/e2e/test_production_local.py walks the
# same questions): the request, name, phone, e-mail, best time, diagnosis, the read-back's
# "yes", the consent's "yes".
FORM = [
    "I'd like an appointment",
    "(name)",
    "(phone)",
    "skip",
    "mornings",
    "not sure",
    "yes",
    "yes",
]
GIVEN = ["Maria", "James", "Aisha", "Wei", "Olga", "Tomás", "Priya", "Kwame", "Noor", "Elena"]
FAMILY = ["Lopez", "Carter", "Nguyen", "Okafor", "Schmidt", "Rossi", "Haddad", "Kim", "Silva"]
REFERENCE = re.compile(r"\bNET-[A-Z0-9]+")
# Far above what the simulated visitors send, for the caps that count by address.
UNCAPPED = {
    "CHAT_CLIENT_MESSAGES_PER_MINUTE": "1000000",
    "MAX_LEADS_PER_CLIENT_PER_HOUR": "1000000",
}
STOCK_STORE = "rasa.core.tracker_store.SQLTrackerStore"
DEPLOYMENTS = ("memory", "production_1", "production_2", "stock_1")


@dataclass
class Deployment:
    """One running topology under test: where its chat answers, its Rasa processes, and the
    database its leads go to."""

    chat: str
    origin: str
    rasa_pids: List[int]
    leads_url: str


@dataclass
class _Round:
    """What one deployment did under one kind of load."""

    latencies: List[float] = field(default_factory=list)
    wall: float = 0.0
    errors: "Counter[str]" = field(default_factory=Counter)
    references: List[str] = field(default_factory=list)


class _Visitor:
    """A widget: a token from /session, then one request per message."""

    def __init__(self, http: aiohttp.ClientSession, deployment: Deployment) -> None:
        self.http = http
        self.base = f"{deployment.chat}/webhooks/website"
        self.headers = {"Origin": deployment.origin}

    async def start(self) -> bool:
        async with self.http.post(f"{self.base}/session", headers=self.headers) as response:
            raw = await response.text()
        if response.status != 200:
            return False
        token = json.loads(raw)["token"]
        self.headers = {**self.headers, "Authorization": f"Bearer {token}"}
        return True

    async def say(self, text: str) -> Tuple[int, str]:
        """The status and the answer's text (or, for anything but an answer, what came)."""
        async with self.http.post(
            f"{self.base}/webhook",
            json={"message": text, "id": uuid.uuid4().hex},  # as the widget sends it
            headers=self.headers,
        ) as response:
            raw = await response.text()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if response.status != 200 or not isinstance(body, list):
            return response.status, raw[:120]
        return 200, "\n".join(reply.get("text") or "" for reply in body)


async def _conversation(
    http: aiohttp.ClientSession,
    deployment: Deployment,
    number: int,
    faq: Sequence[str],
    into: _Round,
) -> None:
    visitor = _Visitor(http, deployment)
    if not await visitor.start():
        into.errors["no session"] += 1
        return
    name = f"{GIVEN[number % len(GIVEN)]} {FAMILY[number // len(GIVEN) % len(FAMILY)]}"
    phone = f"617 555 {number % 10000:04d}"
    form = [name if i == 1 else phone if i == 2 else text for i, text in enumerate(FORM)]
    script = [*faq, *form]
    answer = ""
    for text in script:
        started = time.perf_counter()
        status, answer = await visitor.say(text)
        into.latencies.append(time.perf_counter() - started)
        if status != 200 or "something went wrong" in answer:
            into.errors[f"{status} {answer[:60]}"] += 1
            return
    found = REFERENCE.search(answer)
    if found is None:
        into.errors[f"no reference: {answer[:60]}"] += 1
    else:
        into.references.append(found.group())


async def _round(
    deployment: Deployment, concurrency: int, first: int, texts: Sequence[str], into: _Round
) -> None:
    def faq(n: int) -> List[str]:
        return [texts[(n * 7 + i) % len(texts)] for i in range(FAQ_PER_CONVERSATION)]

    timeout = aiohttp.ClientTimeout(total=300)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _conversation(http, deployment, n, faq(n), into)
                for n in range(first, first + concurrency)
            )
        )
        into.wall += time.perf_counter() - started


def _leads(deployment: Deployment) -> Dict[str, int]:
    engine = make_engine(deployment.leads_url)
    try:
        with session_factory(engine)() as session:
            stored = session.execute(select(func.count(Lead.id))).scalar_one()
            per_conversation = (
                select(Lead.conversation_id)
                .group_by(Lead.conversation_id)
                .having(func.count(Lead.id) > 1)
                .subquery()
            )
            doubled = session.execute(
                select(func.count()).select_from(per_conversation)
            ).scalar_one()
        return {"stored": stored, "conversations_with_two": doubled}
    finally:
        engine.dispose()


def _summary(result: _Round) -> Dict:
    latencies = result.latencies
    return {
        "messages": len(latencies),
        "throughput_msg_s": round(len(latencies) / result.wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": sum(result.errors.values()),
        "error_kinds": dict(result.errors),
        "leads_submitted": len(result.references),
    }


@contextmanager
def _uncapped() -> Iterator[None]:
    previous = {key: os.environ.get(key) for key in UNCAPPED}
    os.environ.update(UNCAPPED)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _services(
    name: str, project: Path, stock: Path, stores: Stores, settings: Settings, run_dir: Path
) -> List[Service]:
    if name == "memory":
        leads = {"DATABASE_URL": stores.leads_url}
        return [
            replace(s, env={**s.env, **leads})
            for s in local_services(settings, run_dir, model=project, pull=False)
            if s.name != "web"
        ]
    if name == "stock_1":
        return production_services(settings, stores, run_dir, 1, stock, STOCK_STORE)
    return production_services(settings, stores, run_dir, int(name[-1]), project)


@contextmanager
def deployments(project: Path, stock: Path) -> Iterator[Dict[str, Deployment]]:
    """The deployments, started one after the other, each on ports, databases and a Redis
    namespace of its own."""
    with _uncapped(), tempfile.TemporaryDirectory(prefix="net-load-") as tmp, ExitStack() as stack:
        running = {}
        for name in DEPLOYMENTS:
            stores, settings = Stores.private(), settings_on_free_ports()
            prepare(stores)
            stack.callback(drop, stores)
            run_dir = Path(tmp) / name
            started = _services(name, project, stock, stores, settings, run_dir)
            topology = stack.enter_context(Topology(started, run_dir / "logs"))
            running[name] = Deployment(
                chat=settings.rasa_url,
                origin=f"http://{settings.host}:{settings.web_port}",
                rasa_pids=[topology.pid(s.name) for s in started if s.name.startswith("rasa")],
                leads_url=stores.leads_url,
            )
        yield running


def run(project: Path, stock: Path, texts: Sequence[str]) -> Dict:
    """Every deployment at each concurrency, in turns; the Rasa processes' peak memory
    throughout; then the leads counted against the reference numbers given."""
    with deployments(project, stock) as running, ExitStack() as stack:
        memory = {
            name: [stack.enter_context(PeakRss(pid)) for pid in deployment.rasa_pids]
            for name, deployment in running.items()
        }
        results: Dict[str, Dict] = {name: {} for name in running}
        given: Dict[str, List[str]] = {name: [] for name in running}
        number = 0
        for name, deployment in running.items():  # warm-up, counted with the leads
            warm_up = _Round()
            asyncio.run(_round(deployment, 2, number, texts, warm_up))
            given[name] += warm_up.references
            number += 2
        for concurrency in CONCURRENCY:
            rounds = {name: _Round() for name in running}
            for r in range(ROUNDS[concurrency]):
                for name in list(running)[:: 1 if r % 2 == 0 else -1]:
                    asyncio.run(_round(running[name], concurrency, number, texts, rounds[name]))
                    number += concurrency
            for name, result in rounds.items():
                results[name][f"concurrent_{concurrency}"] = _summary(result)
                given[name] += result.references
        for name, deployment in running.items():
            results[name]["rasa_peak_rss_mb"] = [round(m.peak / 2**20) for m in memory[name]]
            results[name]["leads"] = {
                "submitted": len(given[name]),
                "distinct_references": len(set(given[name])),
                **_leads(deployment),
            }
    return {"deployments": results}
