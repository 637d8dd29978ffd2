"""Callback form values: good, bad and hostile input, each with a reason for the visitor."""

import pytest

from bot.intake.checks import check_email, check_free_text, check_name, check_phone, clean_text


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("617-555-0123", "+16175550123"),
        ("(617) 555 0123", "+16175550123"),
        ("my number is 617.555.0123", "+16175550123"),
        ("+1 617 555 0123", "+16175550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("\u200b617\u00a0555\u20110123", "+16175550123"),  # zero-width, no-break characters
    ],
)
def test_phone_numbers_become_e164(typed, e164):
    assert check_phone(typed) == (e164, None)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "12",
        "555",
        "call me",
        "1" * 41,
        "+44 12",
        "<script>alert(1)</script>",
        "'; DROP TABLE leads; --",
        "☎️☎️☎️",
    ],
)
def test_bad_phone_numbers_are_refused_with_a_reason(typed):
    value, reason = check_phone(typed)
    assert value is None and reason
    assert not typed.strip() or typed.strip() not in reason  # never echoes the input


@pytest.mark.parametrize(
    "typed, clean",
    [
        ("  Maria   Lopez ", "Maria Lopez"),
        ("Seán O'Brien-Ó Dálaigh", "Seán O'Brien-Ó Dálaigh"),
        ("李小龍", "李小龍"),
        ("<b>Ann</b>", "Ann"),
        ("Ann\x00\x1b Lee\u202e", "Ann Lee"),
    ],
)
def test_names_are_trimmed_and_stripped_of_markup_and_controls(typed, clean):
    assert check_name(typed) == (clean, None)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "<script>alert(1)</script>",
        "'; DROP TABLE leads; --",
        "R2D2",
        "a" * 101,
        "👍",
    ],
)
def test_unusable_names_are_refused_with_a_reason(typed):
    value, reason = check_name(typed)
    assert value is None and reason


def test_email_syntax_and_normalisation():
    assert check_email(" Jo.Smith@Example.COM ") == ("Jo.Smith@example.com", None)
    for bad in ("jo@", "not an email", "<a@b.com>x", "a" * 250 + "@example.com", ""):
        value, reason = check_email(bad)
        assert value is None and "email" in reason


def test_an_email_inside_words_is_taken_only_when_it_is_the_one_address():
    assert check_email("you can email me at Ana.Ruiz@example.com.") == (
        "Ana.Ruiz@example.com",
        None,
    )
    assert check_email("mi correo: ana@example.com") == ("ana@example.com", None)
    # Two addresses are no clear answer; markup around one is dropped as everywhere.
    assert check_email("ana@example.com or bo@example.com")[0] is None
    assert check_email("see <b>ana@example.com</b> ok") == ("ana@example.com", None)


def test_free_text_is_limited_and_cleaned():
    assert check_free_text(" weekday <i>mornings</i> ", "a time") == ("weekday mornings", None)
    assert check_free_text("x" * 101, "a time")[0] is None
    assert check_free_text("\x07", "a time") == (None, "Please tell me a time.")


@pytest.mark.parametrize(
    "typed", ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"]
)
def test_nothing_a_spreadsheet_would_run_as_a_formula_is_taken(typed):
    assert check_free_text(typed, "a time") == (None, "Please tell me a time.")
    assert check_free_text(f"  {typed}", "a time")[0] is None
    value, reason = check_email(f"{typed}@example.com".replace(" ", ""))
    assert value is None and "email" in reason


def test_formula_characters_inside_a_value_are_fine():
    assert check_free_text("after 3pm - not mornings", "a time")[0] == "after 3pm - not mornings"
    assert check_email("ana-ruiz+net@example.com")[0] == "ana-ruiz+net@example.com"


def test_clean_text_handles_non_strings():
    assert clean_text(None) == "" and clean_text(12) == "12"
