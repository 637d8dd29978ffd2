"""Which trained model the Rasa servers run: publishing one, rolling back, and the live file.

The Rasa servers pull the live model from the web service (Rasa's model server mechanism:
`models:` in endpoints.yml, bot/web/routes/models.py), so a publication reaches every replica
within one pull interval, and each swaps it in without a restart, keeping its conversations.

A published file is copied into the published directory under its sha256 (the copy is
hashed as it is written, so the name is the content's) and never changed or deleted while
a publication names it. Each publication is a row; exactly one is live (a unique index holds
even against two publishers at once). A rollback withdraws the live publication and makes
the one before it live again; withdrawn publications are skipped by later rollbacks, so
pressing it twice goes two models back. Every publication and rollback is audited in the
same transaction (bot/leads/audit.py).

At start (`adopt`), the model `make train` wrote is published only if its sha256 has never
been published: a fresh clone runs its newest trained model, and a restart does not bring
back a model that was rolled back.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine, session_factory
from bot.db.models import ModelPublication, utcnow
from bot.leads.audit import record
from bot.models.archive import NotAModel, copy_hashed, read_version, sha256_of
from bot.settings import get_settings

# Who publishes the trained model when the web service starts (adopt).
STARTUP_ACTOR = "startup"
ACTOR_CHARS = 64
FILE_NAME_CHARS = 255


class PublishRefused(Exception):
    """A publication or rollback that cannot be done; the message says why, plainly."""


@dataclass(frozen=True)
class Publication:
    id: int
    file_name: str
    sha256: str
    actor: str
    published_at: datetime
    gate: Optional[Dict[str, Any]]
    live: bool
    withdrawn_at: Optional[datetime]

    @property
    def verdict(self) -> str:
        """The quality gate's verdict as people read it."""
        return gate_verdict(self.gate)


def gate_verdict(gate: Optional[Dict[str, Any]]) -> str:
    """`passed`, `refused` or `not gated`, from the gate results' `passed` (true or false)."""
    if gate is None:
        return "not gated"
    passed = gate.get("passed")
    if passed is True:
        return "passed"
    if passed is False:
        return "refused"
    return "no verdict"


def _publication(row: ModelPublication) -> Publication:
    return Publication(
        id=row.id,
        file_name=row.file_name,
        sha256=row.sha256,
        actor=row.actor,
        published_at=row.published_at,
        gate=json.loads(row.gate) if row.gate else None,
        live=row.live,
        withdrawn_at=row.withdrawn_at,
    )


class Registry:
    """The publications in a database and their files in `directory`."""

    def __init__(self, sessions: sessionmaker, directory: Path) -> None:
        self.sessions = sessions
        self.directory = directory

    def path_of(self, sha256: str) -> Path:
        return self.directory / f"{sha256}.tar.gz"

    def publish(self, path: Path, actor: str, gate: Optional[Dict[str, Any]] = None) -> Publication:
        """Make the model at `path` live. `gate` is the quality gate's results (JSON-able,
        `passed` true or false), kept with the publication; a model the gate refused is not
        published."""
        path = Path(path)
        if not path.is_file():
            raise PublishRefused(f"no model file at {path}")
        try:
            read_version(path)
        except NotAModel as refused:
            raise PublishRefused(str(refused)) from None
        gate_json = _gate_json(gate)
        if gate_verdict(gate) == "refused":
            raise PublishRefused(
                f"the quality gate refused {path.name}: it is not published (its report says why)"
            )
        sha256 = self._store(path)
        try:
            with self.sessions.begin() as session:
                live = _live(session)
                if live is not None and live.sha256 == sha256:
                    raise PublishRefused(
                        f"{path.name} is already the live model (publication #{live.id})"
                    )
                if live is not None:
                    live.live = False
                    session.flush()  # the old row leaves the one-live index first
                row = ModelPublication(
                    file_name=path.name[:FILE_NAME_CHARS],
                    sha256=sha256,
                    actor=actor[:ACTOR_CHARS],
                    published_at=utcnow(),
                    gate=gate_json,
                    live=True,
                )
                session.add(row)
                session.flush()
                record(
                    session,
                    actor,
                    "model_publish",
                    detail=f"#{row.id} {_describe(row)}; gate {gate_verdict(gate)}",
                )
                return _publication(row)
        except IntegrityError:
            raise PublishRefused(
                "another model was made live at the same moment: look at the list "
                "(python -m bot content models) and try again"
            ) from None

    def rollback(self, actor: str) -> Publication:
        """Withdraw the live model and bring back the one published before it; that one."""
        try:
            with self.sessions.begin() as session:
                live = _live(session)
                if live is None:
                    raise PublishRefused("no model is live: there is nothing to roll back")
                previous = session.execute(
                    select(ModelPublication)
                    .where(ModelPublication.id < live.id, ModelPublication.withdrawn_at.is_(None))
                    .order_by(ModelPublication.id.desc())
                    .limit(1)
                ).scalar_one_or_none()
                if previous is None:
                    raise PublishRefused(
                        f"nothing to roll back to: publication #{live.id} is the only model "
                        "left that was not withdrawn"
                    )
                if not self.path_of(previous.sha256).is_file():
                    raise PublishRefused(
                        f"the file of publication #{previous.id} is missing from "
                        f"{self.directory}: publish a model instead"
                    )
                live.live = False
                live.withdrawn_at = utcnow()
                session.flush()
                previous.live = True
                restored = _publication(previous)
                record(
                    session,
                    actor,
                    "model_rollback",
                    detail=f"#{live.id} withdrawn; #{previous.id} {_describe(previous)} live; "
                    f"gate {restored.verdict}",
                )
                return restored
        except IntegrityError:
            raise PublishRefused(
                "another model was made live at the same moment: look at the list and try again"
            ) from None

    def current(self) -> Optional[Publication]:
        with self.sessions() as session:
            live = _live(session)
            return _publication(live) if live is not None else None

    def publications(self) -> List[Publication]:
        """Newest first."""
        with self.sessions() as session:
            rows = session.execute(
                select(ModelPublication).order_by(ModelPublication.id.desc())
            ).scalars()
            return [_publication(row) for row in rows]

    def live_file(self) -> Optional[Path]:
        """The live model's file, or None when no model is live or its file is missing."""
        live = self.current()
        if live is None:
            return None
        path = self.path_of(live.sha256)
        return path if path.is_file() else None

    def adopt(self, path: Path) -> Optional[Publication]:
        """Publish the trained model at `path` if its sha256 was never published (and put its
        file back if a publication names it and the file went missing); None otherwise."""
        path = Path(path)
        if not path.is_file():
            return None
        sha256 = sha256_of(path)
        with self.sessions() as session:
            known = session.execute(
                select(ModelPublication.id).where(ModelPublication.sha256 == sha256).limit(1)
            ).first()
        if known is not None:
            if not self.path_of(sha256).is_file():
                self._store(path)
            return None
        return self.publish(path, STARTUP_ACTOR)

    def _store(self, path: Path) -> str:
        """Copy the file in under its sha256 (atomically: a reader never sees half a file)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".partial")
        try:
            with path.open("rb") as source, os.fdopen(handle, "wb") as target:
                sha256 = copy_hashed(source, target)
                target.flush()
                os.fsync(target.fileno())
            os.chmod(partial, 0o640)
            os.replace(partial, self.path_of(sha256))
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return sha256


def _live(session: Session) -> Optional[ModelPublication]:
    query = select(ModelPublication).where(ModelPublication.live.is_(True))
    live: Optional[ModelPublication] = session.execute(query).scalar_one_or_none()
    return live


def _describe(row: ModelPublication) -> str:
    return f"{row.file_name[:80]} sha256 {row.sha256[:12]}"


def _gate_json(gate: Optional[Dict[str, Any]]) -> Optional[str]:
    if gate is None:
        return None
    if not isinstance(gate, dict):
        raise PublishRefused("the gate results must be a JSON object")
    try:
        return json.dumps(gate, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise PublishRefused(f"the gate results are not JSON ({error})") from None


@contextmanager
def registry() -> Iterator[Registry]:
    """The registry of this deployment's settings (DATABASE_URL, PUBLISHED_MODELS_DIR)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        yield Registry(session_factory(engine), settings.published_models_dir)
    finally:
        engine.dispose()


def publish(path: Path, actor: str, gate: Optional[Dict[str, Any]] = None) -> Publication:
    """Make the model at `path` live for every Rasa server (`make retrain` calls this)."""
    with registry() as models:
        return models.publish(path, actor, gate)


def rollback(actor: str) -> Publication:
    with registry() as models:
        return models.rollback(actor)


def current() -> Optional[Publication]:
    with registry() as models:
        return models.current()
