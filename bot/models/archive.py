"""What a file must be to be published: a model `rasa train` wrote, for this Rasa release.

A Rasa server loads whatever the model route gives it, and loading a model runs its code
(CVE-2024-49375 was a crafted model), so only archives that look like Rasa's own are taken,
and they are kept and served under their sha256.
"""

import gzip
import hashlib
import json
import tarfile
import zlib
from pathlib import Path
from typing import IO, Tuple

# Rasa 3.6.21 refuses models trained by an earlier release (rasa/constants.py
# MINIMUM_COMPATIBLE_VERSION); finding it here says so before anything is published.
MINIMUM_RASA_VERSION = (3, 6, 21)
METADATA = "metadata.json"
CHUNK = 1 << 20


class NotAModel(ValueError):
    """The file is not a Rasa model this server can load; the message says why, plainly."""


def read_version(path: Path) -> str:
    """The Rasa version that trained the model at `path`, after checking it is one."""
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            member = next((m for m in archive if m.name.lstrip("./") == METADATA), None)
            stream = archive.extractfile(member) if member is not None and member.isfile() else None
            if stream is None:
                raise NotAModel(f"{path.name} is an archive without {METADATA}: not a Rasa model")
            metadata = json.load(stream)
    except (tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError) as error:
        raise NotAModel(f"{path.name} is not a .tar.gz archive ({error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NotAModel(f"{path.name}: its {METADATA} is not JSON: not a Rasa model") from None
    version = metadata.get("rasa_open_source_version") if isinstance(metadata, dict) else None
    if not isinstance(version, str):
        raise NotAModel(f"{path.name}: its {METADATA} names no Rasa version: not a Rasa model")
    if _release(version) < MINIMUM_RASA_VERSION:
        wanted = ".".join(map(str, MINIMUM_RASA_VERSION))
        raise NotAModel(
            f"{path.name} was trained by Rasa {version}; the servers run models of {wanted} "
            "or later: train it again (make train)"
        )
    return version


def _release(version: str) -> Tuple[int, ...]:
    numbers = []
    for part in version.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit())
        numbers.append(int(digits) if digits else 0)
    return tuple(numbers)


def copy_hashed(source: IO[bytes], target: IO[bytes]) -> str:
    """Copy `source` to `target`; the sha256 of exactly the bytes written."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
