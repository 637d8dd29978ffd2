"""The response generator: quick replies for closing yes/no questions, and the safety line on
the first answer to a message that mentions a risk."""

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.chat.nlg import AssistantNLG
from bot.settings import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
SAFETY_LINE = DOMAIN.responses["utter_safety_line"][0]["text"]


def tracker(safety=None, *more, text="can prrt cause chest pain", before=(), rules=None):
    events = [
        *before,
        ActionExecuted("action_listen"),
        UserUttered(
            text,
            {"name": "faq", "confidence": 0.9},
            parse_data={"safety": safety, "safety_rules": rules},
        ),
        *more,
    ]
    return DialogueStateTracker.from_events("c1", events, DOMAIN.slots)


async def generate(action, tracker_):
    return await AssistantNLG(domain=DOMAIN).generate(action, tracker_, "collector")


async def test_a_callback_offer_gets_yes_and_no_buttons():
    response = await generate("utter_cannot_help", tracker())
    assert [b["payload"] for b in response["buttons"]] == ["/affirm", "/deny"]
    assert "Yes" in response["buttons"][0]["title"]


async def test_inside_the_form_an_answer_gets_no_offer_buttons():
    response = await generate("utter_cannot_help", tracker(None, ActiveLoop("callback_form")))
    assert not response.get("buttons")


async def test_a_response_with_its_own_buttons_keeps_them():
    response = await generate("utter_ask_email", tracker())
    assert [b["title"] for b in response["buttons"]] == ["Skip"]


@pytest.mark.parametrize("safety, expected", [("line", True), (None, False), ("takeover", False)])
async def test_the_safety_line_goes_on_the_first_answer_only(safety, expected):
    first = await generate("utter_cannot_help", tracker(safety))
    assert first["text"].endswith(SAFETY_LINE) is expected
    answered = tracker(safety, BotUttered("Just so you know: ..."))
    assert SAFETY_LINE not in (await generate("utter_cannot_help", answered))["text"]


@pytest.mark.parametrize(
    "text, rules, expected",
    [("no tengo", None, False), ("my chest hurts when i breathe, is that normal", "not_now", True)],
)
async def test_inside_the_form_only_a_risk_the_rules_see_gets_the_line(text, rules, expected):
    in_form = tracker("line", text=text, before=[ActiveLoop("callback_form")], rules=rules)
    response = await generate("utter_ask_preferred_time", in_form)
    assert response["text"].endswith(SAFETY_LINE) is expected
