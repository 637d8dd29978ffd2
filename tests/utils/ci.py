"""What a test needs from the machine: skipped with the reason on a developer's machine that
lacks it, a failure in CI (CI=true), where every such service and tool must be present."""

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, reason: str) -> None:
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this must be present in CI)")
    pytest.skip(reason)
