"""Running `python -m bot ...` as a staff member would, in a child process."""

import os
import subprocess
import sys
from typing import Dict

from bot.settings import ROOT


def bot_command(
    *argv: str, database_url: str, stdin: str = "", env: Dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url, **(env or {})},
        timeout=120,
    )
