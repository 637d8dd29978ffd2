"""Checking and normalising what a visitor types into the callback form.

Pure functions, so every rule is unit-tested on good, bad and hostile values; the form's
answer readers (bot/intake/form.py) are built on them. Each returns
(value, None) when the input is usable and (None, reason) when it is not; the reason is
shown to the visitor, so it says what to do, in plain words, and never echoes the input.
"""

import re
import unicodedata
from typing import Optional, Tuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email

Checked = Tuple[Optional[str], Optional[str]]

NAME_MAX = 100
FREE_TEXT_MAX = 100
DEFAULT_REGION = "US"

_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
# Besides letters and marks of any script: spaces, apostrophes (incl. the Hawaiian ʻokina and
# ʼ), hyphens, the full stop of an initial, the quotes around a nickname (Charles "Chuck"
# Doyle) and the comma of "Okonkwo, Chinedu" or "Marcus Bell, Jr.".
_NAME_PUNCTUATION = frozenset(" '’ʻʼ-.,\"“”")
# Zero-width (non-)joiners are part of how some scripts spell a name (Persian, Indic).
_JOINERS = frozenset("\u200c\u200d")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): free
# text and e-mail addresses never start with one. (Names start with a letter; a phone number
# is stored as +digits.)
_FORMULA_STARTS = ("=", "+", "-", "@")


def clean_text(value: object) -> str:
    """Drop markup and control/format characters, fold spacing, trim."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = _TAG.sub(" ", text)
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c not in _JOINERS else c
        for c in text
    )
    return _SPACES.sub(" ", text).strip()


def check_name(value: object) -> Checked:
    name = clean_text(value)
    if not name:
        return None, "Please tell me the name we should ask for when we call."
    if len(name) > NAME_MAX:
        return None, f"That name is longer than {NAME_MAX} characters. Please shorten it."
    if not _is_letter(name[0]) or not all(
        _is_letter(c) or c in _NAME_PUNCTUATION or c in _JOINERS for c in name
    ):
        return None, "A name should contain letters only (hyphens and apostrophes are fine)."
    return name, None


def _is_letter(char: str) -> bool:
    """A letter or a combining mark (vowel signs, accents) of any script."""
    return unicodedata.category(char)[0] in ("L", "M")


def check_phone(value: object, region: str = DEFAULT_REGION) -> Checked:
    """A dialable number in E.164 (+16175550123); US numbers need no country code."""
    text = clean_text(value)
    if not text or len(text) > 120:
        return None, "Please give a phone number we can call, for example 617-555-0123."
    # "you can reach me at +1 (773) 555-0131, its my cell": the number inside the words.
    found = next(iter(phonenumbers.PhoneNumberMatcher(text, region)), None)
    if found is not None:
        text = found.raw_string
    elif len(text) > 40:
        return None, "Please give a phone number we can call, for example 617-555-0123."
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return (
            None,
            "That doesn't look like a phone number. Please type the digits, e.g. 617-555-0123.",
        )
    if not phonenumbers.is_valid_number(number):
        return None, (
            "That number doesn't seem complete or valid. Please check it; numbers outside "
            "the US need their country code, e.g. +44 20 7946 0958."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


# An address inside words: "you can email me at ana@example.com".
_EMAIL_IN_TEXT = re.compile(r"[^\s@<>,;:]+@[^\s@<>,;]+\.[^\s@<>,;]*[^\s@<>,;.!?]")


def check_email(value: object) -> Checked:
    text = clean_text(value)
    if len(text) > 254:
        return None, "That email address is too long. Please check it."
    found = _EMAIL_IN_TEXT.findall(text)
    if " " in text and len(found) == 1:
        text = found[0]
    try:
        if text.startswith(_FORMULA_STARTS):
            raise EmailNotValidError(text)
        return validate_email(text, check_deliverability=False).normalized, None
    except EmailNotValidError:
        return (
            None,
            "That doesn't look like an email address (like name@example.com). "
            "You can also skip it.",
        )


def check_free_text(value: object, what: str) -> Checked:
    text = clean_text(value)
    if not text or text.startswith(_FORMULA_STARTS):
        return None, f"Please tell me {what}."
    if len(text) > FREE_TEXT_MAX:
        return None, f"Please keep {what} under {FREE_TEXT_MAX} characters."
    return text, None
