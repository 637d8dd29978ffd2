"""`python -m bot content check` as the content team runs it: plain words, file and line, the
exit code `make train` stops on, and never a traceback."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from bot.cli import main
from bot.content import topics
from bot.content.approval import review_list, send_back
from bot.settings import ROOT
from tests.utils.content import TEXT, examples, line_with, replace, write_project


def content_check(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


@pytest.fixture
def whole_catalog(tmp_path):
    """A small project with every topic of the real catalog: no errors."""
    return write_project(
        tmp_path,
        blocks={f"faq/{t}": examples(t) for t in topics()},
        answers={t: TEXT.format(topic=t) for t in topics()},
    )


def test_a_yaml_error_gives_file_line_and_hint_not_a_traceback(whole_catalog):
    answers = whole_catalog / "data/responses/faq.yml"
    last = TEXT.format(topic=topics()[-1])
    replace(answers, f'"{last}"', f'"{last}')
    result = content_check("--no-rasa", "--project", str(whole_catalog))
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_with(answers, last)
    assert f"data/responses/faq.yml:{line}: error: this file is not valid YAML" in result.stdout
    assert "never closed" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("content check: 1 error(s)")


def test_warnings_alone_exit_zero_and_are_counted(whole_catalog, capsys):
    answers = whole_catalog / "data/responses/faq.yml"
    replace(answers, "needs_clinical_review: false", "needs_clinical_review: true")
    code = main(["content", "check", "--no-rasa", "--project", str(whole_catalog)])
    out = capsys.readouterr().out
    assert code == 0, out
    line = line_with(answers, "needs_clinical_review: true")
    assert (
        "1 answer(s) await clinical review (never approved on the staff app's review page), "
        f"at lines {line}" in out
    )
    assert out.splitlines()[-1] == (
        "content check: 0 error(s); 1 warning(s), 1 of them answers awaiting clinical review: "
        "OK to train (Rasa's validation skipped)"
    )


def test_errors_exit_non_zero_and_come_last(whole_catalog, capsys):
    answers = whole_catalog / "data/responses/faq.yml"
    replace(answers, "needs_clinical_review: false", "needs_clinical_review: true")
    replace(answers, "Something short and true", "See http://www.cancer.gov. Something")
    code = main(["content", "check", "--no-rasa", "--project", str(whole_catalog), "--all"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert ": warning: utter_faq/" in lines[0] and "awaiting clinical review" in lines[0]
    assert ": error: utter_faq/" in lines[-2] and "not secure" in lines[-2]


def test_the_report_as_json(whole_catalog, capsys):
    nlu = whole_catalog / "data/nlu/faq.yml"
    replace(nlu, "    - tell me about prrt number 3", "    - tell me about prrt number 3\n    x")
    assert (
        main(["content", "check", "--no-rasa", "--format", "json", "--project", str(whole_catalog)])
        == 1
    )
    [finding] = json.loads(capsys.readouterr().out)
    assert finding["severity"] == "error" and finding["kind"] == "example-format"
    assert set(finding) == {"severity", "file", "line", "message", "kind"}
    assert (finding["file"], finding["line"]) == ("data/nlu/faq.yml", line_with(nlu, "    x"))


def test_the_real_project_has_no_errors_with_rasa():
    """The default run, Rasa's validation included (about 25 s): no errors on this repository,
    and none of the warnings Rasa prints on every clean run."""
    result = content_check()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "Rasa says" not in result.stdout and "is never sent" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("content check: 0 error(s)")


def test_answers_sent_back_or_changed_since_approval_are_said_with_their_lines(
    whole_catalog, capsys
):
    """What a reviewer decided on the review page reaches the editor in the check."""
    answers = whole_catalog / "data/responses/faq.yml"
    today = dt.date.today()
    assert review_list(whole_catalog, today, 3650).waiting == []  # the fixture's: approved
    replace(answers, "needs_clinical_review: false", "needs_clinical_review: true")
    [waiting] = review_list(whole_catalog, today, 3650).waiting
    send_back(whole_catalog, waiting.ref, waiting.version, "dr.lee", "Name the drug.", today)
    topic = topics()[1]
    replace(answers, f"true about {topic}.", f"true about {topic}, really.")
    code = main(["content", "check", "--no-rasa", "--project", str(whole_catalog)])
    out = capsys.readouterr().out
    assert code == 0, out
    sent_back = line_with(answers, "sent_back:")
    assert (
        f"data/responses/faq.yml:{sent_back}: warning: {waiting.ref.response}: sent back by "
        f'dr.lee on {today}: "Name the drug."'
    ) in out
    changed = line_with(answers, f"true about {topic}, really.")
    assert (
        f"data/responses/faq.yml:{changed}: warning: utter_faq/{topic}: the text changed since "
        "dr.lee approved it on 2026-11-30: it waits for review again"
    ) in out
    assert out.splitlines()[-1] == (
        "content check: 0 error(s); 3 warning(s), 2 of them answers awaiting clinical review: "
        "OK to train (Rasa's validation skipped)"
    )
