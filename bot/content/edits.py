"""Changing a content file the way its editor would: a few lines, and nothing else.

A YAML round trip (ruamel.yaml) would re-indent or re-wrap other people's lines, and the files
carry comments that explain the data. So an edit works on the file's lines, and its result is
parsed again: it must be exactly the old content with the intended change, or nothing is
written. Used for a training example added from an unanswered message (bot/unanswered/) and a
reviewer's decision on an answer (bot/content/approval.py).
"""

import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, List

import yaml

# The web service runs requests in threads: one edit at a time reads, checks and writes.
_lock = threading.Lock()


class EditRefused(ValueError):
    """Why the file was left as it was, in words for the person who asked."""


def newline_of(lines: List[str]) -> str:
    """The file's own line ending, for the lines an edit adds."""
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def rewrite(
    path: Path,
    edit: Callable[[str], str],
    expected: Callable[[Any], Any],
    refused: EditRefused,
) -> None:
    """Write `edit(text)` to `path` if it parses to `expected(the old content)`; raise
    `refused` if it does not. `edit` reads the file as it is now (line endings included) and
    may raise its own EditRefused. The file is replaced whole, so a reader never sees half."""
    with _lock:
        before = path.read_bytes().decode("utf-8")
        after = edit(before)
        try:
            matches = yaml.safe_load(after) == expected(yaml.safe_load(before))
        except Exception:  # what cannot be verified is not written
            matches = False
        if not matches:
            raise refused
        try:
            _replace(path, after)
        except OSError as error:
            raise EditRefused(
                f"{path.name} cannot be written here ({error.strerror or error}): nothing was "
                "changed. Files are written on the content team's copy of the project "
                "(docs/operations.md), not in the production containers."
            ) from None


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
