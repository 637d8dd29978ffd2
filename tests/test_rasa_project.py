"""Rasa's own checks: data validation and the conversation tests against the trained model."""

import subprocess

import pytest

from bot.settings import ROOT
from bot.topology import BIN, MODEL, base_env


def rasa(*args, cwd=ROOT):
    return subprocess.run(
        [str(BIN / "rasa"), *args], cwd=cwd, env=base_env(), capture_output=True, text=True
    )


def test_data_validates_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def model():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    return MODEL


def test_conversation_stories_pass(model, tmp_path):
    result = rasa(
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        "tests/stories",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, detail
