"""Whole conversations with the running bots, on the first-contact sets of tests/eval/
(`make bench` plays every part; `content retrain`'s gate the safety and name parts).

Each set was written by a writer who had never seen the training data and is never trained on
(tests/test_content.py). What is scored is what a visitor would see, over HTTP:
- safety: is a real emergency taken over (911/988 at once), and is a near miss answered
  rather than taken over? Also how often a near miss gets the safety line.
- names: typed at the name question (alone or inside a phrase), is exactly the name read
  back before anything is stored?
- follow-ups: after an answer, is a short follow-up ("is it painful?") answered for that
  topic (or with the honest default where the topic has no such content)?
- form completion: scripted callback conversations (corrections, questions, stop, consent),
  is exactly the expected lead stored, or nothing when nothing should be?
"""

import asyncio
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp
import yaml
from sqlalchemy import delete, select

from bot.db.engine import make_engine, session_factory
from bot.db.models import Lead
from bot.settings import ROOT, Settings

EVAL = ROOT / "tests" / "eval"
SET_FILES = ("safety.yml", "names.yml", "followups.yml", "conversations.yml")
PARALLEL = 8
# What the name check types after the name, to reach the read-back.
AFTER_NAME = ("617 555 0100", "skip", "any time", "not sure")
READ_BACK_NAME = re.compile(r"^- Name: (.*)$", re.MULTILINE)


def load(folder: Path, name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    return data


def responses() -> Dict[str, List[Dict[str, Any]]]:
    """Every response of the assistant, domain.yml plus data/, as Rasa loads them."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    loaded: Dict[str, List[Dict[str, Any]]] = importer.get_domain().responses
    return loaded


def _render(text: str) -> str:
    settings = Settings()
    for key in ("center_name", "center_phone", "center_hours"):
        text = text.replace("{" + key + "}", getattr(settings, key))
    return _squash(text)


def _squash(text: str) -> str:
    return " ".join(text.split())


def expected_variant(variants: List[Dict[str, Any]], slot: str, value: str) -> str:
    """The text a response gives when `slot` is `value`: its variant, or the default."""
    for variant in variants:
        if any(
            c.get("name") == slot and str(c.get("value")) == value
            for c in variant.get("condition") or []
        ):
            return _render(variant["text"])
    return _render(next(v["text"] for v in variants if not v.get("condition")))


class Chat:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url, self.sender = session, url, f"eval-{uuid.uuid4().hex}"

    async def say(self, text: str) -> str:
        async with self.session.post(self.url, json={"sender": self.sender, "message": text}) as r:
            replies = await r.json()
        return "\n".join(reply.get("text") or "" for reply in replies or [])


async def _each(url: str, items: Sequence[Any], play: Any) -> List[Any]:
    """Play every item in a fresh conversation, a few at a time."""
    limit = asyncio.Semaphore(PARALLEL)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:

        async def one(item: Any) -> Any:
            async with limit:
                return await play(Chat(session, url), item)

        return list(await asyncio.gather(*(one(item) for item in items)))


async def safety(url: str, folder: Path, emergency_text: str, line_text: str) -> Dict[str, Any]:
    sets = load(folder, "safety.yml")

    async def play(chat: Chat, text: str) -> str:
        reply = _squash(await chat.say(text))
        return "takeover" if emergency_text in reply else "line" if line_text in reply else "none"

    got = {
        kind: await _each(url, sets[kind], play) for kind in ("medical", "self_harm", "near_misses")
    }
    emergencies = got["medical"] + got["self_harm"]

    def share(values: List[str], wanted: str) -> float:
        return round(sum(v == wanted for v in values) / len(values), 4)

    return {
        "medical": len(got["medical"]),
        "self_harm": len(got["self_harm"]),
        "near_misses": len(got["near_misses"]),
        "emergency_recall": share(emergencies, "takeover"),
        "medical_recall": share(got["medical"], "takeover"),
        "self_harm_recall": share(got["self_harm"], "takeover"),
        "false_takeover_rate": share(got["near_misses"], "takeover"),
        "near_miss_safety_line_rate": share(got["near_misses"], "line"),
        "missed": [
            t
            for t, g in zip(sets["medical"] + sets["self_harm"], emergencies, strict=True)
            if g != "takeover"
        ],
        "taken_over": [
            t
            for t, g in zip(sets["near_misses"], got["near_misses"], strict=True)
            if g == "takeover"
        ],
    }


async def names(url: str, folder: Path) -> Dict[str, Any]:
    entries = load(folder, "names.yml")["names"]

    async def play(chat: Chat, entry: Dict[str, str]) -> Optional[str]:
        await chat.say("I'd like an appointment")
        await chat.say(entry["typed"])
        reply = ""
        for text in AFTER_NAME:
            reply = await chat.say(text)
        found = READ_BACK_NAME.search(reply)
        return found.group(1).strip() if found else None

    got = await _each(url, entries, play)
    wrong = [(e["typed"], g) for e, g in zip(entries, got, strict=True) if g != e["name"]]
    return {
        "names": len(entries),
        "stored_exactly": round(1 - len(wrong) / len(entries), 4),
        "wrong": wrong,
    }


async def followups(
    url: str, folder: Path, variants: Dict[str, List[Dict[str, Any]]]
) -> Dict[str, Any]:
    entries = load(folder, "followups.yml")["followups"]

    def expected(entry: Dict[str, str]) -> str:
        aspect = entry["aspect"]
        if aspect.startswith("site:"):
            return expected_variant(variants["utter_ask_about_site"], "site", aspect[5:])
        return expected_variant(variants[f"utter_ask_{aspect}"], "last_topic", entry["topic"])

    async def play(chat: Chat, entry: Dict[str, str]) -> bool:
        await chat.say(entry["first"])
        return expected(entry) in _squash(await chat.say(entry["followup"]))

    got = await _each(url, entries, play)
    by_aspect: Counter = Counter()
    totals: Counter = Counter()
    for entry, right in zip(entries, got, strict=True):
        aspect = entry["aspect"].split(":")[0]
        totals[aspect] += 1
        by_aspect[aspect] += right
    return {
        "followups": len(entries),
        "answered_for_the_topic": round(sum(got) / len(got), 4),
        "by_aspect": {a: round(by_aspect[a] / totals[a], 4) for a in sorted(totals)},
        "wrong": [(e["first"], e["followup"]) for e, r in zip(entries, got, strict=True) if not r],
    }


FIELDS = ("reason", "name", "phone", "email", "preferred_time", "diagnosis_status")


async def forms(url: str, folder: Path, database_url: str) -> Dict[str, Any]:
    conversations = load(folder, "conversations.yml")["conversations"]

    async def play(chat: Chat, conversation: Dict[str, Any]) -> str:
        for turn in conversation["turns"]:
            await chat.say(turn)
        return chat.sender

    senders = await _each(url, conversations, play)
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            stored = {
                lead.conversation_id: lead
                for lead in session.execute(
                    select(Lead).where(Lead.conversation_id.in_(senders))
                ).scalars()
            }
            # The next bot plays the same conversations, and other sets repeat some numbers:
            # left here, their requests would be merged into these (bot/leads/store.py).
            session.execute(delete(Lead).where(Lead.conversation_id.in_(senders)))
            session.commit()
    finally:
        engine.dispose()
    right, wrong = 0, []
    for conversation, sender in zip(conversations, senders, strict=True):
        outcome = _compare(conversation["expect"], stored.get(sender))
        right += outcome is None
        if outcome:
            wrong.append((conversation["id"], outcome))
    return {
        "conversations": len(conversations),
        "completed_as_expected": round(right / len(conversations), 4),
        "wrong": wrong,
    }


def _compare(expect: Dict[str, Any], lead: Optional[Lead]) -> Optional[str]:
    """None when the outcome is the expected one, else what differs."""
    if not expect.get("stored"):
        return None if lead is None else "stored, though nothing should be"
    if lead is None:
        return "nothing stored"
    differs: List[Tuple[str, Any, Any]] = [
        (field, expect.get(field), getattr(lead, field))
        for field in FIELDS
        if str(expect.get(field)) != str(getattr(lead, field))
    ]
    return "; ".join(f"{f}: expected {e!r}, got {g!r}" for f, e, g in differs) or None


def sets(folder: Path = EVAL) -> List[Path]:
    """Every complete first-contact set, in the order they were written (a, b, ...)."""
    return sorted(p for p in folder.iterdir() if all((p / n).exists() for n in SET_FILES))


def safety_texts(variants: Dict[str, List[Dict[str, Any]]]) -> Tuple[str, str]:
    """How a takeover and a safety line read, as the visitor sees them."""
    return (
        _render(variants["utter_emergency"][0]["text"]),
        _render(variants["utter_safety_line"][0]["text"]),
    )


def evaluate(urls: Dict[str, str], database_url: str) -> Dict[str, Dict[str, Any]]:
    """{set: {bot: {part: scores}}} for every set in tests/eval/."""
    variants = responses()
    emergency, line = safety_texts(variants)

    async def one_set(url: str, folder: Path) -> Dict[str, Any]:
        return {
            "safety": await safety(url, folder, emergency, line),
            "names": await names(url, folder),
            "followups": await followups(url, folder, variants),
            "forms": await forms(url, folder, database_url),
        }

    return {
        folder.name: {name: asyncio.run(one_set(url, folder)) for name, url in urls.items()}
        for folder in sets()
    }
