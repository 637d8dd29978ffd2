"""What `content check` found, as data: the command line prints it, an admin page can show it.

Errors stop `make train` (the assistant would answer wrongly or not at all); warnings are
listed and let it go on (work to plan, such as answers awaiting clinical review).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Union

from bot.content.review import AWAITING_KINDS
from bot.settings import ROOT

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR or WARNING
    file: str  # relative to the project, e.g. data/nlu/faq.yml; "" for the project as a whole
    line: int  # 1-based; 0 when the problem has no single line
    message: str  # a sentence the content team can act on
    kind: str = ""  # a short name of the check, to group or filter (e.g. "awaiting-review")

    @property
    def where(self) -> str:
        if not self.file:
            return "project"
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


def relative(path: Union[Path, str, None], root: Path = ROOT) -> str:
    """The path as the content team sees it: from the project's folder."""
    if path is None:
        return ""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def error(path: Union[Path, str, None], line: int, message: str, kind: str, root: Path) -> Finding:
    return Finding(ERROR, relative(path, root), line, message, kind)


def warning(
    path: Union[Path, str, None], line: int, message: str, kind: str, root: Path
) -> Finding:
    return Finding(WARNING, relative(path, root), line, message, kind)


def errors(findings: Iterable[Finding]) -> List[Finding]:
    return [f for f in findings if f.severity == ERROR]


def summary(findings: List[Finding], rasa_skipped: Optional[bool] = None) -> str:
    """One line: how many errors and warnings, and what to do next."""
    n_errors = len(errors(findings))
    n_warnings = len(findings) - n_errors
    reviews = sum(1 for f in findings if f.kind in AWAITING_KINDS)
    parts = [f"{n_errors} error(s)", f"{n_warnings} warning(s)"]
    if reviews:
        parts[-1] += f", {reviews} of them answers awaiting clinical review"
    verdict = "fix the errors above, then run it again" if n_errors else "OK to train"
    note = " (Rasa's validation skipped)" if rasa_skipped else ""
    return f"content check: {'; '.join(parts)}: {verdict}{note}"
