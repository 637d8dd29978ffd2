"""The action server as the topology starts it (`python -m bot actions`), over HTTP: only
calls that carry the shared secret run, and a body that is too large or no action call is
refused before any action sees it."""

import http.client
import json
import re
import time
import urllib.error
import urllib.request
import zlib
from datetime import date
from typing import Any, Dict, Optional, Tuple

import pytest
from sqlalchemy import select, text

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.db.models import DailyCount
from bot.leads.outbox import Outbox
from bot.leads.store import list_leads
from bot.settings import ROOT, Settings
from bot.topology import Topology, services, write_endpoints
from tests.utils.http import send
from tests.utils.sdk import DETAILS, submit_call
from tests.utils.servers import free_port

pytestmark = pytest.mark.server

TOKEN = "test-action-token"
SETTINGS = Settings(action_port=free_port(), action_server_token=TOKEN)
URL = SETTINGS.action_server_url
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("actions")
    database_url = f"sqlite:///{run_dir / 'leads.db'}"
    migrate.upgrade(database_url)
    with pytest.MonkeyPatch.context() as patch:
        # The server reads these from its environment, as every process of the topology.
        patch.setenv("DATABASE_URL", database_url)
        patch.setenv("OUTBOX_PATH", str(run_dir / "outbox.sqlite"))
        [actions] = [s for s in services(SETTINGS, run_dir) if s.name == "actions"]
        with Topology([actions], run_dir / "logs"):
            engine = make_engine(database_url)
            yield {
                "sessions": session_factory(engine),
                "outbox": Outbox(run_dir / "outbox.sqlite"),
                "logs": run_dir / "logs",
            }
            engine.dispose()


def call(
    body: Any, headers: Optional[Dict[str, str]] = None, path: str = "/webhook"
) -> Tuple[int, Any]:
    status, _, answer = send(f"{URL}{path}", body, headers, timeout=30)
    return status, answer


def stored(server, conversation: str) -> int:
    """Leads and parked requests of one conversation."""
    leads = [x for x in list_leads(server["sessions"]) if x.conversation_id == conversation]
    return len(leads) + server["outbox"].count()


def test_the_health_check_needs_no_secret(server):
    with urllib.request.urlopen(f"{URL}/health", timeout=10) as response:
        assert response.status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": TOKEN},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer "},
        {"X-Action-Token": TOKEN},
    ],
    ids=["none", "wrong", "no-scheme", "longer", "empty", "other-header"],
)
def test_a_call_without_the_secret_is_refused_and_stores_nothing(server, headers):
    status, answer = call(submit_call(sender_id="forged"), headers)
    assert (status, answer) == (401, {"error": "unauthorized"})
    assert stored(server, "forged") == 0
    # Nor may it list the actions.
    request = urllib.request.Request(f"{URL}/actions", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401


def test_with_the_secret_the_call_runs(server):
    status, answer = call(submit_call(sender_id="with-secret"), AUTHORIZED)
    assert status == 200
    assert [r["response"] for r in answer["responses"]] == ["utter_callback_stored"]
    assert stored(server, "with-secret") == 1


def test_a_call_the_rasa_server_stopped_waiting_for_is_refused_unrun(server):
    """A stalled action server catching up on a call whose visitor was told it failed."""
    late = time.time() - SETTINGS.action_call_timeout_s
    status, answer = call(submit_call(sender_id="late", consented_at=late), AUTHORIZED)
    assert (status, answer) == (408, {"error": "the call came too late"})
    assert stored(server, "late") == 0
    # A session start carries only the old session's events, and is run all the same.
    start = submit_call(sender_id="late", consented_at=late)
    assert call({**start, "next_action": "action_session_start"}, AUTHORIZED)[0] == 200


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"\xff\xfe",
        [1, 2],
        "a string",
        {},
        {"tracker": {"sender_id": "x"}},
        {"next_action": "", "tracker": {"sender_id": "x"}},
        {"next_action": 7, "tracker": {"sender_id": "x"}},
        {"next_action": "action_submit_callback"},
        {"next_action": "action_submit_callback", "tracker": [1]},
        {"next_action": "action_submit_callback", "tracker": {"slots": {}}},
    ],
)
def test_a_body_that_is_no_action_call_is_refused(server, body):
    status, answer = call(body, AUTHORIZED)
    assert status == 400 and answer["error"]


def test_a_compressed_body_is_refused_unread(server):
    body = zlib.compress(json.dumps(submit_call(sender_id="deflated")).encode())
    status, answer = call(body, {**AUTHORIZED, "Content-Encoding": "deflate"})
    assert status == 400 and "compressed" in answer["error"]
    assert stored(server, "deflated") == 0


def announce_huge_body(headers: Dict[str, str], chunked: bool) -> int:
    """The status of a call whose body is announced one byte over the limit, as a length or
    as a chunk, and not sent: the server must refuse it without reading it."""
    over = SETTINGS.action_server_max_body_bytes + 1
    connection = http.client.HTTPConnection(SETTINGS.host, SETTINGS.action_port, timeout=30)
    try:
        connection.putrequest("POST", "/webhook")
        for name, value in {"Content-Type": "application/json", **headers}.items():
            connection.putheader(name, value)
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders(f"{over:x}\r\n{{".encode())
        else:
            connection.putheader("Content-Length", str(over))
            connection.endheaders(b"{")
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("headers", [{}, AUTHORIZED], ids=["without-secret", "with-secret"])
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_huge_body_is_refused_and_the_server_stays_up(server, headers, chunked):
    assert announce_huge_body(headers, chunked) == 413
    assert call(submit_call(sender_id="after-huge"), AUTHORIZED)[0] == 200


def test_a_failing_action_answers_without_echoing_the_call(server):
    """A call the action cannot run (a consented form without details) is a 500 that
    carries nothing the visitor typed; the SDK's own answer repeated the whole body."""
    body = submit_call(sender_id="broken")
    body["tracker"]["slots"] = {"consent": True, "caller_name": "Zelda Quixote"}
    status, answer = call(body, AUTHORIZED)
    assert status == 500
    assert "Zelda" not in json.dumps(answer)
    logs = "".join(p.read_text(errors="replace") for p in server["logs"].glob("*.log"))
    assert "action_submit_callback failed with KeyError" in logs
    assert "Zelda" not in logs and DETAILS["phone"][2:] not in logs


def test_answers_and_log_lines_carry_the_request_id(server):
    refused = send(f"{URL}/webhook", submit_call(sender_id="x"), {"X-Request-ID": "act-401"})
    assert (refused[0], refused[1]["X-Request-ID"]) == (401, "act-401")
    body = submit_call(sender_id="broken-with-id")
    body["tracker"]["slots"] = {"consent": True}
    status, headers, _ = send(f"{URL}/webhook", body, {**AUTHORIZED, "X-Request-ID": "act-500"})
    assert (status, headers["X-Request-ID"]) == (500, "act-500")
    logs = "".join(p.read_text(errors="replace") for p in server["logs"].glob("*.log"))
    [line] = [line for line in logs.splitlines() if "request_id=act-500" in line]
    assert "failed with KeyError" in line and "service=actions" in line


@pytest.mark.parametrize("name", ["endpoints.yml", "deploy/endpoints.production.yml", None])
def test_rasa_sends_the_secret_from_its_environment(name, monkeypatch, tmp_path):
    """Each endpoints file (the local one, production's, the topology's) names the variable,
    not the secret, and Rasa fills it in, for the action calls and the analytics counts."""
    from rasa.utils.endpoints import read_endpoint_config

    endpoints = ROOT / name if name else write_endpoints(SETTINGS, tmp_path)
    text = endpoints.read_text(encoding="utf-8")
    assert TOKEN not in text
    for variable in re.findall(r"\$\{(\w+)\}", text):  # the database's, in production
        monkeypatch.setenv(variable, "set")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "from-the-environment")
    config = read_endpoint_config(str(endpoints), "action_endpoint")
    assert config.headers == {"Authorization": "Bearer from-the-environment"}
    # The analytics counts (bot/chat/counts.py) go to the same action server, with the same.
    counts = read_endpoint_config(str(endpoints), "nlg")
    assert counts.type == "bot.chat.nlg.AssistantNLG"
    assert counts.url == config.url.replace("/webhook", "/counts")
    assert counts.headers == config.headers


def test_both_ends_of_the_local_topology_get_the_same_secret(tmp_path):
    envs = {s.name: s.env for s in services(SETTINGS, tmp_path)}
    assert envs["rasa"]["ACTION_SERVER_TOKEN"] == envs["actions"]["ACTION_SERVER_TOKEN"] == TOKEN
    local = Settings(action_server_token="")
    assert local.action_server_secret() == local.action_server_secret()  # kept in var/
    assert len(local.action_server_secret()) >= 32


def counted(server) -> Dict[Tuple[date, str, str], int]:
    """The Rasa server's kind of counts (the action server's own session starts come in on
    their own time)."""
    query = select(DailyCount).where(DailyCount.metric != "conversation")
    with server["sessions"]() as session:
        rows = session.execute(query).scalars()
        return {(row.day, row.metric, row.key): row.count for row in rows}


DAY = date(2026, 11, 30)


def counts_body(*entries: Tuple[str, str, str, Any]) -> Dict[str, Any]:
    return {"counts": [{"day": d, "metric": m, "key": k, "n": n} for d, m, k, n in entries]}


def test_a_batch_of_the_rasa_servers_counts_is_written_whole(server):
    """bot/chat/counts.py sends them, days apart when a batch spans midnight."""
    before = counted(server)
    body = counts_body(
        ("2026-11-30", "answer", "prrt", 40),
        ("2026-12-01", "answer", "prrt", 2),
        ("2026-12-01", "emergency", "", 1),
    )
    assert call(body, AUTHORIZED, "/counts") == (200, {"counted": 43})
    assert call(body, AUTHORIZED, "/counts") == (200, {"counted": 43})  # added, not replaced
    after = counted(server)
    assert {k: after[k] - before.get(k, 0) for k in after} == {
        (DAY, "answer", "prrt"): 80,
        (date(2026, 12, 1), "answer", "prrt"): 4,
        (date(2026, 12, 1), "emergency", ""): 2,
    }


GOOD = ("2026-11-30", "answer", "surgery", 1)


@pytest.mark.parametrize(
    "headers, body, status, says",
    [
        ({}, counts_body(GOOD), 401, "unauthorized"),
        ({"Authorization": "Bearer wrong"}, counts_body(GOOD), 401, "unauthorized"),
        (AUTHORIZED, b"{", 400, "not a batch of counts: the body is not JSON"),
        (AUTHORIZED, b"", 400, "the body is not JSON"),
        (AUTHORIZED, {"metric": "answer", "key": "prrt"}, 400, 'a batch is {"counts"'),
        (AUTHORIZED, [1], 400, 'a batch is {"counts"'),
        # One bad count refuses the whole batch: nothing of it is written.
        (AUTHORIZED, counts_body(GOOD, (*GOOD[:1], "nope", "", 1)), 400, "count 2: the metric"),
        (AUTHORIZED, counts_body(GOOD, (*GOOD[:2], "<b>x</b>", 1)), 400, "count 2: a key is"),
        (AUTHORIZED, counts_body(GOOD, ("9999-01-01", "emergency", "", 1)), 400, "future"),
        (AUTHORIZED, counts_body(GOOD, (*GOOD[:3], 10**9)), 400, "count 2: n is a whole"),
        (AUTHORIZED, counts_body(*[GOOD] * 1001), 400, "at most 1000 counts"),
        (AUTHORIZED, b" " * 160_001 + b"{}", 413, "at most 160000 bytes"),
    ],
    ids=[
        "no-secret",
        "wrong-secret",
        "malformed-json",
        "empty",
        "one-count",
        "not-an-object",
        "bad-metric",
        "hostile-key",
        "future-day",
        "huge-n",
        "too-many-counts",
        "too-large",
    ],
)
def test_anything_but_a_batch_of_counts_is_refused_and_nothing_written(
    server, headers, body, status, says
):
    before = counted(server)
    answer_status, answer = call(body, headers, "/counts")
    assert answer_status == status and says in answer["error"]
    assert counted(server) == before


def test_a_batch_the_database_cannot_take_now_is_refused_so_that_it_is_kept(server):
    """503, which tells the Rasa server nothing was written (bot/chat/counts.py keeps it)."""
    before = counted(server)
    with server["sessions"].begin() as session:
        session.execute(text("ALTER TABLE daily_counts RENAME TO daily_counts_away"))
    try:
        status, answer = call(counts_body(GOOD), AUTHORIZED, "/counts")
    finally:
        with server["sessions"].begin() as session:
            session.execute(text("ALTER TABLE daily_counts_away RENAME TO daily_counts"))
    assert (status, answer) == (503, {"error": "the counts cannot be written now"})
    assert counted(server) == before
    logs = "".join(p.read_text(errors="replace") for p in server["logs"].glob("*.log"))
    assert "analytics counts (answer) were not written (OperationalError)" in logs
    assert "surgery" not in logs
