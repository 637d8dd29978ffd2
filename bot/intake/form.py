"""The callback form's answers: reading them, reading them back, turning them into a lead.

Pure functions over slot values and message text, so the form's behaviour is unit-tested
without Rasa; actions/callback.py only wires them to slots and messages.
"""

import re
import unicodedata
from datetime import datetime
from functools import wraps
from typing import Any, Callable, Dict, Optional, Tuple

import phonenumbers

from bot.intake.checks import (
    DEFAULT_REGION,
    Checked,
    check_email,
    check_free_text,
    check_name,
    check_phone,
    clean_text,
)
from bot.intake.names import extract_name, framed_as_a_name, written_as_a_name
from bot.leads.store import LeadRequest

# Every lead records the version of the consent notice (domain.yml: utter_ask_consent) its
# visitor agreed to. A new wording gets a new version here, with the SHA-256 of its text;
# tests/intake/test_form.py fails until the text and the newest entry agree.
NOTICE_VERSIONS = {
    "2026-11-25": "7b2ee89e85c4106388866b02484fca4127aeb3b4247a2d7c6c2c96fa34484b6f",
}
NOTICE_VERSION = max(NOTICE_VERSIONS)

# The form's slots, in the order it asks for them.
REASON, NAME, PHONE, EMAIL, TIME, DIAGNOSIS = (
    "callback_reason",
    "caller_name",
    "phone",
    "email",
    "preferred_time",
    "diagnosis_status",
)
CONFIRMED, CONSENT = "details_confirmed", "consent"
# Set once a value was refused, so the question is asked again without its preamble; emptied
# with the other form slots.
REFUSED = "value_refused"
# Set after a first "no" to the consent question, which is then asked once more.
RECHECKED = "consent_rechecked"
DETAILS = (REASON, NAME, PHONE, EMAIL, TIME, DIAGNOSIS)
FORM_SLOTS = DETAILS + (CONFIRMED, CONSENT, REFUSED, RECHECKED)

EMAIL_SKIPPED = "skipped"

REASON_LABELS = {"appointment": "an appointment", "second_opinion": "a second opinion"}
DIAGNOSIS_LABELS = {"yes": "yes", "no": "no", "not_sure": "not sure"}
# Buttons under the read-back, one per detail that can be corrected.
CHANGE_LABELS = {
    NAME: "name",
    PHONE: "phone",
    EMAIL: "email",
    TIME: "time",
    DIAGNOSIS: "diagnosis",
    REASON: "reason",
}
READ_BACK_LABELS = {
    REASON: "Reason",
    NAME: "Name",
    PHONE: "Phone",
    EMAIL: "Email",
    TIME: "Best time to call",
    DIAGNOSIS: "NET diagnosis already",
}

_WORDS = re.compile(r"[a-z0-9']+")


# The plain yes and no of every question the form asks, in English and Spanish (written
# without accents: _words() drops them); each reader adds its own phrases.
_YES = ("yes", "yeah", "yep", "yup", "si", "claro")
_NO = ("no", "nope", "nah")


def _words(text: object) -> str:
    """Lower-case words without accents, space-padded: "Sí, por la mañana" -> " si por la
    manana ", so one phrase list matches a visitor typing with or without accents."""
    decomposed = unicodedata.normalize("NFKD", clean_text(text).lower().replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(_WORDS.findall(plain)) + " "


def _has(text: object, *phrases: str) -> bool:
    """Whole-word match of any phrase, so "no" is not found in "know"."""
    words = _words(text)
    return any(f" {p} " in words for p in phrases)


# "a second opinion, not an appointment": the reason a visitor rules out is not their reason.
_RULED_OUT = re.compile(r"\bnot (?:for )?(?:an? )?(?:second opinion|\w+)")


def read_reason(text: object, intent: Optional[str]) -> Optional[str]:
    """The reason named in the words, else the one the request's intent implies: "can someone
    call me about a second opinion" is a callback request for a second opinion."""
    words = _RULED_OUT.sub(" ", _words(text))
    if _has(words, "second opinion", "opinion", "review", "segunda opinion", "opinion medica"):
        return "second_opinion"
    if _has(
        words,
        *("appointment", "appt", "visit", "consult", "consultation", "test", "tests", "testing"),
        *("scan", "scans", "exam", "exams", "bloodwork", "labs"),
        *("cita", "consulta", "prueba", "pruebas", "examen", "examenes", "estudios", "analisis"),
    ):
        return "appointment"
    return {"request_second_opinion": "second_opinion", "request_appointment": "appointment"}.get(
        intent or ""
    )


def read_diagnosis(text: object, intent: Optional[str]) -> Optional[str]:
    """yes / no / not_sure from a button or a typed answer; None when it is neither.

    "Not sure" wins over everything (it is often classified as a "no"); then a clear yes/no
    intent; then words, negations first, so "not diagnosed yet" is a no.
    """
    if _has(
        text,
        *("not sure", "unsure", "dont know", "don't know", "no idea", "maybe", "waiting", "idk"),
        *("suspect", "suspected", "not confirmed", "still getting tests", "found something"),
        *("think so", "they think", "probably", "possibly", "likely", "no biopsy", "not official"),
        *("no estoy seguro", "no estoy segura", "no se", "quizas", "tal vez", "no sabemos"),
    ):
        return "not_sure"
    if intent in ("affirm", "deny"):
        return "yes" if intent == "affirm" else "no"
    if _has(
        text,
        *_NO,
        *("not yet", "not diagnosed", "no diagnosis", "i don't", "i dont", "never"),
        *("not been", "haven't", "havent", "hasn't", "hasnt", "todavia no", "aun no"),
    ):
        return "no"
    if _has(
        text,
        *_YES,
        *("i do", "diagnosed", "already", "have a diagnosis", "they said", "was told"),
        *("told me", "carcinoid", "net", "tumor", "tumour", "confirmed", "biopsy"),
        *("diagnosticaron", "diagnosticado", "diagnosticada", "tengo"),
    ):
        return "yes"
    return None


def wants_to_skip(text: object, intent: Optional[str]) -> bool:
    return intent == "deny" or _has(
        text,
        *_NO,
        *("skip", "none", "no email", "dont have one", "don't have one", "rather not"),
        *("no thanks", "prefer not", "n a", "na", "sin correo", "ninguno", "omitir"),
    )


_FIELD_WORDS = (
    (PHONE, ("phone", "number", "cell", "mobile", "tel", "telefono", "numero", "celular")),
    (EMAIL, ("email", "e mail", "mail", "address", "correo")),
    (TIME, ("time", "when", "morning", "afternoon", "evening", "hours", "hora", "horario")),
    (DIAGNOSIS, ("diagnosis", "diagnosed", "diagnosis status", "diagnostico")),
    (REASON, ("reason", "appointment", "second opinion", "opinion", "razon", "cita")),
    (NAME, ("name", "spelling", "spelled", "spelt", "nombre")),
)


def field_to_change(text: object, detail: Optional[str] = None) -> Optional[str]:
    """Which detail the visitor wants to correct at the read-back, if they named one."""
    if detail in DETAILS:
        return detail
    for slot, words in _FIELD_WORDS:
        if _has(text, *words):
            return slot
    return None


# Words that say a detail is wrong, as opposed to "yes, that's the right phone number".
_CORRECTION = (
    "wrong",
    "change",
    "fix",
    "incorrect",
    "not right",
    "isnt right",
    "isn't right",
    "typo",
    "misspelled",
    "misspelt",
    "mistake",
    "update",
    "instead",
    "should be",
    "not correct",
    "edit",
    "different",
    "no",
    # "actually he does have a diagnosis, so yes": a second thought about the detail named.
    "actually",
    *("en realidad", "mejor dicho"),
    *("mal", "incorrecto", "incorrecta", "cambiar", "corregir", "error", "equivocado"),
)
_AFFIRM = (
    "yes",
    "yeah",
    "yep",
    "correct",
    "right",
    "looks good",
    "all good",
    "that's right",
    "thats right",
    "perfect",
    "ok",
    "okay",
    "good",
    "fine",
    "great",
    *("si", "correcto", "esta bien", "todo bien", "perfecto", "asi es"),
)
# The last of these introduces the new value: "no, her name is spelled Maria Gonzalez", "the
# time is wrong, make it after 3pm" (a value that is itself a complaint is none).
_VALUE_INTRO = re.compile(
    r"\b(?:should be|make it|change it to|spelled|spelt|it'?s|it is|is|to|actually|instead|"
    r"es|debe ser)"
    r"\b\s+",
    re.IGNORECASE,
)


def read_confirmation(
    text: object, intent: Optional[str], detail: Optional[str] = None
) -> Tuple[str, Optional[str], Optional[str]]:
    """What the answer to the read-back says: ("confirm", None, None), ("change", slot, value
    or None when the new value was not given) or ("unclear", None, None)."""
    field = field_to_change(text, detail)
    correcting = detail in DETAILS or _has(text, *_CORRECTION) or intent == "deny"
    if field and correcting:
        return "change", field, new_value(field, text) if detail is None else None
    if intent == "affirm" or _has(text, *_AFFIRM):
        return "confirm", None, None
    if field:
        return "change", field, new_value(field, text)
    return "unclear", None, None


def new_value(field: str, text: object) -> Optional[str]:
    """The corrected value a visitor typed with the correction ("no, the phone is wrong, it's
    617 555 0177"), checked like a fresh answer; None when none was given."""
    typed = clean_text(text)
    if field == PHONE:
        for match in phonenumbers.PhoneNumberMatcher(typed, DEFAULT_REGION):
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            return check_phone(number)[0]
        return None
    if field == EMAIL:
        return check_email(typed)[0] if "@" in typed else None
    if field == REASON:
        return read_reason(typed, None)
    if field == DIAGNOSIS:
        return read_diagnosis(typed, None)
    intros = list(_VALUE_INTRO.finditer(typed))
    value = typed[intros[-1].end() :].strip(" ,.") if intros else ""
    if not value or _has(value, *_CORRECTION):
        return None
    if field == NAME:
        name = extract_name(value)
        return check_name(name)[0] if name else None
    return check_free_text(value, "a time")[0]


_CONSENT_NO = (
    *_NO,
    *("dont agree", "don't agree", "do not agree", "disagree", "rather not", "no acepto"),
    *("dont keep", "don't keep", "do not keep", "dont store", "don't store", "do not store"),
    *("no guarden", "no las guarden", "no los guarden", "no guardar"),
)
_CONSENT_YES = (
    *_YES,
    *("agree", "ok", "okay", "sure", "go ahead", "fine", "keep", "store", "save"),
    *("de acuerdo", "acepto", "esta bien", "vale", "adelante", "guarden", "guardar"),
)


def read_consent(text: object, intent: Optional[str]) -> Optional[bool]:
    """True only for a clear yes; None when the answer is neither yes nor no. The visitor's
    own words decide before the classifier: "i agree" is agreement even if it reads like a
    "no" to it ("disagree" shares its letters). The last answer given wins, as a visitor who
    changes their mind writes it ("wait no, please keep them"); a tie goes to no ("dont
    agree" ends where "agree" does)."""
    no, yes = _last_end(text, _CONSENT_NO), _last_end(text, _CONSENT_YES)
    if no or yes:
        return yes > no
    if intent in ("affirm", "deny"):
        return intent == "affirm"
    return None


def _last_end(text: object, phrases: Tuple[str, ...]) -> int:
    """Where the last whole-word phrase of `phrases` ends in the words, 0 when none is there."""
    words = _words(text)
    return max(
        (words.rfind(f" {p} ") + len(p) + 1 for p in phrases if f" {p} " in words), default=0
    )


# A new request typed where a detail is expected ("actually I want a second opinion") updates
# the reason (domain.yml maps it) and is not a name, a phone number or a time.
REQUESTS = ("request_appointment", "request_second_opinion", "request_callback")
Reader = Callable[[Any, Optional[str]], Checked]


def _not_a_request(read: Reader) -> Reader:
    """(None, None), i.e. ask again without a complaint, when the message is a new request."""

    @wraps(read)
    def reader(value: Any, intent: Optional[str]) -> Checked:
        return (None, None) if intent in REQUESTS else read(value, intent)

    return reader


# Words that open a question. A name can start with an auxiliary ("Will", "Can", "Do"), so
# those need a question's next words too; a wh-word opens a question on its own.
_WH = frozenset(("what", "whats", "how", "why", "when", "where", "who", "which"))
_AUXILIARIES = frozenset(
    (
        "do",
        "does",
        "did",
        "can",
        "could",
        "is",
        "are",
        "was",
        "will",
        "would",
        "should",
        "am",
        "may",
    )
)
_QUESTION_CUES = frozenset(
    (
        "i",
        "you",
        "we",
        "it",
        "this",
        "that",
        "they",
        "there",
        "my",
        "your",
        "the",
        "a",
        "an",
        "me",
        "he",
        "she",
        "nets",
        "net",
        "someone",
        "anyone",
        "anything",
        "to",
        "need",
        "have",
    )
)


# "can they ask for Ayesha?" gives the name.
_ASKED_TO_ASK_FOR = re.compile(
    r" (can|could|would) (you|they) (please )?(have them )?(ask for|call) "
)


def is_question(text: object) -> bool:
    """A question, not an answer: it has a question mark, or it opens like one ("do i need a
    referral", "how long does it take") - but a name such as "Will Payne" does not."""
    typed = clean_text(text)
    words = _words(typed).split()
    opens_like_one = len(words) >= 3 and (
        words[0] in _WH
        or (words[0] in _AUXILIARIES and any(w in _QUESTION_CUES for w in words[1:3]))
    )
    if _ASKED_TO_ASK_FOR.match(_words(typed)) and looks_like_a_name(typed):
        return False
    if "?" in typed or "¿" in typed:
        # "Gwendolyn Parks?": a name said with a rising voice is still the name.
        named = len(words) >= 2 and words[0] not in _WH | _AUXILIARIES
        return opens_like_one or not (named and looks_like_a_name(typed))
    return opens_like_one


# One reader per detail the form asks for: (clean value, None), (None, what to tell the
# visitor), or (None, None) to ask again.


def reason_answer(value: Any, intent: Optional[str]) -> Checked:
    reason = read_reason(value, intent)
    return (
        (reason, None)
        if reason
        else (None, "Is it for an appointment (including tests) or for a second opinion?")
    )


def name_answer(value: Any, intent: Optional[str]) -> Checked:
    """A request typed at the name ("actually I want a second opinion") is not a name, but
    "call me Grace" is, whatever the classifier thinks of "call me"."""
    if intent in REQUESTS and not framed_as_a_name(value):
        return None, None
    name = extract_name(value)
    return check_name(name if name else value)


def looks_like_a_name(text: object) -> bool:
    """The name in the message is written as names are (bot/intake/names.py)."""
    return written_as_a_name(extract_name(text) or "")


# For the questions read by their keywords, a message this short can be nothing but an answer.
_SHORT_ANSWER = 5
_TIME_WORDS = (
    *("morning", "mornings", "afternoon", "afternoons", "evening", "evenings", "night", "noon"),
    *("anytime", "any time", "weekday", "weekdays", "weekend", "am", "pm", "lunch", "after"),
    *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    *("manana", "tarde", "tardes", "noche", "lunes", "martes", "miercoles", "jueves"),
    *("viernes", "sabado", "domingo", "cualquier hora", "despues"),
)


_TIME_CHARACTERS = re.compile(r"[\w\s:.,/-]+")
# "Help Me Please" is written as a name, and is no name.
_ASKS_FOR_HELP = re.compile(r"\b(help|ayuda|auxilio|socorro)\b", re.IGNORECASE)


def plainly_answers(slot: str, text: object) -> bool:
    """Whether the message is nothing but an answer to the form's question for `slot`: a name
    written as names are, a phone number or email address that checks out, or a short answer
    its reader takes. The safety model's alarms in doubt are read against it, since a short
    answer ("my husband, Tuan Le", "no estoy segura") gives a bag of words little else."""
    if slot == NAME:
        name = extract_name(text)
        return (
            looks_like_a_name(text)
            and check_name(name)[1] is None
            and not _ASKS_FOR_HELP.search(name or "")
        )
    if slot == PHONE:
        return check_phone(text)[0] is not None
    if slot == EMAIL:
        return email_answer(text, None)[0] is not None
    # "si, tiene tumor neuroendocrino en el intestino": a yes or no said first, whatever the
    # visitor adds after it.
    words = _words(text).split()
    if slot == DIAGNOSIS and words and words[0] in (*_YES, *_NO):
        return True
    if len(words) > _SHORT_ANSWER:
        return False
    if slot == REASON:
        return read_reason(text, None) is not None
    if slot == DIAGNOSIS:
        return read_diagnosis(text, None) is not None
    if slot == TIME:
        typed = clean_text(text)
        plain = bool(_TIME_CHARACTERS.fullmatch(typed))  # "after 5", not "alert(1)"
        return plain and (any(c.isdigit() for c in typed) or _has(text, *_TIME_WORDS))
    if slot == CONFIRMED:
        return read_confirmation(text, None)[0] != "unclear"
    if slot == CONSENT:
        return read_consent(text, None) is not None
    return False


@_not_a_request
def phone_answer(value: Any, intent: Optional[str]) -> Checked:
    return check_phone(value)


@_not_a_request
def email_answer(value: Any, intent: Optional[str]) -> Checked:
    email, problem = check_email(value)
    if email is None and wants_to_skip(value, intent):
        return EMAIL_SKIPPED, None
    return email, problem


# What goes before a time and is not part of it: "call me around noon", "llamenme despues de
# las 5", "the best time is mornings". Staff read the time alone.
_TIME_LEAD_IN = re.compile(
    r"^\s*((you can |u can |please |pls )?(call|reach|ring) (me|us|her|him|them)|"
    r"(the )?best (time )?(is|would be)|ll[aá]menme|ll[aá]meme|"
    r"me pueden llamar|pueden llamarme)\b[\s,:]*",
    re.IGNORECASE,
)


@_not_a_request
def time_answer(value: Any, intent: Optional[str]) -> Checked:
    return check_free_text(
        _TIME_LEAD_IN.sub("", clean_text(value)),
        "when we should call you (for example, weekday mornings)",
    )


@_not_a_request
def diagnosis_answer(value: Any, intent: Optional[str]) -> Checked:
    status = read_diagnosis(value, intent)
    return (status, None) if status else (None, "Please answer yes, no or not sure.")


def display_phone(e164: str) -> str:
    number = phonenumbers.parse(e164)
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_hint(e164: str) -> str:
    """The last two digits only: the confirmation must not echo the whole number."""
    return e164[-2:]


def read_back(slots: Dict[str, Any]) -> str:
    values = {
        REASON: REASON_LABELS.get(str(slots.get(REASON)), "-"),
        NAME: slots.get(NAME) or "-",
        PHONE: display_phone(slots[PHONE]) if slots.get(PHONE) else "-",
        EMAIL: "(none)" if slots.get(EMAIL) in (None, EMAIL_SKIPPED) else slots[EMAIL],
        TIME: slots.get(TIME) or "-",
        DIAGNOSIS: DIAGNOSIS_LABELS.get(str(slots.get(DIAGNOSIS)), "-"),
    }
    lines = [f"- {READ_BACK_LABELS[slot]}: {values[slot]}" for slot in DETAILS]
    return "\n".join(["Here is what I have:", *lines])


def lead_request(
    slots: Dict[str, Any],
    conversation_id: str,
    submission_id: str,
    consent_at: datetime,
    client_key: Optional[str] = None,
) -> LeadRequest:
    email = slots.get(EMAIL)
    return LeadRequest(
        reason=slots[REASON],
        name=slots[NAME],
        phone=slots[PHONE],
        email=None if email in (None, EMAIL_SKIPPED) else email,
        preferred_time=slots[TIME],
        diagnosis_status=slots[DIAGNOSIS],
        consent_at=consent_at,
        notice_version=NOTICE_VERSION,
        conversation_id=conversation_id,
        submission_id=submission_id,
        client_key=client_key,
    )
