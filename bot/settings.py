"""The one place for deployment settings: the center's contact details, ports and URLs.

Responses never hard-code the center's name, phone number or hours; the session-start action
copies them from here into slots that the response templates read. Every value can be
overridden by an environment variable of the same name in upper case (e.g. CENTER_PHONE).
"""
from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings, Field

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
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
    rasa_url_override: str = Field("", env="RASA_URL")
    action_server_url_override: str = Field("", env="ACTION_SERVER_URL")

    # SQLite file in var/ by default (embedded, nothing to install); production sets
    # postgresql+psycopg2://... (docker-compose.yml).
    database_url: str = f"sqlite:///{ROOT / 'var' / 'net-assistant.db'}"
    # Callback requests wait here while the database is unreachable (bot/storage/outbox.py).
    # The action server writes it and the web service drains it, so both must see the file.
    outbox_path: Path = ROOT / "var" / "outbox.sqlite"
    outbox_drain_interval_s: float = 30.0

    class Config:
        case_sensitive = False

    @property
    def rasa_url(self) -> str:
        return self.rasa_url_override or f"http://{self.host}:{self.rasa_port}"

    @property
    def action_server_url(self) -> str:
        return self.action_server_url_override or f"http://{self.host}:{self.action_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
