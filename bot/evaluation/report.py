"""The HTML report of one retrain run: the gate, per-intent and per-topic scores, a confusion
plot and the held-out examples the candidate got wrong.

A run's folder is self-contained: report.html, its stylesheet and the plot as files beside it
(the staff app serves them under a strict CSP: no inline style, no script, no data: URIs), and
gate.json. Example texts come from editors and test writers, so every text is escaped
(Jinja's autoescaping, on for every value).
"""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.evaluation.nlu import Prediction, base
from bot.evaluation.runs import GATE, PLOT, REPORT, STYLE

TEMPLATES = Path(__file__).resolve().parent / "templates"

_environment = Environment(
    loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
)


@dataclass
class HeldOut:
    """The held-out examples as each model behaved on them (`live` None: no live model)."""

    candidate: Sequence[Prediction]
    candidate_behaviour: Sequence[str]
    live_behaviour: Optional[Sequence[str]] = None


def label_scores(truths: Sequence[str], said: Sequence[str], labels: Sequence[str]) -> List[Dict]:
    """Precision, recall, F1 and support of each label."""
    from sklearn.metrics import precision_recall_fscore_support

    if not labels:
        return []
    precision, recall, f1, support = precision_recall_fscore_support(
        list(truths), list(said), labels=list(labels), zero_division=0
    )
    return [
        {
            "label": label,
            "precision": round(float(p), 3),
            "recall": round(float(r), 3),
            "f1": round(float(f), 3),
            "support": int(n),
        }
        for label, p, r, f, n in zip(labels, precision, recall, f1, support, strict=True)
    ]


def tables(held: HeldOut) -> Dict[str, List[Dict]]:
    """Per-intent scores (every FAQ topic counted as `faq`) and per-topic scores, with the
    live model's F1 beside the candidate's where there is a live model."""
    truths = [p.truth for p in held.candidate]
    views: Dict[str, Tuple[List[str], Callable[[str], str]]] = {
        "intents": (sorted({base(t) for t in truths}), base),
        "topics": (sorted({t for t in truths if t.startswith("faq/")}), str),
    }
    result = {}
    for name, (labels, view) in views.items():
        expected = [view(t) for t in truths]
        rows = label_scores(expected, [view(b) for b in held.candidate_behaviour], labels)
        if held.live_behaviour is not None:
            live = label_scores(expected, [view(b) for b in held.live_behaviour], labels)
            for row, before in zip(rows, live, strict=True):
                row["live_f1"] = before["f1"]
                row["change"] = round(row["f1"] - before["f1"], 3)
        result[name] = rows
    return result


def misclassified(held: HeldOut) -> List[Dict[str, str]]:
    """The held-out examples whose behaviour was not their label, with the live model's."""
    live = held.live_behaviour or [""] * len(held.candidate)
    return [
        {"text": p.text, "expected": p.truth, "candidate": said, "live": before}
        for p, said, before in zip(held.candidate, held.candidate_behaviour, live, strict=True)
        if said != p.truth
    ]


def confusion_plot(truths: Sequence[str], said: Sequence[str], path: Path) -> None:
    """Rows: what the example was; columns: what the candidate did. PNG, drawn here. Each
    cell is coloured by its share of the row, so a label with few examples shows its mistakes
    as clearly as one with hundreds; the count is written in it."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(truths) | set(said))
    matrix = confusion_matrix(list(truths), list(said), labels=labels)
    size = max(6.0, 0.28 * len(labels) + 3)
    figure = Figure(figsize=(size, size), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels)))
    axes.set_yticks(range(len(labels)))
    axes.set_xticklabels(labels, rotation=90, fontsize=7)
    axes.set_yticklabels(labels, fontsize=7)
    axes.set_xlabel("what the candidate did")
    axes.set_ylabel("what the message was")
    for row in range(len(labels)):
        for column in range(len(labels)):
            if matrix[row, column]:
                axes.text(
                    column,
                    row,
                    str(matrix[row, column]),
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if shares[row, column] > 0.5 else "black",
                )
    figure.tight_layout()
    figure.savefig(str(path), format="png")


def write(run_dir: Path, run: Dict[str, Any], held: Optional[HeldOut]) -> Path:
    """report.html (with its stylesheet and plot) and gate.json in `run_dir`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / GATE).write_text(json.dumps(run, indent=2), encoding="utf-8")
    shutil.copyfile(TEMPLATES / STYLE, run_dir / STYLE)
    context: Dict[str, Any] = {"run": run, "plot": None, "tables": {}, "wrong": []}
    if held is not None and held.candidate:
        confusion_plot([p.truth for p in held.candidate], held.candidate_behaviour, run_dir / PLOT)
        context.update(plot=PLOT, tables=tables(held), wrong=misclassified(held))
    html = _environment.get_template(REPORT).render(**context)
    (run_dir / REPORT).write_text(html, encoding="utf-8")
    return run_dir / REPORT
