"""The real local topology (Rasa server, action server, web service) on ports of its own,
with a database and an outbox of its own, started once for the e2e tests of a module."""

import pytest

from bot.db import migrate
from bot.topology import MODEL, Topology, services
from tests.utils.chat import SETTINGS, Visitor


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def topology(request, tmp_path_factory, monkeypatch_module):
    """A module may set settings of its own topology in TOPOLOGY_ENV (e.g. flood caps)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    for key in ("CENTER_PHONE", "CENTER_NAME", "CENTER_HOURS"):
        monkeypatch_module.setenv(key, getattr(SETTINGS, key.lower()))
    for key, value in getattr(request.module, "TOPOLOGY_ENV", {}).items():
        monkeypatch_module.setenv(key, value)
    run_dir = tmp_path_factory.mktemp("topology")
    # A database and an outbox of the test's own, migrated as `make run` does.
    monkeypatch_module.setenv("DATABASE_URL", f"sqlite:///{run_dir / 'leads.db'}")
    monkeypatch_module.setenv("OUTBOX_PATH", str(run_dir / "outbox.sqlite"))
    migrate.upgrade(f"sqlite:///{run_dir / 'leads.db'}")
    with Topology(services(SETTINGS, run_dir), run_dir / "logs") as running:
        yield running


@pytest.fixture
def visitor(topology):
    return Visitor()
