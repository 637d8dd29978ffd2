"""`make run-prod-local`: the production topology without Docker, on this machine's
PostgreSQL and Redis: two Rasa server processes behind HAProxy (Debian's), the action server,
the web service, and the stores production uses.

- Rasa keeps conversations in PostgreSQL (bot/chat/tracker_store.py), in a database of its
  own that only its role may connect to; the leads are in another database, which only the
  application's role may connect to. So the Rasa process holds no way into the leads tables.
- Redis holds Rasa's conversation locks (two replicas never work on one conversation at once)
  and the chat's flood counters.
- HAProxy listens where `make run` serves (the chat at rasa_port, the web service at
  web_port), so every client and tool works unchanged against either topology. It sends each
  conversation to one replica (a consistent hash of its REST sender or website token), and to
  the other when that one stops answering its health check: the conversation, kept in
  PostgreSQL, goes on there. The apps believe the client address HAProxy forwards, from it only.
  As in production, the public chat frontend denies the conversation-deletion endpoints, and
  HAProxy gives every request an X-Request-ID for the apps' logs.
- Every process runs with ENVIRONMENT=production: JSON log lines, DEBUG refused. Unlike
  production, every answer is sent (SERVE_APPROVED_ONLY off unless this process's environment
  sets it): the tests and benchmarks on this topology ask about NETs, and no answer need be
  approved for them to be right.
- The Rasa servers pull the live model from the web service directly (HAProxy denies
  /internal/ to everyone else): a publication or rollback reaches both (bot/models/).
"""

import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import List

from honcho.manager import Manager

from bot.db import migrate
from bot.db.provision import LEADS, TRACKER, Database, provision
from bot.db.provision import drop as drop_databases
from bot.logs.request_ids import HEADER, PATTERN
from bot.settings import ROOT, Settings, get_settings
from bot.topology import (
    MODEL,
    Service,
    action_token,
    actions_service,
    base_env,
    model_server,
    model_server_env,
    rasa_service,
    trained_model,
    web_service,
    write_endpoints,
)

REPLICAS = 2
TRACKER_STORE = "bot.chat.tracker_store.RedactingSQLTrackerStore"
# Conversations each Rasa replica keeps in memory (bot/chat/tracker_store.py), as in
# deploy/endpoints.production.yml.
CACHE_SIZE = 1000
# Rasa's tracker-store pool (Rasa reads these; its default is 50 + 100 connections per
# process), used for the rare reads of a whole session and deletions; the store's
# statements of each message share a pool of at most SQL_POOL_SIZE more (asyncpg).
RASA_POOL = {"SQL_POOL_SIZE": "3", "SQL_MAX_OVERFLOW": "2"}


@dataclass(frozen=True)
class Stores:
    """The databases and Redis namespace of one production-local topology."""

    admin_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    leads: Database = LEADS
    tracker: Database = TRACKER
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    # Letters and digits only: Rasa ignores any other lock key prefix (its default instead).
    redis_prefix: str = "netprodlocal"

    @classmethod
    def private(cls) -> "Stores":
        """Stores of their own, for a test next to a developer's topology."""
        tag = uuid.uuid4().hex[:8]
        return cls(
            leads=Database(f"net_leads_{tag}", f"net_app_{tag}"),
            tracker=Database(f"net_tracker_{tag}", f"net_tracker_{tag}"),
            redis_prefix=f"nettest{tag}",
        )

    def url(self, db: Database) -> str:
        return f"postgresql+psycopg2://{db.role}@{self.pg_host}:{self.pg_port}/{db.name}"

    @property
    def leads_url(self) -> str:
        return self.url(self.leads)


def prepare(stores: Stores) -> None:
    """The roles and databases, each open only to its role, and the leads schema."""
    provision(stores.admin_url, [stores.leads, stores.tracker])
    migrate.upgrade(stores.leads_url)


def drop(stores: Stores) -> None:
    """Remove a private topology's databases and roles (tests)."""
    drop_databases(stores.admin_url, [stores.leads, stores.tracker])


def replica_port(settings: Settings, index: int) -> int:
    return settings.rasa_port + 100 + index


def web_port(settings: Settings) -> int:
    return settings.web_port + 100


def internal_chat_port(settings: Settings) -> int:
    """The chat as the web service and the retention job reach it: with the conversation
    deletion endpoints, which the public frontend denies (as compose's proxy does)."""
    return settings.rasa_port + 100


def store_endpoints(stores: Stores, tracker_store: str = TRACKER_STORE) -> str:
    """The tracker store on PostgreSQL and the lock store on Redis, as endpoints.yml says
    (`tracker_store` another class for a comparison: benchmarks/load.py)."""
    options = f"  cache_size: {CACHE_SIZE}\n" if tracker_store == TRACKER_STORE else ""
    return (
        "tracker_store:\n"
        f"  type: {tracker_store}\n"
        "  dialect: postgresql\n"
        f"  url: {stores.pg_host}\n"
        f"  port: {stores.pg_port}\n"
        f"  db: {stores.tracker.name}\n"
        f"  username: {stores.tracker.role}\n"
        f"{options}"
        "lock_store:\n"
        "  type: bot.chat.lock_store.ConversationLockStore\n"
        f"  url: {stores.redis_host}\n"
        f"  port: {stores.redis_port}\n"
        f"  db: {stores.redis_db}\n"
        f"  key_prefix: {stores.redis_prefix}\n"
    )


# Every request reaches the apps with an id for their logs: the client's when it is one.
REQUEST_ID = (
    f"    http-request set-header {HEADER} %[uuid()]"
    f" unless {{ req.hdr({HEADER}) -m reg ^{PATTERN}$ }}"
)


def write_haproxy(settings: Settings, run_dir: Path, replicas: int = REPLICAS) -> Path:
    """One frontend for the chat and one for the web service, each where `make run` serves,
    and the chat's internal one (internal_chat_port)."""
    servers = "\n".join(
        f"    server rasa{i} {settings.host}:{replica_port(settings, i)} check inter 1s fall 2"
        for i in range(1, replicas + 1)
    )
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "haproxy.cfg"
    path.write_text(
        f"""global
    maxconn 4096

defaults
    mode http
    option forwardfor
    timeout connect 5s
    # A health check fails only when the server is gone or stuck: a busy one answers late
    # (a Rasa server works through its queue one message at a time), and one that died
    # refuses the connection at once.
    timeout check 10s
    timeout client 120s
    timeout server 120s

frontend chat
    bind {settings.host}:{settings.rasa_port}
{REQUEST_ID}
    acl internal path_beg /webhooks/website/conversations /webhooks/website/retention
    http-request deny if internal
    default_backend rasa

frontend chat_internal
    bind {settings.host}:{internal_chat_port(settings)}
{REQUEST_ID}
    default_backend rasa

backend rasa
    # The conversation: the website token, or the REST body's sender.
    option http-buffer-request
    http-request set-var(txn.conversation) req.body,json_query('$.sender')
    acl website req.hdr(authorization) -m found
    http-request set-var(txn.conversation) req.hdr(authorization) if website
    balance hash var(txn.conversation)
    hash-type consistent
    option httpchk GET /
    retry-on conn-failure empty-response
    retries 2
    option redispatch
{servers}

frontend web
    bind {settings.host}:{settings.web_port}
{REQUEST_ID}
    # The Rasa servers pull their model from the web service directly.
    http-request deny if {{ path_beg /internal/ }}
    default_backend web

backend web
    option httpchk GET /healthz
    server web {settings.host}:{web_port(settings)} check inter 5s
""",
        encoding="utf-8",
    )
    return path


def services(
    settings: Settings,
    stores: Stores,
    run_dir: Path,
    replicas: int = REPLICAS,
    model: Path = MODEL,
    tracker_store: str = TRACKER_STORE,
) -> List[Service]:
    # The replicas pull the live model from the web service directly, not through HAProxy.
    models = model_server(settings, f"http://{settings.host}:{web_port(settings)}")
    endpoints = write_endpoints(
        settings, run_dir, store_endpoints(stores, tracker_store), models=models
    )
    haproxy = write_haproxy(settings, run_dir, replicas)
    token = action_token(settings)
    publishing = model_server_env(settings)
    production = {"ENVIRONMENT": "production"}  # JSON log lines, DEBUG refused
    leads = {"DATABASE_URL": stores.leads_url}
    rasa_env = {
        # No leads database, not even one inherited: Rasa has no way into the leads.
        "DATABASE_URL": "",
        "SANIC_PROXIES_COUNT": "1",  # the address HAProxy forwards is the client's
        **RASA_POOL,
        "RATE_LIMIT_REDIS_URL": f"redis://{stores.redis_host}:{stores.redis_port}/2",
        **token,
        **publishing,
        **production,
    }
    return [
        actions_service(settings, {**token, **leads, **production}),
        *(
            rasa_service(
                f"rasa{i}", settings, endpoints, replica_port(settings, i), model, rasa_env
            )
            for i in range(1, replicas + 1)
        ),
        web_service(
            settings,
            web_port(settings),
            {
                "FORWARDED_ALLOW_IPS": settings.host,
                "RASA_URL": f"http://{settings.host}:{internal_chat_port(settings)}",
                **leads,
                **publishing,
                **trained_model(model),
                **production,
            },
        ),
        Service(
            name="haproxy",
            argv=["haproxy", "-db", "-f", str(haproxy)],
            health_url=f"http://{settings.host}:{settings.web_port}/healthz",
        ),
    ]


def run() -> int:
    """`make run-prod-local`: prepare the stores, then start and supervise every process."""
    settings = get_settings()
    if not MODEL.exists():
        print(f"No trained model at {MODEL}. Run 'make train'.", file=sys.stderr)
        return 1
    stores = Stores()
    prepare(stores)
    manager = Manager()
    env = base_env()
    for service in services(settings, stores, ROOT / "var" / "run-prod-local"):
        manager.add_process(
            service.name, service.command, env={**env, **service.env}, cwd=str(ROOT)
        )
    print(
        "\nStarting the production topology on this machine (Ctrl-C stops everything):\n"
        f"  {REPLICAS} Rasa servers behind HAProxy at {settings.rasa_url} (chat),\n"
        f"  the web service behind it at http://{settings.host}:{settings.web_port}/,\n"
        "  conversation deletions (python -m bot retention, queue delete) with\n"
        f"  RASA_URL=http://{settings.host}:{internal_chat_port(settings)},\n"
        f"  conversations in PostgreSQL ({stores.tracker.name}), leads in {stores.leads.name},\n"
        f"  locks and flood counters in Redis at {stores.redis_host}:{stores.redis_port}.\n",
        flush=True,
    )
    manager.loop()
    return manager.returncode or 0
