"""Command line of the project: `python -m bot <command>`."""
import argparse
import sys
from typing import List, Optional


def _content_check(_: argparse.Namespace) -> int:
    from bot.content import problems

    found = problems()
    for problem in found:
        print(problem)
    print("content catalog: OK" if not found else f"content catalog: {len(found)} problem(s)")
    return 1 if found else 0


def _run(_: argparse.Namespace) -> int:
    from bot.run import run

    return run()


def _web(_: argparse.Namespace) -> int:
    from bot.web.app import serve

    serve()
    return 0


def _db_upgrade(_: argparse.Namespace) -> int:
    from bot.storage.migrate import upgrade

    upgrade()
    return 0


def _bench(args: argparse.Namespace) -> int:
    from bot.bench.main import run_benchmarks

    return run_benchmarks(args.only, with_spacy=not args.without_spacy)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("run", help="start Rasa, the action server and the web service").set_defaults(func=_run)
    commands.add_parser("web", help="start only the web service").set_defaults(func=_web)

    content = commands.add_parser("content", help="content team tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    content_commands.add_parser(
        "check", help="check that every FAQ topic has an answer, metadata and examples"
    ).set_defaults(func=_content_check)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(func=_db_upgrade)

    from bot.queue_cli import add_commands as add_queue_commands
    from bot.staff_cli import add_commands as add_staff_commands

    add_queue_commands(commands)
    add_staff_commands(commands)

    bench = commands.add_parser("bench", help="benchmarks -> docs/benchmarks.md")
    bench.add_argument(
        "--only", choices=["nlu", "speed", "rescore"],
        help="nlu: accuracy of this project's pipelines only; speed: training time, the "
        "stock baseline's accuracy, and speed; "
        "rescore: recompute scores from stored predictions at the current thresholds",
    )
    bench.add_argument(
        "--without-spacy", action="store_true",
        help="skip the spaCy pipeline variant (measured and rejected, docs/architecture.md); "
        "halves the time of the accuracy part",
    )
    bench.set_defaults(func=_bench)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
