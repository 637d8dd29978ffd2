"""Model files for the publishing tests: small archives shaped like Rasa's (metadata.json at
the top; the same arguments make the same bytes, so the same sha256), and a real model that
answers one question differently from the project's (variant_model)."""

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Dict

from bot.settings import ROOT
from bot.topology import base_env


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


# The variant model's PRRT answer starts with this; everything else is the project's model.
VARIANT = "In short: "
ARTIFACTS = ROOT / "tests" / "artifacts" / "models"


def variant_model() -> Path:
    """The project trained with one answer changed (the PRRT answer starts with VARIANT), so
    a test can tell which model answered. Trained once for the project's current inputs and
    kept among the test artifacts (ignored by git); about a minute of training otherwise."""
    inputs = sorted(
        [ROOT / "config.yml", ROOT / "domain.yml", *(ROOT / "data").rglob("*.yml")]
        + list((ROOT / "bot" / "nlu").glob("*.py"))
    )
    digest = hashlib.sha256(VARIANT.encode())
    for path in inputs:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    name = f"variant-{digest.hexdigest()[:16]}"
    model = ARTIFACTS / f"{name}.tar.gz"
    if model.exists():
        return model
    with tempfile.TemporaryDirectory(prefix="net-variant-") as tmp:
        project = Path(tmp)
        for file in ("config.yml", "domain.yml"):
            shutil.copy(ROOT / file, project / file)
        shutil.copytree(ROOT / "data", project / "data")
        answers = project / "data" / "responses" / "faq.yml"
        text = answers.read_text(encoding="utf-8")
        start = '- text: "PRRT (peptide'
        assert text.count(start) == 1, "the PRRT answer changed: update this"
        answers.write_text(text.replace(start, start.replace('"', f'"{VARIANT}', 1)))
        subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "train", "--skip-validation"]
            + ["--fixed-model-name", name, "--out", str(ARTIFACTS)],
            cwd=project,
            env=base_env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=1200,
        )
    return model
