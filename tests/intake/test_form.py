"""The form's answer readers and its consent notice, without Rasa."""

import hashlib

import pytest

from bot.intake import form


def test_the_consent_text_is_the_one_its_notice_version_names(domain):
    """Every lead records which notice its visitor agreed to: new wording, new version."""
    [variant] = [v for v in domain["responses"]["utter_ask_consent"] if not v.get("condition")]
    digest = hashlib.sha256(variant["text"].encode("utf-8")).hexdigest()
    assert form.NOTICE_VERSIONS[form.NOTICE_VERSION] == digest, (
        "utter_ask_consent changed: add a new version to NOTICE_VERSIONS (bot/intake/form.py) "
        f"with its SHA-256 {digest}; keep the old ones, older leads name them"
    )
    assert len(set(form.NOTICE_VERSIONS.values())) == len(form.NOTICE_VERSIONS)


@pytest.mark.parametrize(
    "reader",
    [
        form.name_answer,
        form.phone_answer,
        form.email_answer,
        form.time_answer,
        form.diagnosis_answer,
    ],
)
@pytest.mark.parametrize("intent", ["request_appointment", "request_second_opinion"])
def test_a_new_request_is_never_taken_as_a_detail(reader, intent):
    assert reader("I want a second opinion for my mom", intent) == (None, None)


def test_a_new_request_does_answer_the_reason():
    assert form.reason_answer("actually a second opinion", "request_second_opinion") == (
        "second_opinion",
        None,
    )


@pytest.mark.parametrize(
    "typed, intent, expected",
    [
        ("yes", "affirm", ("confirm", None, None)),
        ("yes, that's the right phone number", "affirm", ("confirm", None, None)),
        ("the phone is wrong", "deny", ("change", form.PHONE, None)),
        ("no the phone is wrong, its 617 555 0177", "deny", ("change", form.PHONE, "+16175550177")),
        ("the time is wrong", "inform", ("change", form.TIME, None)),
        ("hmm", "inform", ("unclear", None, None)),
    ],
)
def test_the_read_back_answer(typed, intent, expected):
    assert form.read_confirmation(typed, intent) == expected


@pytest.mark.parametrize(
    "text, question",
    [
        ("do i need a referral", True),
        ("can i send you my scans and records", True),
        ("is it painful?", True),
        ("how long does it take", True),
        ("Will Payne", False),
        ("Can Yilmaz", False),
        ("Maria", False),
        ("617 555 0123", False),
        ("weekday mornings", False),
        ("", False),
    ],
)
def test_a_question_is_told_from_an_answer(text, question):
    assert form.is_question(text) is question
