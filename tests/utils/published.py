"""Model files for the publishing tests: small archives shaped like Rasa's (metadata.json at
the top). The same arguments make the same bytes (no time stamps), so the same sha256."""

import gzip
import io
import json
import tarfile
from pathlib import Path
from typing import Dict


def tar_gz(members: Dict[str, bytes]) -> bytes:
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(plain.getvalue(), mtime=0)


def model_file(path: Path, marker: str = "a", version: str = "3.6.21") -> Path:
    """A .tar.gz with Rasa's metadata.json (`version`) and a component file holding `marker`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = json.dumps({"rasa_open_source_version": version}).encode()
    path.write_bytes(tar_gz({"metadata.json": metadata, "components/marker.txt": marker.encode()}))
    return path
