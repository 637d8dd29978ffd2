"""The one place for deployment settings: the center's contact details, ports and URLs.

Responses never hard-code the center's name, phone number or hours; the session-start action
copies them from here into slots that the response templates read. Every value can be
overridden by an environment variable of the same name in upper case (e.g. CENTER_PHONE).
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseSettings, Field, validator

# The project checkout: the Rasa project (config.yml, domain.yml, data/, models/) and var/.
ROOT = Path(__file__).resolve().parent.parent
PROCESS_ENV = Path(__file__).resolve().parent / "process.env"
# Of an action call's time (Settings.action_call_deadline): the action server's work ends this
# long before the Rasa server stops waiting for it.
ACTION_CALL_MARGIN_S = 1.0


def process_env() -> Dict[str, str]:
    """The variables every process runs with (bot/process.env; make and compose read it too)."""
    lines = PROCESS_ENV.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def parse_origins(value: Union[str, List[str], None]) -> List[str]:
    """Exact origins from a list, or a string separated by spaces or commas (SITE_ORIGINS).

    Patterns are refused: Sanic-CORS would read them as regular expressions, and the chat must
    only answer the exact origins listed.
    """
    items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value or ""))
    origins = [item.strip().rstrip("/") for item in items if item and item.strip()]
    for origin in origins:
        if re.search(r"[*\\\[\]?$^()]", origin) or not re.match(r"^https?://[^/]+$", origin):
            raise ValueError(
                f"SITE_ORIGINS: {origin!r} is not an exact origin like https://www.example.org"
            )
    return origins


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    # "production" in docker-compose.yml and `make run-prod-local`: log lines are JSON and
    # debug logging is refused (debug logs carry what visitors type).
    environment: Literal["development", "production"] = "development"
    # Our processes' level, and Rasa's and the SDK's, which read the same variables.
    log_level: str = "INFO"
    log_level_libraries: str = "ERROR"

    # Placeholder contact details: 555-01xx numbers are reserved for fiction, so a deployment
    # that forgets to set its own shows an obviously unusable number rather than a stranger's.
    center_name: str = "the Neuroendocrine Tumor Program"
    center_phone: str = "1-800-555-0199"
    center_hours: str = "Monday to Friday, 8 am to 5 pm"

    # Where the local processes listen (make run, tests). In docker-compose the services reach
    # each other by name, so RASA_URL / ACTION_SERVER_URL override the derived addresses.
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8000
    rasa_url_override: str = Field(default="", env="RASA_URL")
    action_server_url_override: str = Field(default="", env="ACTION_SERVER_URL")

    # SQLite file in var/ by default (embedded, nothing to install); production sets
    # postgresql+psycopg2://... (docker-compose.yml).
    database_url: str = f"sqlite:///{ROOT / 'var' / 'net-assistant.db'}"
    # Callback requests wait here while the database is unreachable (bot/leads/outbox.py).
    # The action server writes it and the web service drains it, so both must see the file.
    outbox_path: Path = ROOT / "var" / "outbox.sqlite"
    outbox_drain_interval_s: float = 30.0

    # The website chat. CHAT_URL is the Rasa server as the visitor's browser reaches it;
    # SITE_ORIGINS the exact origins (scheme://host:port) of the pages that carry the widget,
    # the only ones the chat channel answers (parse_origins). Both default to this machine.
    chat_url_override: str = Field(default="", env="CHAT_URL")
    site_origins_override: str = Field(default="", env="SITE_ORIGINS")

    # An answer a clinician signed off is due for review again after this many days
    # (`python -m bot content check`, bot/content/review.py).
    content_review_days: int = 365
    # On (production): the assistant sends only answers a reviewer approved; any other gets
    # "Our team can answer that question ..." with the phone and a callback offer
    # (bot/chat/nlg.py). Off (local): every answer is sent, and the log says how many await
    # review.
    serve_approved_only: bool = False
    # The checkout whose data/responses the review page reads and writes (reviewers' decisions
    # go into the answers' metadata, then into git): the content team's; this one by default.
    # In production the default is the image's own copy, which the next deployment replaces:
    # there the page takes decisions only when CONTENT_ROOT names a checkout.
    content_root: Optional[Path] = None

    @property
    def review_root(self) -> Path:
        return self.content_root or ROOT

    @property
    def review_decisions_kept(self) -> bool:
        """Whether a decision written to review_root outlives the next deployment."""
        return self.content_root is not None or self.environment != "production"

    # Callback requests one visitor can leave (bot/leads/store.py): a visitor who needs more
    # is asked to call. The client is the website channel's key for the visitor's address.
    max_leads_per_conversation: int = 2
    max_leads_per_client_per_hour: int = 5

    # The staff callback queue (bot/leads/queue.py, bot/web/routes/staff.py).
    callback_target_hours: float = 24.0  # a request waiting longer is shown as overdue
    claim_lease_minutes: float = 30.0  # an unfinished claim returns to the queue after this
    no_answer_retry_minutes: float = 120.0  # "no answer" waits this long before a new try
    lead_views_per_minute: int = 30  # leads one staff member may open a minute (contact details)
    staff_session_idle_minutes: float = 15.0
    staff_session_max_hours: float = 12.0  # from sign-in, however busy the session
    # Sign-in slows guessing without locking anyone out: once a username has had
    # login_free_attempts failures within the window (a client address
    # login_client_free_attempts), its next try must wait login_backoff_base_s after the last
    # failure, twice that after one more failure, and so on up to login_backoff_max_s. The
    # window is longer than that cap, so waiting out the delay does not wipe the count.
    login_free_attempts: int = 5
    login_client_free_attempts: int = 20  # everyone behind one proxy shares an address
    login_backoff_base_s: float = 1.0
    login_backoff_max_s: float = 900.0
    login_window_minutes: float = 60.0
    # Flood caps of the website chat (bot/chat/channels.py): messages per minute per
    # conversation and per visitor address, far above what a person types. With a Redis URL
    # (production) the chat replicas share the counts; otherwise each process counts alone.
    chat_messages_per_minute: int = 30
    chat_client_messages_per_minute: int = 120
    rate_limit_redis_url: str = ""
    # Production provisioning (python -m bot db provision, the compose `migrate` service): an
    # administrator's connection, and the passwords of the two roles it creates: the leads'
    # (net_app, which DATABASE_URL names) and the conversations' (net_tracker, Rasa's only).
    admin_database_url: str = ""
    leads_db_password: str = ""
    tracker_db_password: str = ""
    # Retention (python -m bot retention): conversations, and leads closed, longer ago.
    conversation_retention_days: float = 30.0
    closed_lead_retention_days: float = 365.0
    # The reports of `content retrain` (bot/evaluation/retrain.py), one folder per run, which
    # admins read in the staff app.
    reports_dir: Path = ROOT / "reports"
    # Messages the assistant could not answer (scrubbed; bot/unanswered/), kept this long.
    unanswered_retention_days: float = 180.0
    # The analytics counts wait in memory at most this long before one write (the action
    # server) or one request to the action server (the Rasa server): bot/analytics/batch.py.
    # A process killed outright loses at most this much of them.
    analytics_flush_s: float = 2.0
    # Signs the CSRF cookie and derives the chat's conversation ids. Set SECRET_KEY in
    # production (the same for every service); locally one is made once in var/.
    secret_key: str = ""
    # Cookies are also marked Secure when a request arrives over HTTPS; set this behind a
    # TLS-terminating proxy that does not pass X-Forwarded-Proto.
    cookie_secure: bool = False
    # The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses
    # or networks separated by commas, "*" for any. Empty trusts none, so the client address
    # (which the sign-in backoff counts by) is the connection's own, not a header's claim.
    forwarded_allow_ips: str = ""

    # The secret Rasa sends the action server (bot/action_server.py) with every call. Set
    # ACTION_SERVER_TOKEN in production; locally one is made once in var/.
    action_server_token: str = ""
    # The largest action call accepted. A call carries the whole tracker of the session and
    # the domain (about 75 kB), so this is far above a long conversation and far below
    # Sanic's default of 100 MB.
    action_server_max_body_bytes: int = 4_000_000
    # How long the Rasa server waits for one action call (bot/chat/action_calls.py): Rasa's
    # own five minutes would keep a visitor waiting on a stalled action server. The action
    # server does nothing that outlives a call once the Rasa server has stopped waiting
    # (action_call_deadline), so what the visitor is told stays true.
    action_call_timeout_s: float = 5.0

    # Publishing models (bot/models/, docs/operations.md): the files Rasa may be given, the
    # model `make train` writes (published at start when it never was), the secret the Rasa
    # servers show the web service's model route, and how often they ask it for a new model.
    published_models_dir: Path = ROOT / "models" / "published"
    trained_model_path: Path = ROOT / "models" / "net-assistant.tar.gz"
    model_server_token: str = ""
    model_pull_interval_s: int = 10
    # How long a starting Rasa server waits for the model route to answer with a model.
    model_server_wait_s: float = 120.0

    class Config:
        case_sensitive = False

    @validator("log_level", "log_level_libraries")
    def _no_debug_in_production(cls, level: str, values: Dict[str, object]) -> str:
        level = level.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{level!r} is not one of {', '.join(LOG_LEVELS)}")
        if values.get("environment") == "production" and level == "DEBUG":
            raise ValueError(
                "DEBUG is refused in production: debug logs carry what visitors type "
                "(names, phone numbers, messages). Use INFO, or debug outside production."
            )
        return level

    def signing_secret(self) -> str:
        """SECRET_KEY, or a random key kept in var/ so local restarts keep sessions valid."""
        return self.secret_key or _local_secret("secret_key")

    def action_server_secret(self) -> str:
        """ACTION_SERVER_TOKEN, or a random one kept in var/ for the local processes."""
        return self.action_server_token or _local_secret("action_server_token")

    def model_server_secret(self) -> str:
        """MODEL_SERVER_TOKEN, or a random one kept in var/ for the local processes."""
        return self.model_server_token or _local_secret("model_server_token")

    def chat_admin_token(self) -> str:
        """What the web service and the retention job show the chat server to delete
        conversations (bot/chat/channels.py): derived from SECRET_KEY, which every service
        shares, so there is no second secret to deploy."""
        key = self.signing_secret().encode()
        return hmac.new(key, b"chat-admin", hashlib.sha256).hexdigest()

    @property
    def rasa_url(self) -> str:
        return self.rasa_url_override or f"http://{self.host}:{self.rasa_port}"

    # The durations above as timedeltas, the one place they are converted.
    @property
    def claim_lease(self) -> timedelta:
        return timedelta(minutes=self.claim_lease_minutes)

    @property
    def no_answer_retry(self) -> timedelta:
        return timedelta(minutes=self.no_answer_retry_minutes)

    @property
    def staff_session_idle(self) -> timedelta:
        return timedelta(minutes=self.staff_session_idle_minutes)

    @property
    def staff_session_max(self) -> timedelta:
        return timedelta(hours=self.staff_session_max_hours)

    @property
    def login_window(self) -> timedelta:
        return timedelta(minutes=self.login_window_minutes)

    @property
    def login_backoff_base(self) -> timedelta:
        return timedelta(seconds=self.login_backoff_base_s)

    @property
    def login_backoff_max(self) -> timedelta:
        return timedelta(seconds=self.login_backoff_max_s)

    @property
    def chat_url(self) -> str:
        return self.chat_url_override or self.rasa_url

    @property
    def site_origins(self) -> str:
        return self.site_origins_override or ",".join(
            f"http://{host}:{self.web_port}" for host in dict.fromkeys((self.host, "localhost"))
        )

    @property
    def action_server_url(self) -> str:
        return self.action_server_url_override or f"http://{self.host}:{self.action_port}"

    def action_call_deadline(self, events: Any) -> Optional[float]:
        """When an action call with these tracker events (as Rasa posts them) must be done by,
        as a UNIX time; None when they carry no time.

        Rasa posts no time of its own with a call, but it logs an event just before each one
        (the user's message, the previous action), so the newest event is when the call was
        made. The margin covers the answer's way back and the clocks of two hosts.
        """
        times = [
            e["timestamp"]
            for e in (events if isinstance(events, list) else [])
            if isinstance(e, dict) and isinstance(e.get("timestamp"), (int, float))
        ]
        if not times:
            return None
        return max(times) + self.action_call_timeout_s - ACTION_CALL_MARGIN_S


def _local_secret(name: str) -> str:
    """A random secret made on first use and kept in var/, readable by this user only."""
    path = ROOT / "var" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
