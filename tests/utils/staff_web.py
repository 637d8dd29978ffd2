"""Signing in to the staff web service as a browser (cookie + CSRF token) or an API client."""

import re

import requests

PASSWORD = "correct horse battery"


def csrf(browser: requests.Session, url: str) -> str:
    page = browser.get(url)
    return re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)


def sign_in(service, username="sam", password=PASSWORD) -> requests.Session:
    browser = requests.Session()
    token = csrf(browser, f"{service['url']}/staff/login")
    answer = browser.post(
        f"{service['url']}/staff/login",
        allow_redirects=False,
        data={"csrftoken": token, "username": username, "password": password, "next": "/staff/"},
    )
    assert answer.status_code == 303, answer.text
    return browser


def api_token(service, username="sam") -> dict:
    answer = requests.post(
        f"{service['url']}/api/session", json={"username": username, "password": PASSWORD}
    )
    assert answer.status_code == 200
    return {"Authorization": f"Bearer {answer.json()['token']}"}
