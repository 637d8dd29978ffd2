"""Settings: exact chat origins, and one set of process defaults for every way of starting."""

import re

import pytest
import yaml

from bot.settings import ROOT, parse_origins, process_env


def test_origins_are_exact_and_patterns_are_refused():
    assert parse_origins("http://127.0.0.1:8000, https://www.example.org/") == [
        "http://127.0.0.1:8000",
        "https://www.example.org",
    ]
    assert parse_origins("https://a.example https://b.example") == [
        "https://a.example",
        "https://b.example",
    ]
    for bad in (
        "*",
        "https://*.example.org",
        "https://example.org/page",
        "example.org",
        "https://example\\.org",
        "^https://example.org$",
    ):
        with pytest.raises(ValueError):
            parse_origins(bad)


def test_telemetry_is_off_in_the_one_place_every_process_reads():
    assert process_env()["RASA_TELEMETRY_ENABLED"] == "false"


def test_make_and_the_image_read_that_place_and_set_none_of_their_own():
    names = set(process_env())
    makefile = (ROOT / "Makefile").read_text()
    assert "include bot/process.env" in makefile
    assert not names & set(re.findall(r"^export (\w+) *:?=", makefile, re.MULTILINE))
    assert ". /app/bot/process.env" in (ROOT / "deploy" / "entrypoint.sh").read_text()
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in dockerfile
    assert not names & set(re.findall(r"\b([A-Z_]+)=", dockerfile))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        assert not names & set(service.get("environment") or {}), name


def test_the_started_processes_get_them(tmp_path):
    from bot.topology import base_env

    assert base_env()["RASA_TELEMETRY_ENABLED"] == "false"
