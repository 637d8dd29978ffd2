"""`make bench`: train, evaluate and load-test, then write docs/benchmarks.md.

Every number in docs/benchmarks.md comes from here; the raw results go to results/bench.json.
"""

import json
import logging
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Optional

from benchmarks import load, nlu, report, speed
from benchmarks.spacy_pipeline import build, variant_config
from bot.content import iter_examples
from bot.db import migrate
from bot.evaluation import conversations
from bot.evaluation.servers import running
from bot.settings import ROOT
from bot.topology import BIN, MODEL, base_env

CONFIGS = Path(__file__).resolve().parent / "configs"
RESULTS = ROOT / "results" / "bench.json"
MODELS = ROOT / "results" / "models"
DOC = ROOT / "docs" / "benchmarks.md"
SPACY_VARIANT = ROOT / "results" / "config_spacy.yml"


def _timed(*commands) -> float:
    started = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, cwd=ROOT, env=base_env(), check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def train_models(out: Path) -> Dict:
    """Train the project model the way `make train` does, and the baseline, timing both."""
    project = _timed(
        [sys.executable, "-m", "bot", "content", "check"],  # runs Rasa's data validation
        [
            str(BIN / "rasa"),
            "train",
            "--force",
            "--skip-validation",
            "--fixed-model-name",
            "project",
            "--out",
            str(out),
        ],
    )
    baseline = _timed(
        [
            str(BIN / "rasa"),
            "train",
            "--force",
            "--config",
            str(CONFIGS / "default.yml"),
            "--fixed-model-name",
            "default",
            "--out",
            str(out),
        ],
    )
    return {"make_train_s": project, "default_config_train_s": baseline}


def cpu_calibration_s() -> float:
    """Seconds for a fixed pure-Python loop: shared cloud CPUs vary from day to day (we saw
    2x), so this says how fast the machine was when the other numbers were taken."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.perf_counter() - started, 2)


def machine() -> Dict:
    import psutil
    import rasa

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30),
        "os": platform.platform(),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "cpu_calibration_s": cpu_calibration_s(),
    }


def run_benchmarks(only: Optional[str] = None, with_spacy: bool = True) -> int:
    """Each step saves its results, so a long run that is stopped keeps what it measured."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() and only else {}
    results.setdefault("nlu", {})

    if only == "rescore":
        variant_config(ROOT / "config.yml", SPACY_VARIANT)  # current thresholds
        for result in results["nlu"].values():
            nlu.rescore(result)
        _write(results, only)
        return 0

    results["machine"] = machine()
    results["date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if only in (None, "nlu"):
        candidates = {"project": ROOT / "config.yml"}
        if with_spacy:
            build()
            candidates["project_with_spacy"] = variant_config(ROOT / "config.yml", SPACY_VARIANT)
        with tempfile.TemporaryDirectory(prefix="net-bench-") as tmp:
            for name, config in candidates.items():
                results["nlu"][name] = nlu.evaluate(config, Path(tmp) / name)
                _write(results, only)

    if only == "nlu":
        _write(results, only)
        return 0

    # The stock config trains DIET with two transformer layers for 100 epochs (10 to 25
    # minutes here), so it is trained once, in full, and serves both accuracy and speed. The
    # models are kept in results/models: `--only speed` after a stopped run reuses them (and
    # the training times it measured) instead of training for half an hour again.
    models = {"project": MODELS / "project.tar.gz", "rasa_init_default": MODELS / "default.tar.gz"}
    texts = [e.text for e in iter_examples([nlu.HELDOUT])]
    if only == "load":
        # The model `make train` made, against the stock one (trained here if missing).
        if not models["rasa_init_default"].exists():
            results["training"] = train_models(MODELS)
        results["load"] = _load(MODEL, models["rasa_init_default"])
        _write(results, only)
        return 0
    if only == "conversations":
        # The model `make train` made from the data as it is now; the stock config is left out
        # (its model in results/models may have been trained on older data).
        models = {"project": MODEL}
    elif only is None or not all(model.exists() for model in models.values()):
        results["training"] = train_models(MODELS)
        _write(results, only)
    if only != "conversations":
        results["nlu"]["rasa_init_default"] = nlu.evaluate_trained(
            models["rasa_init_default"], CONFIGS / "default.yml"
        )
        _write(results, only)
    with tempfile.TemporaryDirectory(prefix="net-bench-db-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'leads.db'}"
        migrate.upgrade(database_url)
        with running(models, database_url) as bots:
            if only != "conversations":
                # Speed first: the evaluation's thousands of conversations would stay in the
                # in-memory tracker store and inflate the memory measured.
                results["speed"] = speed.run(bots, texts)
                _write(results, only)
            results["conversations"] = conversations.evaluate(
                {name: bot.url for name, bot in bots.items()}, database_url
            )
            _write(results, only)
    if only is None:
        results["load"] = _load(models["project"], models["rasa_init_default"])
        _write(results, only)
    print(f"wrote {RESULTS.relative_to(ROOT)} and {DOC.relative_to(ROOT)}")
    return 0


def _load(project: Path, stock: Path) -> Dict:
    """The questions are the held-out FAQ texts: others (an emergency, a request to stop)
    would take the conversation away from the callback form it is there to end in."""
    questions = [e.text for e in iter_examples([nlu.HELDOUT]) if e.label.startswith("faq/")]
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        **load.run(project, stock, questions),
    }


def _write(results: Dict, only: Optional[str]) -> None:
    """A partial run (`only`) replaces only its own sections of the report: the last full
    run's raw numbers may be gone (results/ is not kept in git)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    rendered = report.render(results)
    DOC.write_text(report.merge(DOC.read_text(), rendered) if only and DOC.exists() else rendered)
