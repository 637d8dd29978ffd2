"""The web service's request ids and access log: every answer names its request, the chat
server's deletion carries the same id, and the access log has neither query strings nor the
health checks the proxy makes every few seconds."""

import logging
import re

import requests

from bot.logs.request_ids import HEADER, PATTERN
from tests.utils.staff_web import api_token


def test_every_answer_carries_the_request_id_a_client_gave_only_when_it_is_one(service):
    url = service["url"]
    made = requests.get(f"{url}/").headers[HEADER]
    assert re.fullmatch(PATTERN, made)
    assert requests.get(f"{url}/", headers={HEADER: "lb-1234"}).headers[HEADER] == "lb-1234"
    forged = requests.get(f"{url}/", headers={HEADER: "Maria Lopez 617 555 0101"})
    assert re.fullmatch(PATTERN, forged.headers[HEADER])
    refused = requests.get(f"{url}/api/leads", headers={HEADER: "lb-401"})
    assert (refused.status_code, refused.headers[HEADER]) == (401, "lb-401")


def test_a_deletion_passes_its_request_id_to_the_chat_server(service):
    admin = api_token(service, "ada")
    reference = service["leads"][0].reference
    answer = requests.delete(
        f"{service['url']}/api/leads/{reference}", headers={**admin, HEADER: "delete-42"}
    )
    assert answer.status_code == 204
    assert service["chat_calls"].request_ids == ["delete-42"]


def test_the_access_log_has_method_path_and_status_only(service, caplog):
    caplog.set_level(logging.INFO, logger="bot.web.access")
    url = service["url"]
    requests.get(f"{url}/api/leads?reference=Maria+Lopez&phone=6175550101")
    requests.get(f"{url}/healthz")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.web.access"]
    assert len(lines) == 1 and re.fullmatch(r"GET /api/leads 401 \d+ ms", lines[0]), lines
