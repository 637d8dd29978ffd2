"""Publishing models, rolling back and the live file, on SQLite and PostgreSQL."""

import gzip
import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.models import AuditEntry, ModelPublication
from bot.models.archive import sha256_of
from bot.models.registry import STARTUP_ACTOR, PublishRefused, Registry
from tests.utils.published import model_file, tar_gz


@pytest.fixture
def models(sessions, tmp_path):
    return Registry(sessions, tmp_path / "published")


def audit(sessions):
    with sessions() as session:
        return [
            (e.actor, e.action, e.lead_id, e.detail)
            for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        ]


def test_a_publication_is_live_its_file_kept_by_hash_and_audited(models, sessions, tmp_path):
    source = model_file(tmp_path / "candidate.tar.gz", "first")
    gate = {"passed": True, "metrics": {"intent_accuracy": 0.93}}
    published = models.publish(source, "ada", gate)
    sha = sha256_of(source)
    assert (published.sha256, published.file_name, published.actor) == (sha, source.name, "ada")
    assert published.live and published.gate == gate and published.verdict == "passed"
    assert models.current() == published
    assert models.live_file() == models.path_of(sha)
    assert models.path_of(sha).read_bytes() == source.read_bytes()
    [(actor, action, lead, detail)] = audit(sessions)
    assert (actor, action, lead) == ("ada", "model_publish", None)
    assert f"#{published.id} candidate.tar.gz sha256 {sha[:12]}" in detail
    assert detail.endswith("gate passed")
    # Nothing half-written is left next to the published files.
    assert [p.name for p in models.directory.iterdir()] == [f"{sha}.tar.gz"]


def test_a_new_publication_replaces_the_live_one(models, tmp_path):
    first = models.publish(model_file(tmp_path / "one.tar.gz", "1"), "ada")
    second = models.publish(model_file(tmp_path / "two.tar.gz", "2"), "bob")
    assert models.current() == second and second.verdict == "not gated"
    assert [(p.id, p.live) for p in models.publications()] == [(second.id, True), (first.id, False)]


def test_rollback_brings_back_the_previous_model_and_goes_further_back_each_time(
    models, sessions, tmp_path
):
    first, second, third = (
        models.publish(model_file(tmp_path / f"{n}.tar.gz", n), "ada") for n in "123"
    )
    assert models.rollback("sam").id == second.id
    assert models.current().id == second.id
    assert models.rollback("sam").id == first.id
    by_id = {p.id: p for p in models.publications()}
    assert by_id[third.id].withdrawn_at and by_id[second.id].withdrawn_at
    assert by_id[first.id].live and by_id[first.id].withdrawn_at is None
    with pytest.raises(PublishRefused, match=f"nothing to roll back to: publication #{first.id}"):
        models.rollback("sam")
    rollbacks = [entry for entry in audit(sessions) if entry[1] == "model_rollback"]
    assert [(actor, detail.split(";")[0]) for actor, _, _, detail in rollbacks] == [
        ("sam", f"#{third.id} withdrawn"),
        ("sam", f"#{second.id} withdrawn"),
    ]
    assert f"#{first.id} 1.tar.gz sha256 {first.sha256[:12]} live" in rollbacks[1][3]


def test_rollback_with_nothing_published_says_so(models, sessions):
    with pytest.raises(PublishRefused, match="no model is live: there is nothing to roll back"):
        models.rollback("sam")
    assert audit(sessions) == []


def test_rollback_refuses_when_the_previous_file_is_gone(models, tmp_path):
    first = models.publish(model_file(tmp_path / "one.tar.gz", "1"), "ada")
    second = models.publish(model_file(tmp_path / "two.tar.gz", "2"), "ada")
    models.path_of(first.sha256).unlink()
    with pytest.raises(PublishRefused, match=f"file of publication #{first.id} is missing"):
        models.rollback("sam")
    assert models.current().id == second.id


def test_the_live_model_again_is_refused(models, sessions, tmp_path):
    source = model_file(tmp_path / "one.tar.gz")
    first = models.publish(source, "ada")
    with pytest.raises(PublishRefused, match=f"already the live model .publication #{first.id}"):
        models.publish(source, "ada")
    assert len(models.publications()) == 1 and len(audit(sessions)) == 1


def test_a_model_the_gate_refused_is_not_published(models, sessions, tmp_path):
    with pytest.raises(PublishRefused, match="the quality gate refused one.tar.gz"):
        models.publish(model_file(tmp_path / "one.tar.gz"), "ada", {"passed": False})
    with pytest.raises(PublishRefused, match="gate results must be a JSON object"):
        models.publish(model_file(tmp_path / "two.tar.gz"), "ada", ["passed"])  # type: ignore[arg-type]
    assert models.current() is None and audit(sessions) == []


BAD_FILES = {
    "notes.txt": (b"just some text\n", "not a .tar.gz archive"),
    "empty.tar.gz": (b"", "not a .tar.gz archive"),
    "text.gz": (gzip.compress(b"not a tar"), "not a .tar.gz archive"),
    "other.tar.gz": (tar_gz({"readme.md": b"hi"}), "an archive without metadata.json"),
    "broken.tar.gz": (tar_gz({"metadata.json": b"\xff{"}), "its metadata.json is not JSON"),
    "list.tar.gz": (tar_gz({"metadata.json": b"[1]"}), "names no Rasa version"),
    "old.tar.gz": (
        tar_gz({"metadata.json": json.dumps({"rasa_open_source_version": "3.6.20"}).encode()}),
        "was trained by Rasa 3.6.20; the servers run models of 3.6.21 or later",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_file_that_is_not_a_rasa_model_is_refused_plainly(name, models, sessions, tmp_path):
    data, why = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(PublishRefused) as refused:
        models.publish(path, "ada")
    assert str(refused.value).startswith(name) and why in str(refused.value)
    assert models.current() is None and audit(sessions) == []
    assert not models.directory.exists() or not list(models.directory.iterdir())


def test_a_missing_file_is_refused(models, tmp_path):
    with pytest.raises(PublishRefused, match="no model file at .*nowhere.tar.gz"):
        models.publish(tmp_path / "nowhere.tar.gz", "ada")
    with pytest.raises(PublishRefused, match="no model file at"):
        models.publish(tmp_path, "ada")  # a directory


def test_at_start_a_trained_model_is_published_once_and_a_rollback_survives(models, tmp_path):
    trained = model_file(tmp_path / "net-assistant.tar.gz", "trained")
    adopted = models.adopt(trained)
    assert adopted is not None and adopted.actor == STARTUP_ACTOR and adopted.live
    assert models.adopt(trained) is None  # a restart: nothing new
    newer = models.publish(model_file(tmp_path / "candidate.tar.gz", "better"), "ada")
    assert models.adopt(trained) is None and models.current().id == newer.id
    models.rollback("ada")
    retrained = model_file(tmp_path / "net-assistant.tar.gz", "retrained")
    models.path_of(adopted.sha256).unlink()  # even with its file lost
    assert models.adopt(adopted_path := model_file(tmp_path / "copy.tar.gz", "trained")) is None
    assert models.path_of(adopted.sha256).read_bytes() == adopted_path.read_bytes()
    # The newest trained model is a new one: it goes live at the next start.
    assert models.adopt(retrained).sha256 == sha256_of(retrained)
    assert models.adopt(tmp_path / "never-trained.tar.gz") is None


def test_the_database_allows_one_live_model_only(models, sessions, tmp_path):
    models.publish(model_file(tmp_path / "one.tar.gz"), "ada")
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(ModelPublication(file_name="x", sha256="0" * 64, actor="x", live=True))
