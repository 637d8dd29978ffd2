"""The real topology (Rasa server, action server, web service) over HTTP, as a visitor uses it."""
import json
import urllib.error
import urllib.request
import uuid

import pytest

from bot.settings import Settings
from bot.topology import MODEL, Topology, services

pytestmark = pytest.mark.server

PHONE = "1-800-555-0142"
SETTINGS = Settings(
    rasa_port=5205, action_port=5255, web_port=8205, center_phone=PHONE,
    center_name="Test NET Program", center_hours="weekdays 9 to 5",
)


@pytest.fixture(scope="module")
def topology(tmp_path_factory, monkeypatch_module):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    for key in ("CENTER_PHONE", "CENTER_NAME", "CENTER_HOURS"):
        monkeypatch_module.setenv(key, getattr(SETTINGS, key.lower()))
    run_dir = tmp_path_factory.mktemp("topology")
    with Topology(services(SETTINGS, run_dir), run_dir / "logs") as running:
        yield running


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def post(body: bytes, content_type="application/json"):
    request = urllib.request.Request(
        f"{SETTINGS.rasa_url}/webhooks/rest/webhook", data=body,
        headers={"Content-Type": content_type}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


class Visitor:
    def __init__(self):
        self.sender = uuid.uuid4().hex

    def say(self, text) -> str:
        status, replies = post(json.dumps({"sender": self.sender, "message": text}).encode())
        assert status == 200, (text, status)
        return "\n".join(r.get("text", "") for r in replies)


@pytest.fixture
def visitor(topology):
    return Visitor()


def answer_text(domain, key):
    [variant] = domain["responses"][key]
    return variant["text"].split("{")[0][:80]


def test_answers_what_is_prrt(visitor, domain):
    reply = visitor.say("what is PRRT?")
    assert answer_text(domain, "utter_faq/prrt") in reply
    assert "not medical advice" in reply  # said once, with the first answer
    second = visitor.say("how are nets diagnosed")
    assert answer_text(domain, "utter_faq/diagnosis") in second
    assert "not medical advice" not in second


def test_greeting_says_what_it_can_do_and_that_it_is_not_advice(visitor):
    reply = visitor.say("hello")
    assert "Test NET Program" in reply and "not medical advice" in reply


def test_handoff_gives_the_phone_number_from_settings(visitor):
    reply = visitor.say("can i talk to a real person please")
    assert PHONE in reply and "weekdays 9 to 5" in reply


@pytest.mark.parametrize("text", ["I can't breathe", "i want to end my life"])
def test_emergency_at_once_with_911_and_988(visitor, text):
    reply = visitor.say(text)
    assert "911" in reply and "988" in reply


def test_emergency_in_the_middle_of_a_conversation(visitor):
    visitor.say("hi")
    visitor.say("what causes neuroendocrine tumors")
    reply = visitor.say("my wife just collapsed and is not breathing")
    assert "911" in reply and "988" in reply
    assert "causes" not in reply.lower()


def test_out_of_scope_is_an_honest_cannot_answer(visitor):
    reply = visitor.say("who won the football game last night")
    assert "can't answer that" in reply
    assert PHONE in reply


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "<script>alert('x')</script><b>hi</b>",
        "'; DROP TABLE leads; --",
        "what is\x00 prrt\x07\x1b[31m",
        "¿Qué es un tumor neuroendocrino? 神经内分泌肿瘤 🙏 مرحبا",
        "my mother has a net in her pancreas " * 150,
    ],
    ids=["empty", "blank", "html", "sql", "control-chars", "unicode", "5400-chars"],
)
def test_hostile_or_odd_input_gets_a_reply_and_the_server_stays_up(visitor, text):
    status, replies = post(json.dumps({"sender": visitor.sender, "message": text}).encode())
    assert status == 200
    assert replies and all("text" in r or "custom" in r for r in replies)
    assert "911" in visitor.say("i have crushing chest pain")  # still answering


def test_huge_and_malformed_bodies_are_refused(topology):
    assert post(json.dumps({"sender": "x", "message": "a" * 200_000}).encode())[0] == 413
    assert post(b"{not json")[0] == 400
    assert post(b"", "text/plain")[0] in (400, 500)
    assert "911" in Visitor().say("he's unconscious")


def test_web_service_reports_the_topology_healthy(topology):
    with urllib.request.urlopen(f"http://{SETTINGS.host}:{SETTINGS.web_port}/healthz") as r:
        assert json.loads(r.read()) == {"web": True, "rasa": True, "actions": True}
