"""HAProxy's own check of a proxy config (deploy/haproxy.cfg, deploy/k8s/haproxy.cfg), with a
throw-away certificate where the real one goes."""

import shutil
import subprocess
from pathlib import Path

from tests.utils.ci import require


def haproxy_check(config: str, cert_path: str, tmp_path: Path, key_beside: bool = False) -> None:
    """The key inside the certificate's PEM, or beside it as PEM.key (as Kubernetes mounts a
    TLS Secret for deploy/k8s)."""
    require(shutil.which("haproxy") is not None, "haproxy is not installed (make haproxy)")
    require(shutil.which("openssl") is not None, "openssl is not installed")
    pem, key = tmp_path / "site.pem", tmp_path / "site.pem.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(pem)],
        check=True,
        capture_output=True,
    )
    if not key_beside:
        pem.write_text(pem.read_text() + key.read_text())
        key.unlink()
    local = tmp_path / "haproxy.cfg"
    local.write_text(config.replace(cert_path, str(pem)))
    checked = subprocess.run(["haproxy", "-c", "-f", str(local)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
