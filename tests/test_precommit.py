"""The pre-commit hooks really block what they promise, run as git runs them."""

import os
import shutil
import subprocess

import pytest

from bot.settings import ROOT


def git(repo, *argv):
    return subprocess.run(
        ["git", *argv],
        cwd=repo,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        },
    )


@pytest.fixture
def repo(tmp_path):
    """A new git repository with this project's hook config and venv, hooks installed."""
    git(tmp_path, "init", "-q")
    shutil.copy(ROOT / ".pre-commit-config.yaml", tmp_path)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / ".gitignore").write_text(".venv\n")
    installed = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pre-commit"), "install"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr
    return tmp_path


def test_a_large_file_is_refused(repo):
    (repo / "model.tar.gz").write_bytes(os.urandom(600 * 1024))
    git(repo, "add", "model.tar.gz", ".gitignore", ".pre-commit-config.yaml")
    refused = git(repo, "commit", "-m", "add a model")
    assert refused.returncode != 0
    assert "model.tar.gz" in refused.stdout + refused.stderr


def test_python_that_fails_lint_is_refused_and_clean_python_passes(repo):
    (repo / "bad.py").write_text("import os\n")  # an unused import
    git(repo, "add", ".")
    refused = git(repo, "commit", "-m", "bad")
    assert refused.returncode != 0 and "F401" in refused.stdout + refused.stderr
    (repo / "bad.py").write_text('"""Fine."""\n\nVALUE = 1\n')
    git(repo, "add", ".")
    accepted = git(repo, "commit", "-m", "good")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
