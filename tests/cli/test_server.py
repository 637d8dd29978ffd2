"""`python -m bot run`: a clear message without a model, migrations before any process."""

import bot.topology
from bot.cli import main


def test_run_without_a_model_says_how_to_get_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bot.topology, "MODEL", tmp_path / "missing.tar.gz")
    assert main(["run"]) == 1
    assert "make train" in capsys.readouterr().err


def test_run_migrates_the_database_before_starting_anything(monkeypatch, tmp_path):
    calls = []
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")

    class RecordingManager:
        returncode = 0

        def add_process(self, name, *args, **kwargs):
            calls.append(name)

        def loop(self):
            calls.append("loop")

    monkeypatch.setattr(bot.topology, "MODEL", model)
    monkeypatch.setattr(bot.topology, "Manager", RecordingManager)
    monkeypatch.setattr(bot.topology.migrate, "upgrade", lambda: calls.append("migrate"))
    assert main(["run"]) == 0
    assert calls == ["migrate", "actions", "rasa", "web", "loop"]
