"""The retrain reports page over real HTTP: admins only, each report served as its files
under the app's CSP, and a run name that is not one of ours refused."""

import pytest
import requests

from tests.utils.reports import write_report
from tests.utils.staff_web import sign_in

RUN = "20261201-120000"
HOSTILE = "<script>alert(1)</script> is prrt safe"


@pytest.fixture
def reports(web_settings):
    write_report(web_settings.reports_dir, RUN, HOSTILE)
    (web_settings.reports_dir / "notes").mkdir()  # not a run: not listed
    return web_settings.reports_dir


def test_anonymous_is_sent_to_sign_in_and_staff_is_refused(service, reports):
    url = service["url"]
    for path in ("/staff/reports/", f"/staff/reports/{RUN}/", f"/staff/reports/{RUN}/gate.json"):
        anonymous = requests.get(url + path, allow_redirects=False)
        assert anonymous.status_code == 303, path
        assert anonymous.headers["location"].startswith("/staff/login")
        assert sign_in(service, "sam").get(url + path).status_code == 403, path


def test_an_admin_sees_the_list_and_a_report_with_its_files(service, reports):
    admin = sign_in(service, "ada")
    listing = admin.get(f"{service['url']}/staff/reports/")
    assert listing.status_code == 200
    assert f'href="/staff/reports/{RUN}/"' in listing.text and "notes" not in listing.text
    assert "intent accuracy 0.500 is below the threshold 0.900" in listing.text
    assert 'href="/staff/reports/"' in admin.get(f"{service['url']}/staff/").text  # nav

    page = admin.get(f"{service['url']}/staff/reports/{RUN}", allow_redirects=True)
    assert page.status_code == 200 and page.url.endswith(f"/staff/reports/{RUN}/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is prrt safe" in page.text
    assert "<script" not in page.text
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    plot = admin.get(f"{service['url']}/staff/reports/{RUN}/confusion.png")
    assert plot.headers["content-type"] == "image/png" and plot.content[:4] == b"\x89PNG"
    style = admin.get(f"{service['url']}/staff/reports/{RUN}/report.css")
    assert style.headers["content-type"].startswith("text/css")
    assert admin.get(f"{service['url']}/staff/reports/{RUN}/gate.json").json()["run_id"] == RUN


def test_a_staff_member_does_not_see_the_reports_link(service, reports):
    page = sign_in(service, "sam").get(f"{service['url']}/staff/")
    assert "/staff/reports/" not in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/staff/reports/..%2F..%2Fbot/settings.py",
        f"/staff/reports/{RUN}/..%2F..%2F..%2Fbot%2Fsettings.py",
        f"/staff/reports/{RUN}/%2e%2e",
        "/staff/reports/%2e%2e/gate.json",
        f"/staff/reports/{RUN}/secret.txt",
        "/staff/reports/20261201-999999/",
        "/staff/reports/not-a-run/report.html",
    ],
)
def test_a_name_that_is_not_a_report_file_is_refused(service, reports, path):
    (reports / RUN / "secret.txt").write_text("not served")
    answer = sign_in(service, "ada").get(service["url"] + path, allow_redirects=False)
    assert answer.status_code == 404, (path, answer.text[:200])
    assert "not served" not in answer.text and "BaseSettings" not in answer.text
