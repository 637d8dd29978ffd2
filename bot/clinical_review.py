"""A reviewer's decision on an answer, written to the answer's file and audited together.

The audit entry is added first and committed only once the file is written; a commit that
fails after the write puts the file back as it was, so there is never an unaudited approval in
the files nor an audited one that is not there. The file's text is the one the reviewer read
(bot/content/approval.py refuses otherwise).
"""

import datetime as dt
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import sessionmaker

from bot.content.approval import AnswerRef, answers_file, approve, send_back
from bot.content.catalog import Answer
from bot.leads.audit import record
from bot.staff.accounts import Staff

APPROVED_ACTION = "answer_approved"
SENT_BACK_ACTION = "answer_sent_back"


def approve_answer(
    sessions: sessionmaker, staff: Staff, root: Path, ref: AnswerRef, seen: str, today: dt.date
) -> Answer:
    return _audited(
        sessions,
        staff,
        APPROVED_ACTION,
        ref,
        root,
        lambda: approve(root, ref, seen, staff.username, today),
    )


def send_back_answer(
    sessions: sessionmaker,
    staff: Staff,
    root: Path,
    ref: AnswerRef,
    seen: str,
    comment: str,
    today: dt.date,
) -> Answer:
    return _audited(
        sessions,
        staff,
        SENT_BACK_ACTION,
        ref,
        root,
        lambda: send_back(root, ref, seen, staff.username, comment, today),
    )


def _audited(
    sessions: sessionmaker,
    staff: Staff,
    action: str,
    ref: AnswerRef,
    root: Path,
    decide: Callable[[], Answer],
) -> Answer:
    if not staff.can_review:
        raise PermissionError("only reviewers and admins decide on answers")
    with sessions() as session:
        record(session, staff.username, action, detail=str(ref))
        session.flush()  # the database takes the entry before the file changes
        path = answers_file(root, ref.file)
        before = path.read_bytes()
        answer = decide()
        try:
            session.commit()
        except BaseException:
            path.write_bytes(before)
            raise
        return answer
