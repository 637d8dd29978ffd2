"""`python -m bot run` (the whole local topology, as `make run`), `python -m bot
run-prod-local` (the production topology on this machine), `python -m bot web` and
`python -m bot actions`."""

import argparse
import sys
from pathlib import Path
from typing import Any, List


def add_commands(commands: Any) -> None:
    commands.add_parser(
        "run", help="start Rasa, the action server and the web service"
    ).set_defaults(func=_run)
    commands.add_parser(
        "run-prod-local",
        help="the production topology on this machine: two Rasa servers behind HAProxy, "
        "PostgreSQL and Redis stores",
    ).set_defaults(func=_run_prod_local)
    chat = commands.add_parser(
        "chat",
        help="start one Rasa server with the CORS origins of SITE_ORIGINS, each its own "
        "argument (production: the compose `rasa` service)",
    )
    chat.add_argument("--model", default="models/net-assistant.tar.gz")
    chat.add_argument("--endpoints", default="deploy/endpoints.production.yml")
    chat.add_argument("--credentials", default="deploy/credentials.production.yml")
    chat.add_argument("--interface", default="0.0.0.0")
    chat.add_argument("--port", default="5005")
    chat.set_defaults(func=_chat)
    commands.add_parser("web", help="start only the web service").set_defaults(func=_web)
    commands.add_parser("actions", help="start only the action server").set_defaults(func=_actions)


def _run(_: argparse.Namespace) -> int:
    from bot.topology import run

    return run()


def _run_prod_local(_: argparse.Namespace) -> int:
    from bot.production_local import run

    return run()


def chat_argv(args: argparse.Namespace, origins: List[str]) -> List[str]:
    """`rasa run` for these options; the origins (comma- or space-separated in SITE_ORIGINS)
    each an argument of --cors, which a shell-less compose command cannot split."""
    return [
        str(Path(sys.executable).parent / "rasa"),
        "run",
        "--model",
        args.model,
        "--endpoints",
        args.endpoints,
        "--credentials",
        args.credentials,
        "--interface",
        args.interface,
        "--port",
        args.port,
        "--cors",
        *origins,
    ]


def _chat(args: argparse.Namespace) -> int:
    """Rasa's command line in this process, so that it logs as every process does (bot/logs).
    Rasa's own `--logging-config-file` cannot do that in 3.6: right after applying the file,
    its command line installs coloredlogs, which replaces any handler writing to stdout or
    stderr with its own text format. So that step is skipped; the rest is Rasa's as it is.
    It starts once its model server has a model for it (bot/chat/model_server.py)."""
    import rasa.__main__
    import rasa.utils.io

    from bot.chat.model_server import wait_for_model
    from bot.settings import get_settings, parse_origins

    settings = get_settings()
    refused = wait_for_model(args.endpoints, settings.model_server_wait_s)
    if refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    sys.argv = chat_argv(args, parse_origins(settings.site_origins))
    rasa.utils.io.configure_colored_logging = lambda loglevel: None
    rasa.__main__.main()
    return 0


def _web(_: argparse.Namespace) -> int:
    from bot.web.app import serve

    serve()
    return 0


def _actions(_: argparse.Namespace) -> int:
    from bot.action_server import serve

    serve()
    return 0
