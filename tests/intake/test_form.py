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
        ("el teléfono está mal", "inform", ("change", form.PHONE, None)),
        ("no, el teléfono es 617-555-0167", "inform", ("change", form.PHONE, "+16175550167")),
        ("sí, todo bien", "inform", ("confirm", None, None)),
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
        # A name said with a rising voice; a word whose letters split in ASCII ("Doña").
        ("Gwendolyn Parks?", False),
        ("Doña Refugio Márquez", False),
        ("Is It Painful?", True),
        ("Referral?", True),
        # Asking them to ask for a name gives the name.
        ("can they ask for Odile?", False),
        ("im worried, do i need a referral?", True),
        ("what is PRRT?", True),
    ],
)
def test_a_question_is_told_from_an_answer(text, question):
    assert form.is_question(text) is question


@pytest.mark.parametrize(
    "typed, intent, expected",
    [
        (
            "can someone call me about a second opinion instead",
            "request_callback",
            "second_opinion",
        ),
        ("it's for a second opinion, not an appointment", None, "second_opinion"),
        ("not a second opinion, an appointment", None, "appointment"),
        ("quiero hacer una cita", None, "appointment"),
        ("segunda opinión", None, "second_opinion"),
        ("please call me", "request_second_opinion", "second_opinion"),
        ("please call me", "request_callback", None),
        # Tests are an appointment, as the question says ("including diagnostic tests").
        ("its for tests", "faq", "appointment"),
        ("para unos estudios", None, "appointment"),
    ],
)
def test_the_reason_comes_from_the_words_before_the_intent(typed, intent, expected):
    assert form.read_reason(typed, intent) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("yes, small intestine carcinoid", "yes"),
        ("they said carcinoid years ago", "yes"),
        ("sí", "yes"),
        ("I have not been diagnosed", "no"),
        ("todavía no", "no"),
        ("not sure, they found something on my liver", "not_sure"),
        ("no estoy segura", "not_sure"),
        ("the doctors think so, no biopsy done", "not_sure"),
        ("probably", "not_sure"),
        ("purple", None),
    ],
)
def test_the_diagnosis_answer_in_words(typed, expected):
    assert form.read_diagnosis(typed, None) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Sí", True),
        ("si, de acuerdo", True),
        ("i agree", True),
        ("I don't agree", False),
        ("no acepto", False),
        ("what happens to my data", None),
        # The last answer given wins: a visitor changing their mind.
        ("wait no, please keep them", True),
        ("no wait, yes", True),
        ("yes... actually no", False),
        ("no, no las guarden", False),
        ("dont keep them", False),
    ],
)
def test_consent_in_english_and_spanish(typed, expected):
    assert form.read_consent(typed, None) is expected


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("call me around noon", "around noon"),
        ("Llámenme después de las 5", "después de las 5"),
        ("the best time is after 5", "after 5"),
        ("anytime but Monday", "anytime but Monday"),
        ("caller id shows mornings", "caller id shows mornings"),
    ],
)
def test_a_time_is_stored_without_the_words_before_it(typed, stored):
    assert form.time_answer(typed, None) == (stored, None)


def test_a_lead_in_alone_is_no_time():
    assert form.time_answer("call me", None)[0] is None


@pytest.mark.parametrize("typed", ["no tengo correo", "skip", "I don't have one", "nah"])
def test_no_email_is_a_skip(typed):
    assert form.email_answer(typed, None) == (form.EMAIL_SKIPPED, None)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("actually put not sure for the diagnosis", (form.DIAGNOSIS, "not_sure")),
        ("the reason is wrong, it's a second opinion", (form.REASON, "second_opinion")),
        # A second thought names the detail and its value, even ending in "yes".
        ("actually she does have a diagnosis, so yes", (form.DIAGNOSIS, "yes")),
        ("en realidad el horario es por la tarde", (form.TIME, "por la tarde")),
    ],
)
def test_a_correction_at_the_read_back_carries_its_value(typed, expected):
    assert form.read_confirmation(typed, None) == ("change", *expected)


@pytest.mark.parametrize(
    "slot, text, answers",
    [
        ("caller_name", "my wife Sun-hee Choi", True),
        ("caller_name", "im so scared", False),
        # Particles are written small: still a name
        ("caller_name", "Ricardo de la Cruz", True),
        ("caller_name", "Jan van der Berg", True),
        ("caller_name", "María Isabel Ortega de los Santos", True),
        ("caller_name", "de la nada", False),
        ("caller_name", "King", True),
        # Written as a name, but a call for help.
        ("caller_name", "Help Me Please", False),
        ("caller_name", "Ayuda", False),
        ("caller_name", "'; DROP TABLE leads; --", False),
        ("phone", "(617) 555-0142", True),
        ("phone", "call 911 now", False),
        ("email", "ana@example.com", True),
        ("diagnosis_status", "no estoy segura", True),
        ("diagnosis_status", "yes, a carcinoid in the lung that was removed in the spring", True),
        ("diagnosis_status", "they found something in her pancreas last week", False),
        ("diagnosis_status", "not sure i even want to keep going with any of this", False),
        ("preferred_time", "after 5", True),
        ("preferred_time", "i just cant anymore", False),
        ("callback_reason", "second opinion", True),
        ("consent", "yes", True),
        ("consent", "i dont want any of this anymore, i want it all to end", False),
        ("details_confirmed", "the phone is wrong", True),
    ],
)
def test_a_plain_answer_is_nothing_but_the_answer(slot, text, answers):
    assert form.plainly_answers(slot, text) is answers


@pytest.mark.parametrize(
    "text",
    ["", "   ", None, "<script>alert(1)</script>", "\x00\x07\x1b[31m", "a" * 5000, "名" * 5000],
)
@pytest.mark.parametrize("slot", [*form.DETAILS, form.CONFIRMED, form.CONSENT])
def test_empty_huge_or_hostile_text_is_never_a_plain_answer(slot, text):
    """Such a message keeps its takeover: it answers nothing."""
    assert form.plainly_answers(slot, text) is False
