"""CSRF protection over real HTTP: no crash on any body, tokens bound to the staff session,
and a `__Host-` cookie over HTTPS. (That changes need the token at all is in test_staff.py.)"""

import re

import pytest
import requests

from tests.utils.staff_web import PASSWORD, csrf, sign_in

HTTPS_SETTINGS = [{"cookie_secure": True}, {"forwarded_allow_ips": "127.0.0.1"}]


def test_a_multipart_form_is_refused_with_a_reason_not_a_crash(service):
    browser = sign_in(service)
    for path in ("/staff/claim-next", "/staff/login"):
        answer = browser.post(
            f"{service['url']}{path}",
            files={"csrftoken": (None, browser.cookies["csrftoken"])},
            allow_redirects=False,
        )
        assert answer.status_code == 415, path
        assert "application/x-www-form-urlencoded" in answer.text
    # Even without any cookie, the sign-in form is checked (and not crashed on).
    answer = requests.post(f"{service['url']}/staff/login", files={"username": (None, "sam")})
    assert answer.status_code == 415


def test_odd_tokens_are_refused_not_crashed_on(service):
    browser = sign_in(service)
    url = f"{service['url']}/api/leads/claim-next"
    for odd in ("é.é", "", ".", "x" * 5000):
        assert browser.post(url, headers={"x-csrftoken": odd}).status_code == 403, odd
        answer = requests.post(url, cookies={"csrftoken": odd}, data={"csrftoken": odd})
        assert answer.status_code == 403, odd
    form = {"csrftoken": "é"}
    assert browser.post(f"{service['url']}/staff/claim-next", data=form).status_code == 403


def test_a_form_too_large_to_be_one_of_ours_is_refused(service):
    browser = sign_in(service)
    answer = browser.post(
        f"{service['url']}/staff/claim-next", data={"note": "x" * 100_000}, allow_redirects=False
    )
    assert answer.status_code == 413


def test_a_token_is_worthless_with_another_session(service):
    url = service["url"]
    sam, ada = sign_in(service, "sam"), sign_in(service, "ada")
    sams_token = csrf(sam, f"{url}/staff/")
    assert csrf(ada, f"{url}/staff/") != sams_token
    # An attacker who plants their own valid token cookie next to the victim's session
    # (cookie tossing) gets nowhere: the token was made for another session.
    # Nor does a token fetched before signing in.
    before_sign_in = csrf(requests.Session(), f"{url}/staff/login")
    for planted in (sams_token, before_sign_in):
        answer = requests.post(
            f"{url}/staff/claim-next",
            cookies={"net_staff_session": ada.cookies["net_staff_session"], "csrftoken": planted},
            data={"csrftoken": planted},
            allow_redirects=False,
        )
        assert answer.status_code == 403
    # The victim's own token still works.
    answer = sam.post(f"{url}/staff/claim-next", data={"csrftoken": sams_token})
    assert answer.status_code == 200 and "claimed" in answer.url


def test_the_token_follows_the_session_through_sign_in_and_sign_out(service):
    url = service["url"]
    browser = requests.Session()
    anonymous = csrf(browser, f"{url}/staff/login")
    answer = browser.post(
        f"{url}/staff/login",
        data={"csrftoken": anonymous, "username": "sam", "password": PASSWORD},
        allow_redirects=False,
    )
    signed_in = browser.cookies["csrftoken"]
    assert answer.status_code == 303 and signed_in != anonymous
    refused = browser.post(f"{url}/api/leads/claim-next", headers={"x-csrftoken": anonymous})
    assert refused.status_code == 403
    browser.post(f"{url}/staff/logout", data={"csrftoken": signed_in}, allow_redirects=False)
    assert browser.cookies["csrftoken"] not in (anonymous, signed_in)


def set_cookies(answer):
    return [value for name, value in answer.raw.headers.items() if name.lower() == "set-cookie"]


@pytest.mark.parametrize("web_settings", HTTPS_SETTINGS, indirect=True)
def test_over_https_the_cookie_is_host_prefixed_and_only_that_one_counts(service):
    url, https = service["url"], {"X-Forwarded-Proto": "https"}
    page = requests.get(f"{url}/staff/login", headers=https)
    [cookie] = set_cookies(page)
    assert cookie.startswith("__Host-csrftoken=")
    assert "secure" in cookie.lower() and "path=/" in cookie.lower()
    assert "domain" not in cookie.lower()
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    form = {"csrftoken": token, "username": "sam", "password": PASSWORD}
    # A plain `csrftoken` cookie is what a sibling host or a plain-HTTP answer could set.
    tossed = requests.post(
        f"{url}/staff/login",
        headers={**https, "Cookie": f"csrftoken={token}"},
        data=form,
        allow_redirects=False,
    )
    assert tossed.status_code == 403
    answer = requests.post(
        f"{url}/staff/login",
        headers={**https, "Cookie": f"__Host-csrftoken={token}"},
        data=form,
        allow_redirects=False,
    )
    assert answer.status_code == 303
    assert any(c.startswith("__Host-csrftoken=") for c in set_cookies(answer))
