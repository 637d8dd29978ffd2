"""Waiting for something to become true, with a deadline: never a bare sleep, never forever."""

import time
from typing import Callable


def wait_until(
    condition: Callable[[], object],
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "the condition",
) -> None:
    """Poll `condition` until it is true; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)
