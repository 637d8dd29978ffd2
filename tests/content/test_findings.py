"""The report as data, and its one-line summary."""

from bot.content.findings import ERROR, WARNING, Finding, summary


def test_a_finding_says_where_and_what():
    assert str(Finding(ERROR, "data/nlu/faq.yml", 12, "fix it")) == (
        "data/nlu/faq.yml:12: error: fix it"
    )
    assert Finding(WARNING, "", 0, "x").where == "project"


def test_the_summary_counts_errors_warnings_and_reviews():
    findings = [
        Finding(ERROR, "a", 1, "x"),
        Finding(WARNING, "b", 2, "y", "awaiting-review"),
        Finding(WARNING, "b", 3, "z"),
    ]
    line = summary(findings)
    assert line.startswith("content check: 1 error(s); 2 warning(s), 1 of them answers awaiting")
    assert "fix the errors above" in line
    assert summary([Finding(WARNING, "b", 3, "z")], rasa_skipped=True).endswith(
        "OK to train (Rasa's validation skipped)"
    )
