"""A "yes" is read against the question the assistant last asked."""

import pytest
from rasa_sdk.events import FollowupAction

from actions.callback import fresh_form
from actions.offers import ActionAnswerYes
from tests.utils.sdk import run, tracker


def after(bot_metadata):
    events = [
        {"event": "bot", "text": "...", "metadata": bot_metadata},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    return tracker(events=events)


async def test_yes_to_a_callback_offer_starts_an_empty_callback_form(domain):
    bot = {"metadata": {"offer": "callback"}, "utter_action": "utter_faq"}
    messages, events = await run(ActionAnswerYes(), after(bot), domain)
    assert messages == [] and events == [*fresh_form(), FollowupAction("callback_form")]


@pytest.mark.parametrize(
    "metadata",
    [
        {"metadata": {"offer": "question"}, "utter_action": "utter_faq"},  # "another question?"
        {"utter_action": "utter_greet"},  # no yes/no question
        None,
    ],
)
async def test_any_other_yes_asks_what_the_visitor_would_like_to_know(domain, metadata):
    messages, events = await run(ActionAnswerYes(), after(metadata), domain)
    assert [m["response"] for m in messages] == ["utter_what_next"] and events == []


async def test_a_yes_with_nothing_before_it(domain):
    messages, _ = await run(ActionAnswerYes(), tracker(), domain)
    assert [m["response"] for m in messages] == ["utter_what_next"]
