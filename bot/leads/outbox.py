"""Nothing lost: callback requests that could not reach the database wait in a local outbox.

The outbox is a SQLite file on local disk (settings.outbox_path, var/outbox.sqlite by
default). SQLite commits are durable and atomic, so a parked request survives a crash or
restart; the primary key is the submission, so parking the same request twice keeps one
copy. `drain` writes parked requests through `store_lead`, which is idempotent, so a request
drained twice (two drainers, or a crash between the insert and the delete) still becomes
exactly one lead.
"""

import asyncio
import json
import logging
import sqlite3
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Optional

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from bot.db.models import Lead
from bot.leads.errors import LeadError
from bot.leads.store import LeadRequest, in_time, store_lead
from bot.settings import get_settings

# The database is down, unreachable or timing out (not: the request broke a constraint).
UNAVAILABLE = (OperationalError, InterfaceError)

logger = logging.getLogger(__name__)


class Outbox:
    def __init__(self, path: Optional[Path] = None):
        path = path or get_settings().outbox_path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS pending ("
                " conversation_id TEXT NOT NULL, submission_id TEXT NOT NULL,"
                " payload TEXT NOT NULL, parked_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
                " PRIMARY KEY (conversation_id, submission_id))"
            )

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    def park(self, request: LeadRequest) -> None:
        payload = {**asdict(request), "consent_at": request.consent_at.isoformat()}
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO pending (conversation_id, submission_id, payload)"
                " VALUES (?, ?, ?)",
                (request.conversation_id, request.submission_id, json.dumps(payload)),
            )

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM pending").fetchone()[0]

    def drain(self, sessions: sessionmaker) -> int:
        """Write parked requests to the database; stop at the first database error. Returns how
        many became leads (or joined the same request's lead)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT conversation_id, submission_id, payload FROM pending ORDER BY parked_at"
            ).fetchall()
        written = 0
        for conversation_id, submission_id, payload in rows:
            data = json.loads(payload)
            data["consent_at"] = datetime.fromisoformat(data["consent_at"])
            try:
                store_lead(sessions, LeadRequest(**data))
                written += 1
            except UNAVAILABLE:
                logger.warning(
                    "outbox: database still unavailable, %d request(s) wait", len(rows) - written
                )
                break
            except LeadError as refused:
                # Its conversation or client reached the limit while it waited: it will never
                # be stored, and must not hold up the requests behind it.
                logger.warning("outbox: a parked request was refused and removed: %s", refused)
            with self._connect() as db:
                db.execute(
                    "DELETE FROM pending WHERE conversation_id = ? AND submission_id = ?",
                    (conversation_id, submission_id),
                )
        return written


def submit(
    sessions: sessionmaker, outbox: Outbox, request: LeadRequest, deadline: Optional[float] = None
) -> Optional[Lead]:
    """Store the request and return its lead, or park it (None) when the database cannot be
    reached; either only before `deadline` (store_lead)."""
    try:
        lead, _ = store_lead(sessions, request, deadline)
        return lead
    except UNAVAILABLE:
        in_time(deadline)
        # No personal data in the log: only that a request was parked.
        logger.warning("database unavailable: callback request parked in the outbox")
        outbox.park(request)
        return None


async def drain_forever(outbox: Outbox, sessions: sessionmaker, interval_s: float) -> None:
    """Retry parked requests until the service stops (the web service runs this)."""
    while True:
        try:
            if outbox.count():
                written = await asyncio.to_thread(outbox.drain, sessions)
                if written:
                    logger.info("outbox: %d parked callback request(s) written", written)
        except Exception:  # keep retrying; the next round may succeed
            logger.exception("outbox: drain failed")
        await asyncio.sleep(interval_s)
