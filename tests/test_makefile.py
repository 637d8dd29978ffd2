"""The Makefile: the two commands a new user runs, and what they say when something is missing."""

import subprocess

from bot.settings import ROOT


def test_make_explains_a_missing_python(tmp_path):
    result = subprocess.run(
        ["make", "install", "PYTHON=", f"VENV={tmp_path}/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Python 3.10 not found" in result.stdout + result.stderr
