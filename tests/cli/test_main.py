"""The command line's entry: every command is reachable from `python -m bot`."""

import pytest

from bot.cli import build_parser


@pytest.mark.parametrize(
    "argv",
    [
        ["run"],
        ["web"],
        ["content", "check"],
        ["content", "publish", "models/net-assistant.tar.gz"],
        ["content", "rollback"],
        ["content", "models"],
        ["db", "upgrade"],
        ["db", "wait"],
        ["queue", "list"],
        ["queue", "drain"],
        ["queue", "claim", "--as", "x"],
        ["queue", "update", "R", "--as", "x", "--outcome", "contacted"],
        ["queue", "export", "--as", "x", "--from", "2026-01-01", "--to", "2026-01-31"],
        ["queue", "delete", "R", "--as", "x"],
        ["queue", "release", "R", "--as", "x"],
        ["staff", "list"],
        ["staff", "add", "x"],
        ["staff", "disable", "x"],
        ["staff", "enable", "x"],
    ],
)
def test_every_command_is_reachable(argv):
    assert callable(build_parser().parse_args(argv).func)


def test_an_unknown_command_is_refused_with_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["bench"])
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err
