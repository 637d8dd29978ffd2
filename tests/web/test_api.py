"""The staff JSON API over real HTTP: the queue, exports and deletion, sign-out."""

import csv
import io

import requests

from tests.utils.staff_web import api_token


def test_the_api_works_the_queue_and_admins_export_and_delete(service):
    staff, admin = api_token(service, "sam"), api_token(service, "ada")
    url = service["url"]
    listed = requests.get(f"{url}/api/leads", headers=staff).json()
    assert [row["reference"] for row in listed] == [lead.reference for lead in service["leads"]]
    assert "name" not in listed[0] and "phone" not in listed[0]
    assert requests.get(f"{url}/api/leads?status=bogus", headers=staff).status_code == 422
    lead = requests.post(f"{url}/api/leads/claim-next", headers=staff).json()
    assert lead["status"] == "claimed" and lead["name"] == "Ann Lee"
    bad = requests.patch(
        f"{url}/api/leads/{lead['reference']}", headers=staff, json={"outcome": "closed"}
    )
    assert bad.status_code == 422
    done = requests.patch(
        f"{url}/api/leads/{lead['reference']}",
        headers=staff,
        json={"outcome": "closed", "closed_reason": "duplicate"},
    )
    assert done.json()["status"] == "closed"
    assert requests.post(f"{url}/api/leads/NET-NOPE99/claim", headers=staff).status_code == 404
    exported = requests.get(
        f"{url}/api/leads/export?start=2000-01-01&end=2100-01-01", headers=admin
    )
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert exported.headers["content-type"].startswith("text/csv") and len(rows) == 2
    assert requests.delete(f"{url}/api/leads/{lead['reference']}", headers=admin).status_code == 204
    assert requests.get(f"{url}/api/leads/{lead['reference']}", headers=admin).status_code == 404
    assert requests.delete(f"{url}/api/session", headers=staff).status_code == 204
    assert requests.get(f"{url}/api/leads", headers=staff).status_code == 401
    assert requests.get(f"{url}/api/openapi.json").json()["paths"]["/api/leads/claim-next"]
