"""`python -m bot db wait`, the init step of the Kubernetes pods (deploy/k8s)."""

from bot.db import migrate
from tests.utils.cli import bot_command
from tests.utils.databases import sqlite_url


def test_db_wait_gives_up_on_an_old_schema_and_returns_on_the_current_one(tmp_path):
    url = sqlite_url(tmp_path)
    migrate.upgrade(url, "0003")
    waited = bot_command("db", "wait", "--timeout", "0", database_url=url)
    assert waited.returncode == 1 and "not at this release's migration" in waited.stdout
    migrate.upgrade(url)
    assert bot_command("db", "wait", "--timeout", "0", database_url=url).returncode == 0
