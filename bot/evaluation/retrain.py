"""`content retrain`: check, train a candidate, evaluate it against the live model, gate it,
and write the report.

The live model is never touched: the candidate goes to models/candidates/, and an accepted
one is named in the run's gate.json, which the command line hands to bot/models/ to publish
(this package judges; it never makes a model live). Each stage says
when it starts and how long it took: training and the conversations take minutes.
"""

import asyncio
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, TextIO

from bot.content import Finding, check, has_errors, training_files
from bot.db import migrate
from bot.evaluation import conversations, gate, nlu, report, training
from bot.settings import ROOT, get_settings
from bot.topology import MODEL

# 3 folds keep cross-validation to a few minutes on 2 cores (5 in `make bench`).
DEFAULT_FOLDS = 3
# The newest first-contact sets: enough conversations to see a lost emergency, few enough to
# play against two models in a few minutes (all nine take about ten).
DEFAULT_SETS = 2


@dataclass
class Options:
    project: Path = ROOT
    live: Optional[Path] = MODEL
    candidates: Path = ROOT / "models" / "candidates"
    reports: Path = field(default_factory=lambda: get_settings().reports_dir)
    folds: int = DEFAULT_FOLDS
    # Names of the sets of tests/eval/ to play; None: the newest DEFAULT_SETS; []: none.
    sets: Optional[List[str]] = None
    finetune: bool = True
    epoch_fraction: float = 0.5
    gate_config: Path = gate.GATE_CONFIG
    rasa_validation: bool = True

    @property
    def heldout(self) -> Path:
        return self.project / "tests" / "nlu" / "test_nlu_heldout.yml"

    @property
    def eval_sets(self) -> Path:
        return self.project / "tests" / "eval"


@dataclass
class Outcome:
    """What a run ended with: the findings that stopped it, or the gate's verdict."""

    accepted: bool
    findings: List[Finding] = field(default_factory=list)
    run_dir: Optional[Path] = None
    candidate: Optional[Path] = None
    reasons: List[str] = field(default_factory=list)


class Progress:
    """Stage names with the time since the start, on a stream (the terminal)."""

    def __init__(self, stream: TextIO = sys.stdout) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def _clock(self) -> str:
        minutes, seconds = divmod(int(time.monotonic() - self.started), 60)
        return f"[{minutes:02d}:{seconds:02d}]"

    def say(self, text: str) -> None:
        print(f"{self._clock()} {text}", file=self.stream, flush=True)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.say(f"{name} ...")
        started = time.monotonic()
        yield
        self.say(f"{name}: done in {time.monotonic() - started:.0f} s")


def run_id(reports: Path) -> str:
    """A new folder name under `reports`: the UTC time, then a count if that is taken."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    name, number = stamp, 1
    while (reports / name).exists():
        number += 1
        name = f"{stamp}-{number}"
    return name


def chosen_sets(options: Options) -> List[Path]:
    available = conversations.sets(options.eval_sets) if options.eval_sets.is_dir() else []
    if options.sets is None:
        return available[-DEFAULT_SETS:]
    by_name = {p.name: p for p in available}
    unknown = [name for name in options.sets if name not in by_name]
    if unknown:
        raise ValueError(
            f"no conversation set {', '.join(unknown)} in {options.eval_sets} "
            f"(there are: {', '.join(by_name) or 'none'})"
        )
    return [by_name[name] for name in options.sets]


def retrain(options: Options, progress: Optional[Progress] = None) -> Outcome:
    progress = progress or Progress()
    sets = chosen_sets(options)  # a wrong set name stops the run before anything is trained
    rules = gate.load_rules(options.gate_config)  # and so does a broken gate config
    live = options.live if options.live and options.live.exists() else None
    started = datetime.now(timezone.utc)
    if live is None:
        where = f" at {options.live}" if options.live else ""
        progress.say(f"no live model{where}: only the thresholds apply")

    with progress.stage("content check"):
        findings = check(options.project, rasa=options.rasa_validation)
    if has_errors(findings):
        return Outcome(False, findings=findings, reasons=["the content check found errors"])

    identifier = run_id(options.reports)
    with progress.stage("training the candidate"):
        begun = time.monotonic()
        trained = training.train(
            options.project,
            options.candidates,
            identifier,
            live,
            finetune=options.finetune,
            epoch_fraction=options.epoch_fraction,
        )
        training_seconds = round(time.monotonic() - begun)
    progress.say(f"candidate {trained.model}: {trained.mode} ({trained.why})")

    config = options.project / "config.yml"
    examples = nlu.heldout_examples(options.heldout)
    with progress.stage(f"held-out file ({len(examples)} examples): candidate"):
        candidate_preds = nlu.predict(trained.model, config, examples)
    live_preds = None
    if live is not None:
        with progress.stage("held-out file: live model"):
            live_preds = nlu.predict(live, config, examples)

    cross_validation = None
    if options.folds:
        with progress.stage(f"cross-validation ({options.folds} folds)"):
            data = nlu.load_training_data(training_files(options.project))
            with tempfile.TemporaryDirectory(prefix="net-retrain-cv-") as tmp:
                cv_preds = nlu.cross_validate(config, data, Path(tmp), folds=options.folds)
            cross_validation = nlu.score(cv_preds, config)

    played: Dict[str, Optional[Dict[str, Any]]] = {"candidate": None, "live": None}
    if sets:
        names = ", ".join(p.name for p in sets)
        models = "the candidate and the live model" if live else "the candidate"
        with progress.stage(f"conversations (sets {names}) with {models}"):
            played.update(play(trained.model, live, sets))

    candidate_heldout = nlu.score(candidate_preds, config)
    live_heldout = nlu.score(live_preds, config) if live_preds is not None else None
    candidate_scores = gated(candidate_heldout, played["candidate"])
    live_scores = gated(live_heldout, played["live"]) if live_heldout else None
    checks = gate.judge(rules, candidate_scores, live_scores)
    accepted = gate.accepted(checks)
    run_dir = options.reports / identifier
    reasons = [c.reason for c in checks if c.reason]
    run = {
        "run_id": identifier,
        "started": started.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "seconds": round(time.monotonic() - progress.started),
        "verdict": "accepted" if accepted else "refused",
        "passed": accepted,  # what `content publish --gate` reads
        "candidate": str(trained.model),
        "live": str(live) if live else None,
        "training": {**asdict(trained), "model": str(trained.model), "seconds": training_seconds},
        "reasons": reasons,
        "checks": [c.as_dict() for c in checks],
        "heldout": {
            "file": str(options.heldout),
            "candidate": candidate_heldout,
            "live": live_heldout,
        },
        "cross_validation": {"folds": options.folds, "candidate": cross_validation},
        "conversations": ({"sets": [p.name for p in sets], **played} if sets else None),
    }
    with progress.stage("report"):
        held = report.HeldOut(
            candidate=candidate_preds,
            candidate_behaviour=nlu.behaviours(candidate_preds, config),
            live_behaviour=nlu.behaviours(live_preds, config) if live_preds is not None else None,
        )
        report.write(run_dir, run, held)
    return Outcome(
        accepted,
        run_dir=run_dir,
        candidate=trained.model,
        reasons=reasons,
    )


# Where each gated metric is measured: the held-out file, or whole conversations.
FROM_HELDOUT = ("intent_accuracy", "faq_topic_accuracy")
FROM_CONVERSATIONS = ("emergency_recall", "false_takeover_rate", "name_acceptance")


def gated(heldout: Dict[str, Any], played: Optional[Dict[str, Any]]) -> Dict[str, Optional[float]]:
    """The gated metrics from where each is measured (None: not measured in this run)."""
    return {
        **{metric: heldout.get(metric) for metric in FROM_HELDOUT},
        **{metric: (played or {}).get(metric) for metric in FROM_CONVERSATIONS},
    }


def play(candidate: Path, live: Optional[Path], sets: List[Path]) -> Dict[str, Dict[str, Any]]:
    """Emergency recall, false takeover rate and name acceptance of each model, pooled over
    the sets, with the emergencies missed and the near misses taken over."""
    from bot.evaluation.servers import running

    models = {"candidate": candidate, **({"live": live} if live else {})}
    emergency, line = conversations.safety_texts(conversations.responses())
    with tempfile.TemporaryDirectory(prefix="net-retrain-db-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'leads.db'}"
        migrate.upgrade(database_url)
        with running(models, database_url) as bots:
            results = {}
            for name, bot in bots.items():
                safety = [
                    asyncio.run(conversations.safety(bot.url, folder, emergency, line))
                    for folder in sets
                ]
                names = [asyncio.run(conversations.names(bot.url, folder)) for folder in sets]
                results[name] = pooled(safety, names)
    return results


def pooled(safety: List[Dict[str, Any]], names: List[Dict[str, Any]]) -> Dict[str, Any]:
    """One score per metric over several sets: counted, not an average of shares."""
    emergencies = sum(s["medical"] + s["self_harm"] for s in safety)
    near_misses = sum(s["near_misses"] for s in safety)
    missed = [t for s in safety for t in s["missed"]]
    taken_over = [t for s in safety for t in s["taken_over"]]
    typed = sum(n["names"] for n in names)
    wrong = sum(len(n["wrong"]) for n in names)
    return {
        "emergencies": emergencies,
        "near_misses": near_misses,
        "names": typed,
        "emergency_recall": round(1 - len(missed) / emergencies, 4) if emergencies else None,
        "false_takeover_rate": round(len(taken_over) / near_misses, 4) if near_misses else None,
        "name_acceptance": round(1 - wrong / typed, 4) if typed else None,
        "missed": missed,
        "taken_over": taken_over,
    }
