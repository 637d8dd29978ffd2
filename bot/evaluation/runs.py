"""The retrain runs kept under reports/: their folders, names and files, for the report
writer and the staff app's reports page.

A run's name comes from a URL on the staff app: it is checked against the one shape
`content retrain` gives names (UTC time, then a count), and only the report's own files are
served, so no name can reach outside the folder.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

REPORT, STYLE, PLOT, GATE = "report.html", "report.css", "confusion.png", "gate.json"
# The files of a run folder the staff app may serve, and their media types.
FILES = {
    REPORT: "text/html; charset=utf-8",
    STYLE: "text/css",
    PLOT: "image/png",
    GATE: "application/json",
}
RUN_ID = re.compile(r"^\d{8}-\d{6}(-\d{1,4})?$")


@dataclass(frozen=True)
class Run:
    """One run as the list shows it (verdict "unreadable" when gate.json cannot be read)."""

    run_id: str
    verdict: str
    started: str
    candidate: str
    reasons: List[str]


def run_file(reports: Path, run_id: str, name: str) -> Optional[Path]:
    """The file `name` of run `run_id`, or None when either is not one of ours or is missing."""
    if not RUN_ID.match(run_id) or name not in FILES:
        return None
    path = reports / run_id / name
    return path if path.is_file() else None


def list_runs(reports: Path) -> List[Run]:
    """Every run with a report, newest first."""
    if not reports.is_dir():
        return []
    found = []
    for folder in sorted(reports.iterdir(), reverse=True):
        if not RUN_ID.match(folder.name) or not (folder / REPORT).is_file():
            continue
        try:
            gate = json.loads((folder / GATE).read_text(encoding="utf-8"))
            found.append(
                Run(
                    folder.name,
                    str(gate["verdict"]),
                    str(gate["started"]),
                    str(gate["candidate"]),
                    [str(r) for r in gate.get("reasons") or []],
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            found.append(Run(folder.name, "unreadable", "", "", []))
    return found
