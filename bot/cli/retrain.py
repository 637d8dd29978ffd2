"""`python -m bot content retrain` (make retrain): check, train a candidate, evaluate it
against the live model, accept or refuse it with the reasons in words, and publish an
accepted one to the running Rasa servers (bot/cli/publishing.py; --no-publish to only judge).

Its own module (registered by one line in bot/cli/content.py), like `content unanswered`.
Exit codes: 0 accepted (and published), 1 refused, stopped by the content check or not
published, 2 a wrong option.
"""

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, List, Union

from bot.cli import publishing
from bot.topology import MODEL


def add_commands(content_commands: Any) -> None:
    from bot.evaluation.retrain import DEFAULT_FOLDS, DEFAULT_SETS

    parser = content_commands.add_parser(
        "retrain",
        help="check, train a candidate model, compare it with the live one and accept or "
        "refuse it (docs/content.md); the report goes to reports/<run>/",
    )
    parser.add_argument(
        "--folds",
        type=_folds,
        default=DEFAULT_FOLDS,
        help=f"cross-validation folds (default {DEFAULT_FOLDS}; 0 skips it: each fold is a "
        "training)",
    )
    parser.add_argument(
        "--sets",
        type=_sets,
        default=None,
        help="conversation sets of tests/eval/ to play, by name: 'h,i', 'all' or 'none' "
        f"(default: the newest {DEFAULT_SETS}); 'none' leaves the safety and name metrics "
        "unmeasured, which the gate refuses",
    )
    parser.add_argument(
        "--live",
        type=Path,
        default=None,
        help="the model to compare with (default: the published live model, else "
        "models/net-assistant.tar.gz; when there is none, only the thresholds apply)",
    )
    parser.add_argument(
        "--no-publish",
        action="store_true",
        help="only judge the candidate; publish it later with `content publish`",
    )
    publishing.actor_option(parser)
    parser.add_argument(
        "--no-finetune",
        action="store_true",
        help="always train in full, even when only example texts changed",
    )
    parser.add_argument(
        "--epoch-fraction",
        type=_fraction,
        default=0.5,
        help="share of the epochs a finetuning runs (more than 0, at most 1; default 0.5)",
    )
    parser.add_argument(
        "--gate-config",
        type=Path,
        default=None,
        help="thresholds and margins (default: bot/evaluation/gate.yml)",
    )
    parser.set_defaults(func=_retrain)


def _folds(value: str) -> int:
    try:
        folds = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if folds == 1 or folds < 0 or folds > 20:
        raise argparse.ArgumentTypeError(
            f"{folds} folds: use 2 to 20, or 0 to skip cross-validation"
        )
    return folds


def _fraction(value: str) -> float:
    try:
        fraction = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 < fraction <= 1:
        raise argparse.ArgumentTypeError(f"{fraction} is not more than 0 and at most 1")
    return fraction


def _sets(value: str) -> Union[str, List[str]]:
    """'all', or the names ([] for 'none')."""
    value = value.strip()
    if value == "none":
        return []
    if value == "all":
        return value
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names or not all(name.isalnum() for name in names):
        raise argparse.ArgumentTypeError(
            f"{value!r}: give set names separated by commas (e.g. 'h,i'), 'all' or 'none'"
        )
    return names


def _retrain(args: argparse.Namespace) -> int:
    from bot.cli.content import report_lines
    from bot.content.findings import summary
    from bot.evaluation import conversations, gate
    from bot.evaluation.retrain import Options, retrain

    options = Options(
        live=args.live or _live_model(),
        folds=args.folds,
        finetune=not args.no_finetune,
        epoch_fraction=args.epoch_fraction,
    )
    if args.gate_config is not None:
        options.gate_config = args.gate_config
    if args.sets == "all":
        options.sets = [p.name for p in conversations.sets(options.eval_sets)]
    elif args.sets is not None:
        options.sets = args.sets
    _quiet_rasa()
    try:
        outcome = retrain(options)
    except (ValueError, gate.GateConfigError) as error:
        print(f"error: {error}")
        return 2
    if outcome.findings:
        for line in report_lines(outcome.findings):
            print(line)
        print(summary(outcome.findings, rasa_skipped=False))
        print("retrain stopped: fix the errors above, then run it again")
        return 1
    print(f"report: {outcome.run_dir}/report.html")
    if outcome.accepted and outcome.candidate is not None and outcome.run_dir is not None:
        print(f"accepted: {outcome.candidate}")
        gate_file = outcome.run_dir / "gate.json"
        if args.no_publish:
            print(
                f"to publish: python -m bot content publish {outcome.candidate} --gate {gate_file}"
            )
            return 0
        gate_results = json.loads(gate_file.read_text(encoding="utf-8"))
        return publishing.publish_model(outcome.candidate, publishing.who(args), gate_results)
    print("refused:")
    for reason in outcome.reasons:
        print(f"  - {reason}")
    return 1


def _live_model() -> Path:
    """The model the Rasa servers run: the live publication's file; before anything was
    published (or without a database yet), the one `make train` made."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.models.registry import registry

    try:
        with registry() as models:
            live = models.current()
            return models.path_of(live.sha256) if live is not None else MODEL
    except SQLAlchemyError:
        return MODEL


def _quiet_rasa() -> None:
    """Rasa logs every step of training and of each message a model reads, its structured
    events straight to stdout, where the progress is: only its warnings and errors are kept,
    on stderr. Its Python warnings about the training data (the ones every clean run gives)
    are left out: the content check before training said what matters in plain words."""
    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    logging.getLogger("rasa").setLevel(logging.WARNING)
    logging.getLogger("py.warnings").setLevel(logging.ERROR)
