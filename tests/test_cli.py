"""The command line: clear messages instead of tracebacks."""
import bot.run
from bot.cli import build_parser, main


def test_run_without_a_model_says_how_to_get_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bot.run, "MODEL", tmp_path / "missing.tar.gz")
    assert main(["run"]) == 1
    assert "make train" in capsys.readouterr().err


def test_every_command_is_reachable():
    parser = build_parser()
    for argv in (["run"], ["web"], ["content", "check"], ["bench", "--only", "rescore"]):
        assert callable(parser.parse_args(argv).func)
