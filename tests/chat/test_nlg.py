"""The response generator: quick replies for closing yes/no questions, the safety line on the
first answer to a message that mentions a risk, and only approved answers in production."""

import datetime as dt
import logging
import re

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.chat.nlg import AssistantNLG
from bot.content.approval import review_list
from bot.content.review import fingerprint
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


# Clinical review: with SERVE_APPROVED_ONLY only approved answers are sent.


def reviewed_domain(domain: dict, approved=("utter_faq/prrt",)) -> Domain:
    """The real domain and answers, with `approved` approved as the review page writes it."""
    responses = {name: [dict(v) for v in vs] for name, vs in domain["responses"].items()}
    for name in approved:
        variant = responses[name][0]
        variant["metadata"] = {
            **variant["metadata"],
            "needs_clinical_review": False,
            "reviewed_by": "dr.lee",
            "reviewed_on": "2026-12-01",
            "reviewed_fingerprint": fingerprint(variant["text"]),
        }
    return Domain.from_dict({**domain, "responses": responses})


def topic_tracker(domain: Domain, topic: str) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("is it painful"),
        SlotSet("last_topic", topic),
    ]
    return DialogueStateTracker.from_events("c2", events, domain.slots)


async def test_with_approved_only_an_unapproved_answer_becomes_the_offer_to_call(
    domain, settings_env, caplog
):
    settings_env(serve_approved_only=True, center_phone="1-800-555-0142")
    reviewed = reviewed_domain(domain)
    with caplog.at_level(logging.INFO, logger="bot.chat.nlg"):
        nlg = AssistantNLG(domain=reviewed)
    approved = await nlg.generate("utter_faq/prrt", tracker(), "collector")
    assert approved["text"] == reviewed.responses["utter_faq/prrt"][0]["text"]
    waiting = await nlg.generate("utter_faq/surgery", tracker(), "collector")
    assert waiting["text"].startswith("Our team can answer that question.")
    assert "1-800-555-0142" in waiting["text"]
    assert waiting["metadata"]["offer"] == "callback"  # a "yes" starts the callback form
    assert [b["payload"] for b in waiting["buttons"]] == ["/affirm", "/deny"]
    # As many answers as content check and the review page count.
    counted = r"clinical review: (\d+) of (\d+) answers approved; the (\d+) others"
    counts = re.search(counted, caplog.text)
    approved, total, others = map(int, counts.groups())
    assert total == review_list(ROOT, dt.date.today(), 365).total
    assert approved >= 1 and approved + others == total


async def test_a_follow_up_is_replaced_under_its_own_condition(domain, settings_env):
    settings_env(serve_approved_only=True)
    reviewed = reviewed_domain(domain)
    nlg = AssistantNLG(domain=reviewed)
    pains = reviewed.responses["utter_ask_pain"]
    for topic in ("prrt", "no_such_topic"):  # a conditional variant, and the default
        response = await nlg.generate("utter_ask_pain", topic_tracker(reviewed, topic), "collector")
        assert response["text"].startswith("Our team can answer that question."), topic
    # Each replacement kept its variant's condition: the same one is still picked.
    conditions = [v.get("condition") for v in nlg.responses["utter_ask_pain"]]
    assert conditions == [v.get("condition") for v in pains]
    # Responses without provenance are never replaced.
    assert nlg.responses["utter_greet"] == reviewed.responses["utter_greet"]


async def test_without_the_setting_every_answer_is_sent_and_the_log_counts_them(
    domain, settings_env, caplog
):
    settings_env(serve_approved_only=False)
    reviewed = reviewed_domain(domain, approved=("utter_faq/prrt", "utter_faq/surgery"))
    nlg = AssistantNLG()  # as Rasa's agent makes it: no domain yet
    with caplog.at_level(logging.INFO, logger="bot.chat.nlg"):
        nlg.responses = reviewed.responses  # what the agent does on every model it loads
    waiting = await nlg.generate("utter_faq/stages", tracker(), "collector")
    assert waiting["text"] == reviewed.responses["utter_faq/stages"][0]["text"]
    [line] = [r.getMessage() for r in caplog.records if "clinical review" in r.getMessage()]
    assert re.match(r"clinical review: (\d+) of (\d+) answers await review and are sent", line)
    assert "SERVE_APPROVED_ONLY is off" in line


async def test_a_model_without_the_in_review_answer_says_so_and_sends_the_answer(
    domain, settings_env, caplog
):
    settings_env(serve_approved_only=True)
    reviewed = reviewed_domain(domain)
    responses = {k: v for k, v in reviewed.responses.items() if k != "utter_answer_in_review"}
    with caplog.at_level(logging.ERROR, logger="bot.chat.nlg"):
        nlg = AssistantNLG()
        nlg.responses = responses
    assert "the model has no utter_answer_in_review" in caplog.text
    response = await nlg.generate("utter_faq/surgery", tracker(), "collector")
    assert response["text"] == responses["utter_faq/surgery"][0]["text"]


def test_rasa_hands_each_model_it_loads_to_the_generator_once(settings_env, caplog):
    """The approved set is made when Rasa's agent loads a model (it sets `responses`), not per
    message: loading the trained model logs the count once, for that model's answers."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from bot.content.review import needs_approval
    from bot.topology import MODEL

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run 'make train'")
    settings_env(serve_approved_only=False)
    with caplog.at_level(logging.INFO, logger="bot.chat.nlg"):
        agent = Agent.load(str(MODEL), generator=EndpointConfig(type="bot.chat.nlg.AssistantNLG"))
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.chat.nlg"]
    total = sum(
        needs_approval(name, variant)
        for name, variants in agent.domain.responses.items()
        for variant in variants
    )
    assert len(lines) == 1 and f" of {total} answers await review" in lines[0], lines
    assert isinstance(agent.nlg, AssistantNLG) and agent.nlg.responses.keys() == (
        agent.domain.responses.keys()
    )
