"""The log lines of every process: JSON objects with the same fields in production, text
locally, and no process starts in production with debug logging."""

import io
import json
import logging
import subprocess
import sys

import pytest
from pydantic import ValidationError

from bot.cli import build_parser
from bot.logs.config import FIELDS, configure, formatter
from bot.logs.request_ids import bind
from bot.settings import ROOT, Settings
from bot.topology import base_env


def record(message: str, *args: object, exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("bot.test", logging.INFO, __file__, 1, message, args, exc_info)


def test_a_production_line_is_one_json_object_with_every_field():
    bind("req-1")
    line = formatter("web", as_json=True).format(record("stored lead %s", 7))
    assert "\n" not in line
    parsed = json.loads(line)
    assert tuple(parsed) == FIELDS
    assert parsed["message"] == "stored lead 7" and parsed["level"] == "info"
    assert (parsed["logger"], parsed["request_id"], parsed["service"]) == (
        "bot.test",
        "req-1",
        "web",
    )
    assert parsed["time"].endswith("Z")


def test_an_error_keeps_its_traceback_inside_the_json_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        line = formatter("actions", as_json=True).format(record("failed", exc_info=sys.exc_info()))
    assert "\n" not in line and "RuntimeError: boom" in json.loads(line)["exception"]


def test_a_local_line_is_text_with_the_same_facts():
    bind("req-2")
    line = formatter("chat", as_json=False).format(record("hello"))
    assert line.startswith("20") and "hello" in line
    assert "request_id=req-2" in line and "service=chat" in line


@pytest.fixture
def root_logging():
    """configure() sets the root logger: give pytest's back afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("sanic.access").level)
    yield
    root.handlers, root.level = saved[0], saved[1]
    logging.getLogger("sanic.access").setLevel(saved[2])
    logging.captureWarnings(False)


@pytest.mark.parametrize(("environment", "as_json"), [("production", True), ("development", False)])
def test_the_environment_decides_the_format(environment, as_json, root_logging, monkeypatch):
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    configure("web", Settings(environment=environment))
    logging.getLogger("bot.test").info("started")
    logging.getLogger("bot.test").debug("not at INFO")
    logging.getLogger("sanic.access").info("libraries log errors only")
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 1 and "started" in lines[0]
    assert lines[0].startswith("{") is as_json


@pytest.mark.parametrize("variable", ["LOG_LEVEL", "LOG_LEVEL_LIBRARIES"])
def test_settings_refuse_debug_in_production_only(variable, monkeypatch):
    monkeypatch.setenv(variable, "debug")
    assert getattr(Settings(), variable.lower()) == "DEBUG"
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="DEBUG is refused in production"):
        Settings()


def test_an_unknown_environment_or_level_is_refused():
    with pytest.raises(ValidationError):
        Settings(environment="prod")
    with pytest.raises(ValidationError):
        Settings(log_level="verbose")


@pytest.mark.parametrize("command", [["chat"], ["actions"], ["web"], ["retention"]])
def test_no_process_starts_in_production_with_debug_logging(command):
    """Refused before anything starts (the Rasa server would take 20 s to get there)."""
    started = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        cwd=ROOT,
        env={**base_env(), "ENVIRONMENT": "production", "LOG_LEVEL": "DEBUG"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2, started.stderr
    assert "DEBUG is refused in production" in started.stderr


@pytest.mark.parametrize("flag", ["--debug", "-vv", "--verbose"])
def test_the_production_rasa_command_takes_no_verbosity_flag(flag, capsys):
    """Rasa's own --debug/-vv never reach it: the level is LOG_LEVEL's, checked above."""
    with pytest.raises(SystemExit) as refused:
        build_parser().parse_args(["chat", flag])
    assert refused.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err
