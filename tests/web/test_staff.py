"""The staff dashboard (and the sign-in it shares with the API) over real HTTP: sign-in,
roles, sessions, CSRF, guessing limits, escaping, and the queue operations."""

import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

from bot.db.models import StaffSession, utcnow
from bot.staff.accounts import set_active
from tests.utils.staff_web import PASSWORD, api_token, csrf, sign_in


def test_anonymous_gets_the_sign_in_page_or_401(service):
    page = requests.get(f"{service['url']}/staff/", allow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
    for method, path in [
        ("get", "/api/leads"),
        ("post", "/api/leads/claim-next"),
        ("get", f"/api/leads/{service['leads'][0].reference}"),
        ("get", "/api/leads/export?start=2026-01-01&end=2026-12-31"),
    ]:
        assert getattr(requests, method)(f"{service['url']}{path}").status_code == 401, path
    forged = {"Authorization": "Bearer not-a-token"}
    assert requests.get(f"{service['url']}/api/leads", headers=forged).status_code == 401


def test_sign_in_sets_a_strict_http_only_cookie(service):
    browser = sign_in(service)
    cookie = next(c for c in browser.cookies if c.name == "net_staff_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite").lower() == "strict"
    assert not cookie.secure  # plain http here
    page = browser.get(f"{service['url']}/staff/")
    assert page.status_code == 200 and service["leads"][0].reference in page.text
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert header in page.headers


@pytest.mark.parametrize("web_settings", [{"forwarded_allow_ips": "127.0.0.1"}], indirect=True)
def test_cookie_is_secure_behind_https(service):
    https = {"X-Forwarded-Proto": "https"}
    page = requests.get(f"{service['url']}/staff/login", headers=https)
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    answer = requests.post(
        f"{service['url']}/staff/login",
        allow_redirects=False,
        headers={**https, "Cookie": f"__Host-csrftoken={token}"},
        data={"csrftoken": token, "username": "sam", "password": PASSWORD},
    )
    session = next(c for c in answer.raw.headers.getlist("set-cookie") if "net_staff" in c)
    assert "secure" in session.lower()


def test_wrong_password_unknown_user_and_disabled_account_are_refused(service):
    browser = requests.Session()
    for username, password in [("sam", "wrong password!!"), ("nobody", PASSWORD)]:
        token = csrf(browser, f"{service['url']}/staff/login")
        answer = browser.post(
            f"{service['url']}/staff/login",
            allow_redirects=False,
            data={"csrftoken": token, "username": username, "password": password},
        )
        assert answer.status_code == 401
        assert "Wrong username or password" in answer.text
    signed_in = sign_in(service)
    set_active(service["sessions"], "sam", False)
    assert signed_in.get(f"{service['url']}/staff/", allow_redirects=False).status_code == 303
    answer = requests.post(
        f"{service['url']}/api/session", json={"username": "sam", "password": PASSWORD}
    )
    assert answer.status_code == 401


def test_guessing_is_slowed_even_with_the_right_password_next(service):
    for _ in range(5):
        answer = requests.post(
            f"{service['url']}/api/session",
            json={"username": "sam", "password": "guess guess guess"},
        )
        assert answer.status_code == 401
    answer = requests.post(
        f"{service['url']}/api/session", json={"username": "sam", "password": PASSWORD}
    )
    assert answer.status_code == 429
    assert answer.json()["detail"] == "Too many attempts, try again in 60 seconds."
    assert answer.headers["Retry-After"] == "60"
    assert (
        requests.post(
            f"{service['url']}/api/session", json={"username": "ada", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_staff_gets_403_on_admin_actions(service):
    browser = sign_in(service)
    assert browser.get(f"{service['url']}/staff/export").status_code == 403
    assert browser.get(f"{service['url']}/staff/accounts").status_code == 403
    headers = api_token(service)
    reference = service["leads"][0].reference
    assert (
        requests.get(
            f"{service['url']}/api/leads/export?start=2026-01-01&end=2030-01-01", headers=headers
        ).status_code
        == 403
    )
    assert (
        requests.delete(f"{service['url']}/api/leads/{reference}", headers=headers).status_code
        == 403
    )


def test_admins_add_accounts_and_weak_passwords_are_refused_with_the_reason(service):
    browser = sign_in(service, "ada")
    token = csrf(browser, f"{service['url']}/staff/accounts")
    for password, reason in [
        ("password1234", "too easy to guess"),
        ("tim is here, hello", "must not contain the username"),
    ]:
        answer = browser.post(
            f"{service['url']}/staff/accounts",
            data={"csrftoken": token, "username": "tim", "password": password},
        )
        assert answer.status_code == 422 and reason in answer.text
    added = browser.post(
        f"{service['url']}/staff/accounts",
        data={"csrftoken": token, "username": "tim", "password": PASSWORD},
    )
    assert added.status_code == 200 and "Account saved." in added.text


def test_a_session_expires_after_inactivity(service):
    browser = sign_in(service)
    headers = api_token(service)
    with service["sessions"]() as session:
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=16)))
        session.commit()
    assert browser.get(f"{service['url']}/staff/", allow_redirects=False).status_code == 303
    assert requests.get(f"{service['url']}/api/leads", headers=headers).status_code == 401


def test_changes_without_the_csrf_token_are_refused(service):
    browser = sign_in(service)
    reference = service["leads"][0].reference
    for path in ("/staff/claim-next", f"/staff/leads/{reference}/claim", "/staff/logout"):
        answer = browser.post(f"{service['url']}{path}", data={}, allow_redirects=False)
        assert answer.status_code == 403, path
        answer = browser.post(
            f"{service['url']}{path}", data={"csrftoken": "forged"}, allow_redirects=False
        )
        assert answer.status_code == 403, path
    # The JSON API with the session cookie needs the token in a header.
    assert browser.post(f"{service['url']}/api/leads/claim-next").status_code == 403
    token = browser.cookies["csrftoken"]
    answer = browser.post(f"{service['url']}/api/leads/claim-next", headers={"x-csrftoken": token})
    assert answer.status_code == 200
    # Signing in is checked too, even without any cookie yet.
    answer = requests.post(
        f"{service['url']}/staff/login", data={"username": "sam", "password": PASSWORD}
    )
    assert answer.status_code == 403


def test_a_hostile_name_renders_as_text(service):
    browser = sign_in(service)
    hostile = service["leads"][1]
    page = browser.get(f"{service['url']}/staff/leads/{hostile.reference}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bob" in page.text
    assert "<script>" not in page.text


def test_claim_and_record_outcomes_through_the_dashboard(service):
    browser = sign_in(service)
    first = service["leads"][0]
    token = csrf(browser, f"{service['url']}/staff/")
    claimed = browser.post(f"{service['url']}/staff/claim-next", data={"csrftoken": token})
    assert claimed.url.endswith(f"/staff/leads/{first.reference}?notice=claimed")
    assert "Ann Lee" in claimed.text and "Save outcome" in claimed.text
    assert "claimed by sam" in browser.get(f"{service['url']}/staff/").text
    saved = browser.post(
        f"{service['url']}/staff/leads/{first.reference}/outcome",
        data={"csrftoken": token, "outcome": "contacted", "note": "booked for Tuesday"},
    )
    assert saved.status_code == 200 and "booked for Tuesday" in saved.text
    assert "sam · updated · contacted" in saved.text
    # Someone else cannot record an outcome on a lead they do not hold.
    other = sign_in(service, "ada")
    answer = other.post(
        f"{service['url']}/staff/leads/{first.reference}/outcome",
        data={"csrftoken": csrf(other, f"{service['url']}/staff/"), "outcome": "contacted"},
    )
    assert answer.status_code == 409


def test_hostile_search_and_form_input_is_refused_or_shown_as_text(service):
    browser = sign_in(service)
    page = browser.get(
        f"{service['url']}/staff/",
        params={"reference": "' OR 1=1 --<script>", "status": "<b>x</b>"},
    )
    assert page.status_code == 200 and "Nothing here." in page.text
    assert "<script>" not in page.text and "&#39; OR 1=1 --&lt;script&gt;" in page.text
    token = csrf(browser, f"{service['url']}/staff/")
    reference = service["leads"][0].reference
    browser.post(f"{service['url']}/staff/leads/{reference}/claim", data={"csrftoken": token})
    huge = browser.post(
        f"{service['url']}/staff/leads/{reference}/outcome",
        data={"csrftoken": token, "outcome": "contacted", "note": "x" * 600},
    )
    assert huge.status_code == 422 and "at most 500 characters" in huge.text
    unknown = browser.post(
        f"{service['url']}/staff/leads/{reference}/outcome",
        data={"csrftoken": token, "outcome": "<script>"},
    )
    assert unknown.status_code == 422 and "<script>" not in unknown.text
    assert "the outcome is one of" in unknown.text  # a page with the reason, not JSON
    answer = requests.post(
        f"{service['url']}/api/session",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422


def test_the_sign_in_page_says_how_long_to_wait(service):
    browser = requests.Session()
    for _ in range(6):
        token = csrf(browser, f"{service['url']}/staff/login")
        answer = browser.post(
            f"{service['url']}/staff/login",
            data={"csrftoken": token, "username": "sam", "password": "guess guess guess"},
        )
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "60"
    assert "try again in 60 seconds" in answer.text  # the configured delay, not a fixed one


def test_an_unknown_request_is_a_page_that_says_so(service):
    browser = sign_in(service)
    page = browser.get(f"{service['url']}/staff/leads/NET-NOPE99")
    assert page.status_code == 404 and "no request NET-NOPE99" in page.text
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("web_settings", [{"lead_views_per_minute": 2}], indirect=True)
def test_the_lead_page_counts_towards_the_same_limit(service):
    browser = sign_in(service)
    reference = service["leads"][0].reference
    assert requests.get(f"{service['url']}/api/leads/{reference}", headers=api_token(service)).ok
    assert browser.get(f"{service['url']}/staff/leads/{reference}").status_code == 200
    page = browser.get(f"{service['url']}/staff/leads/{reference}")
    assert page.status_code == 429 and "wait a minute" in page.text
    assert "Ann Lee" not in page.text
