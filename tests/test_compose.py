"""docker-compose.yml and the files it uses, checked by parsing and, for the proxy, by
HAProxy's own config check (no Docker engine runs on these machines)."""

import re
from pathlib import Path

import pytest
import yaml

from bot.cli import build_parser
from bot.cli.server import chat_argv
from bot.db.provision import LEADS, TRACKER
from bot.logs.request_ids import PATTERN
from bot.production_local import (
    CACHE_SIZE,
    RASA_POOL,
    REQUEST_ID,
    Stores,
    store_endpoints,
    write_haproxy,
)
from bot.settings import ROOT, Settings
from tests.utils.haproxy import haproxy_check

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APPS = ("migrate", "rasa", "actions", "web", "retention")
ENDPOINTS = yaml.safe_load((ROOT / "deploy" / "endpoints.production.yml").read_text())


def test_production_topology_has_every_service():
    assert set(SERVICES) == {"proxy", *APPS, "postgres", "redis"}


def test_app_images_build_from_a_dockerfile_in_the_repo():
    for name in APPS:
        build = SERVICES[name]["build"]
        assert (ROOT / build["context"] / build["dockerfile"]).is_file()


def test_only_the_proxy_publishes_ports_and_serves_tls_with_hsts():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}
    assert SERVICES["proxy"]["ports"] == ["80:80", "443:443"]
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert "redirect scheme https" in config and "Strict-Transport-Security" in config
    assert re.search(r"bind :443 ssl crt ", config)
    # Rasa's own endpoints and the deletion endpoints are not reachable from outside.
    assert "use_backend rasa if chat" in config and "path_beg /webhooks/website/" in config
    assert "http-request deny if internal" in config


def test_the_proxy_config_is_valid(tmp_path):
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    haproxy_check(config, "/usr/local/etc/haproxy/certs/site.pem", tmp_path)


def test_the_proxy_gives_every_request_an_id_as_the_production_local_one_does():
    """The client's X-Request-ID when it matches the apps' own pattern, a new one otherwise."""
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert REQUEST_ID.strip() in config and PATTERN in REQUEST_ID


def test_every_proxy_waits_for_a_busy_server_before_taking_it_for_dead(tmp_path):
    """Without `timeout check`, a health check times out after its interval (1 to 2 s): under
    load a Rasa server answers its check that late, and the proxy took every server out and
    answered visitors with its own 503 page (found by benchmarks/load.py at 100 concurrent)."""
    written = write_haproxy(Settings(), tmp_path)
    for path in (ROOT / "deploy" / "haproxy.cfg", ROOT / "deploy" / "k8s" / "haproxy.cfg", written):
        timeout = re.search(r"^\s*timeout check (\d+)s$", path.read_text(), re.M)
        assert timeout and int(timeout.group(1)) >= 5, path


def test_every_app_runs_as_production():
    """JSON log lines, DEBUG refused (bot/settings.py)."""
    assert COMPOSE["x-app"]["environment"]["ENVIRONMENT"] == "production"
    for name in APPS:
        assert SERVICES[name]["environment"]["ENVIRONMENT"] == "production", name


def test_the_apps_believe_forwarded_addresses_from_the_proxy_only():
    proxy = SERVICES["proxy"]["networks"]["internal"]["ipv4_address"]
    subnet = COMPOSE["networks"]["internal"]["ipam"]["config"][0]["subnet"]
    assert proxy.rsplit(".", 1)[0] == subnet.rsplit(".", 1)[0]
    assert SERVICES["web"]["environment"]["FORWARDED_ALLOW_IPS"] == proxy
    assert SERVICES["rasa"]["environment"]["SANIC_PROXIES_COUNT"] == "1"
    assert SERVICES["web"]["environment"]["COOKIE_SECURE"] == "true"


def test_every_app_service_waits_for_the_migrate_step():
    assert SERVICES["migrate"]["command"] == "python -m bot db provision"
    assert SERVICES["migrate"]["restart"] == "no"
    assert SERVICES["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("rasa", "actions", "web", "retention"):
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
    # Rasa's model comes from the web service (it waits for the model route itself).
    assert set(SERVICES["rasa"]["depends_on"]) == {"migrate", "actions", "redis", "web"}
    assert SERVICES["rasa"]["depends_on"]["web"] == {"condition": "service_started"}
    assert "rasa" not in SERVICES["web"]["depends_on"]
    for name, service in SERVICES.items():
        if name not in ("migrate", "retention", "proxy"):  # jobs, and the proxy checks others
            assert "healthcheck" in service, name
        assert "restart" in service and service.get("mem_limit"), name


def test_rasa_holds_the_conversations_database_only():
    """Its own database and role: the Rasa process has no credentials for the leads."""
    rasa = SERVICES["rasa"]["environment"]
    assert "DATABASE_URL" not in rasa and "LEADS_DB_PASSWORD" not in rasa
    assert "POSTGRES_PASSWORD" not in rasa
    store = ENDPOINTS["tracker_store"]
    assert (store["db"], store["username"]) == (TRACKER.name, TRACKER.role)
    assert store["password"] == "${TRACKER_DB_PASSWORD}"
    for name in ("actions", "web", "retention", "migrate"):
        url = SERVICES[name]["environment"]["DATABASE_URL"]
        assert url.startswith(f"postgresql+psycopg2://{LEADS.role}:") and url.endswith(
            f"/{LEADS.name}"
        ), name
        assert "TRACKER_DB_PASSWORD" not in SERVICES[name]["environment"] or name == "migrate"
    # Only postgres and the migrate step know the administrator's password.
    for name in ("rasa", "actions", "web", "retention"):
        assert "POSTGRES_PASSWORD" not in SERVICES[name]["environment"], name


def test_rasa_sizes_its_pool_and_cache_as_the_production_local_topology_does():
    """The same store settings wherever the production topology runs; Rasa's own default
    pool (50 + 100 connections per replica) could take more than PostgreSQL's default 100."""
    rasa = SERVICES["rasa"]["environment"]
    assert {key: rasa[key] for key in RASA_POOL} == RASA_POOL
    assert int(RASA_POOL["SQL_POOL_SIZE"]) + int(RASA_POOL["SQL_MAX_OVERFLOW"]) <= 10
    assert ENDPOINTS["tracker_store"]["cache_size"] == CACHE_SIZE
    assert yaml.safe_load(store_endpoints(Stores()))["tracker_store"]["cache_size"] == CACHE_SIZE


def test_each_topology_keeps_its_locks_under_its_own_redis_prefix():
    """Rasa ignores a lock-store prefix that is not letters and digits (and then every
    topology on one Redis shares its conversation locks)."""
    prefixes = {Stores().redis_prefix, Stores.private().redis_prefix, Stores.private().redis_prefix}
    assert len(prefixes) == 3 and all(prefix.isalnum() for prefix in prefixes)


def test_the_chat_gets_each_origin_as_its_own_cors_argument():
    """A shell-less compose command cannot split "a,b": `python -m bot chat` does."""
    assert SERVICES["rasa"]["command"] == "python -m bot chat"
    args = build_parser().parse_args(["chat"])
    argv = chat_argv(args, ["https://www.example.org", "https://example.org"])
    assert argv[argv.index("--cors") + 1 :] == ["https://www.example.org", "https://example.org"]
    for option in ("--endpoints", "--credentials"):
        assert (ROOT / argv[argv.index(option) + 1]).is_file(), option
    assert "--enable-api" not in argv  # the HTTP API would expose transcripts
    credentials = yaml.safe_load((ROOT / argv[argv.index("--credentials") + 1]).read_text())
    # Only the origin-checked website channel faces the internet, not the open REST one.
    assert list(credentials) == ["bot.chat.channels.WebsiteInput"]


def test_endpoints_name_the_compose_services():
    assert ENDPOINTS["action_endpoint"]["url"].startswith("http://actions:5055/")
    assert ENDPOINTS["tracker_store"]["url"] == "postgres"
    assert ENDPOINTS["lock_store"]["url"] == "redis"


@pytest.mark.parametrize(
    "name", ["deploy/endpoints.production.yml", "deploy/credentials.production.yml"]
)
def test_rasa_fills_in_every_variable_of_the_production_files(name, monkeypatch):
    """Rasa substitutes ${...} in plain YAML values only: a quoted one stays literal."""
    from rasa.shared.utils.io import read_config_file

    for variable in re.findall(r"\$\{(\w+)\}", (ROOT / name).read_text()):
        monkeypatch.setenv(variable, f"value-of-{variable}")
    assert "${" not in str(read_config_file(str(ROOT / name)))


def test_secrets_are_required_and_listed_in_the_example_env():
    example = (ROOT / ".env.example").read_text()
    used = set(
        re.findall(r"\$\{(\w+)\?Variable not set\}", (ROOT / "docker-compose.yml").read_text())
    )
    assert used >= {
        "POSTGRES_PASSWORD",
        "LEADS_DB_PASSWORD",
        "TRACKER_DB_PASSWORD",
        "SECRET_KEY",
        "ACTION_SERVER_TOKEN",
        "SITE_ORIGINS",
        "CHAT_URL",
    }
    for variable in used:
        assert re.search(rf"^{variable}=", example, re.MULTILINE), variable
    # The example holds placeholders, never a real secret.
    for line in example.splitlines():
        if re.match(r"^\w*(PASSWORD|SECRET_KEY|TOKEN)=", line):
            assert line.endswith("=change-me"), line


def test_retention_runs_daily_against_the_chat_server_with_the_shared_key():
    """The chat server derives conversation ids and the deletion token from SECRET_KEY: every
    service must have the same one, and retention must reach the chat server."""
    retention = SERVICES["retention"]
    assert "bot retention" in retention["command"] and "sleep 86400" in retention["command"]
    assert retention["environment"]["RASA_URL"] == "http://rasa:5005"
    key = COMPOSE["x-app"]["environment"]["SECRET_KEY"]
    for name in ("rasa", "actions", "web", "retention"):
        assert SERVICES[name]["environment"]["SECRET_KEY"] == key, name


def test_the_action_server_is_the_one_that_checks_the_secret():
    """`rasa run actions` would accept any call; `python -m bot actions` (bot/action_server.py)
    is rasa-sdk's app with the checks."""
    assert SERVICES["actions"]["command"] == "python -m bot actions"
    assert SERVICES["actions"]["environment"]["HOST"] == "0.0.0.0"
    for name in ("rasa", "actions"):
        assert "Variable not set" in SERVICES[name]["environment"]["ACTION_SERVER_TOKEN"], name


def test_action_server_and_web_share_the_outbox_the_image_makes_writable():
    """The action server parks requests while PostgreSQL is down; the web service drains
    them: both see the same file, on a volume whose mount point the image creates and gives
    to the app user (a volume Docker creates takes that owner; otherwise root's)."""
    path = COMPOSE["x-app"]["environment"]["OUTBOX_PATH"]
    directory = str(Path(path).parent)
    for name in ("actions", "web"):
        mounts = {m.split(":")[1]: m.split(":")[0] for m in SERVICES[name]["volumes"]}
        assert mounts.get(directory) == "outbox", name
    assert "outbox" in COMPOSE["volumes"]
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert f"mkdir -p {directory}" in dockerfile
    assert re.search(rf"chown -R app [^\n]*{re.escape(directory)}", dockerfile)
    assert dockerfile.index(f"mkdir -p {directory}") < dockerfile.index("USER app")


def test_the_image_carries_the_runtime_only_and_no_certificates():
    """No test, lint or benchmark tools, no tests, benchmarks or docs, no private keys."""
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in ("tests", "benchmarks", "docs", "requirements-dev.lock", "node_modules"):
        assert path in ignored, path
    assert "deploy/certs" in ignored and ".env" in ignored
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert re.findall(r"pip install [^\n]*-r (\S+)", dockerfile) == ["requirements.lock"]
    runtime = {
        line.split("==")[0].lower()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    assert not runtime & {"pytest", "pytest-asyncio", "playwright", "ruff", "mypy", "pre-commit"}
    assert "USER app" in dockerfile  # non-root


def test_the_image_trains_only_after_the_content_check():
    """The content team's check (Rasa's validation included, without its clean-run noise) is
    what stops a broken image; a second raw `rasa data validate` would only repeat it."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    check = dockerfile.index("python -m bot content check")
    assert check < dockerfile.index("rasa train --skip-validation")
    assert "rasa data validate" not in dockerfile


def test_rasa_pulls_its_model_from_the_web_service_past_the_proxy(tmp_path):
    """The model route is for the Rasa servers only: they call the web service directly, with
    a token, and no proxy routes /internal/ (bot/web/routes/model_server.py)."""
    models = ENDPOINTS["models"]
    assert models["url"] == "http://web:8000/internal/model"
    assert models["token"] == "${MODEL_SERVER_TOKEN}"
    assert models["wait_time_between_pulls"] == "${MODEL_PULL_INTERVAL_S}"
    for name in ("rasa", "web"):
        assert SERVICES[name]["environment"]["MODEL_SERVER_TOKEN"].startswith(
            "${MODEL_SERVER_TOKEN?"
        ), name
    assert "MODEL_PULL_INTERVAL_S" in COMPOSE["x-app"]["environment"]
    assert "published-models:/app/models/published" in SERVICES["web"]["volumes"]
    for path in (ROOT / "deploy" / "haproxy.cfg", ROOT / "deploy" / "k8s" / "haproxy.cfg"):
        acl = re.search(r"^\s*acl internal path_beg (.*)$", path.read_text(), re.M)
        assert acl and "/internal/" in acl.group(1).split(), path
    assert (
        "http-request deny if { path_beg /internal/ }"
        in write_haproxy(Settings(), tmp_path).read_text()
    )
