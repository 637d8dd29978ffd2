"""docker-compose.yml, checked by parsing (no Docker engine runs on these machines)."""

import re
from pathlib import Path

import pytest
import yaml

from bot.settings import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_production_topology_has_every_service():
    assert set(SERVICES) == {"rasa", "actions", "web", "retention", "postgres", "redis"}


def test_app_images_build_from_a_dockerfile_in_the_repo():
    for name in ("rasa", "actions", "web"):
        build = SERVICES[name]["build"]
        assert (ROOT / build["context"] / build["dockerfile"]).is_file()


def test_rasa_command_points_at_files_the_image_has():
    command = SERVICES["rasa"]["command"]
    for option in ("--endpoints", "--credentials"):
        path = re.search(rf"{option} (\S+)", command).group(1)
        assert (ROOT / path).is_file(), path
    assert "--enable-api" not in command  # the HTTP API would expose transcripts
    # Only the origin-checked website channel faces the internet, not the open REST one.
    credentials = yaml.safe_load(
        (ROOT / re.search(r"--credentials (\S+)", command).group(1)).read_text()
    )
    assert list(credentials) == ["bot.chat.channels.WebsiteInput"]


def test_endpoints_name_the_compose_services():
    endpoints = yaml.safe_load((ROOT / "deploy" / "endpoints.production.yml").read_text())
    assert endpoints["action_endpoint"]["url"].startswith("http://actions:5055/")
    assert endpoints["tracker_store"]["url"] == "postgres"
    assert endpoints["lock_store"]["url"] == "redis"


@pytest.mark.parametrize(
    "name", ["deploy/endpoints.production.yml", "deploy/credentials.production.yml"]
)
def test_rasa_fills_in_every_variable_of_the_production_files(name, monkeypatch):
    """Rasa substitutes ${...} in plain YAML values only: a quoted one stays literal."""
    from rasa.shared.utils.io import read_config_file

    for variable in re.findall(r"\$\{(\w+)\}", (ROOT / name).read_text()):
        monkeypatch.setenv(variable, f"value-of-{variable}")
    assert "${" not in str(read_config_file(str(ROOT / name)))


def test_secrets_are_required():
    for name in ("rasa", "actions", "web"):
        assert "Variable not set" in SERVICES[name]["environment"]["POSTGRES_PASSWORD"]
    assert "Variable not set" in SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD"]
    web = SERVICES["web"]["environment"]
    assert "Variable not set" in web["SECRET_KEY"] and web["COOKIE_SECURE"] == "true"
    assert "Variable not set" in web["CHAT_URL"]
    assert "Variable not set" in SERVICES["rasa"]["environment"]["SITE_ORIGINS"]
    # The shared secret of the action calls: both ends, from the environment, never a default.
    for name in ("rasa", "actions"):
        assert "Variable not set" in SERVICES[name]["environment"]["ACTION_SERVER_TOKEN"], name


def test_the_web_service_trusts_no_proxy_unless_told():
    assert SERVICES["web"]["environment"]["FORWARDED_ALLOW_IPS"] == "${FORWARDED_ALLOW_IPS:-}"


def test_only_the_public_services_publish_ports():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"rasa", "web"}


def test_services_wait_for_what_they_need():
    assert set(SERVICES["rasa"]["depends_on"]) == {"actions", "postgres", "redis"}
    for name, service in SERVICES.items():
        if name != "retention":  # a job, not a server: nothing to answer a health check
            assert "healthcheck" in service, name


def test_retention_runs_daily_against_the_chat_server_with_the_shared_key():
    """The chat server derives conversation ids and the deletion token from SECRET_KEY: every
    service must have the same one, and retention must reach the chat server."""
    retention = SERVICES["retention"]
    assert "bot retention" in retention["command"] and "sleep 86400" in retention["command"]
    assert retention["environment"]["RASA_URL"] == "http://rasa:5005"
    assert set(retention["depends_on"]) == {"rasa", "web"}
    key = COMPOSE["x-app"]["environment"]["SECRET_KEY"]
    for name in ("rasa", "actions", "web", "retention"):
        assert SERVICES[name]["environment"]["SECRET_KEY"] == key, name


def test_the_action_server_is_the_one_that_checks_the_secret():
    """`rasa run actions` would accept any call; `python -m bot actions` (bot/action_server.py)
    is rasa-sdk's app with the checks."""
    assert SERVICES["actions"]["command"] == "python -m bot actions"
    assert SERVICES["actions"]["environment"]["HOST"] == "0.0.0.0"


def test_web_applies_migrations_before_serving():
    command = SERVICES["web"]["command"]
    assert command.index("db upgrade") < command.index("bot web")


def test_action_server_and_web_share_the_outbox():
    """The action server parks requests while PostgreSQL is down; the web service drains
    them: both must see the same file, on a volume that survives restarts."""
    path = COMPOSE["x-app"]["environment"]["OUTBOX_PATH"]
    for name in ("actions", "web"):
        mounts = {m.split(":")[1]: m.split(":")[0] for m in SERVICES[name]["volumes"]}
        directory = str(Path(path).parent)
        assert mounts.get(directory) == "outbox", name
    assert "outbox" in COMPOSE["volumes"]


def test_the_image_carries_the_runtime_only():
    """No test, lint or benchmark tools, and no tests, benchmarks or docs, in production."""
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in ("tests", "benchmarks", "docs", "requirements-dev.lock", "node_modules"):
        assert path in ignored, path
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert re.findall(r"pip install [^\n]*-r (\S+)", dockerfile) == ["requirements.lock"]
    runtime = {
        line.split("==")[0].lower()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    assert not runtime & {"pytest", "pytest-asyncio", "playwright", "ruff", "mypy", "pre-commit"}
