"""Training a candidate model: Rasa's finetuning where it is allowed and faster, else in full.

Rasa 3.6 finetunes (`rasa train --finetune`) only when the labels, the domain and the config
are those of the model it starts from: a new FAQ topic is refused ("core components have
changed", ../shared notes §14). And finetuning saves time only by running a fraction of the
epochs of the components trained in epochs (DIET, ResponseSelector, TED); a pipeline without
them retrains the same way either way. So a candidate is finetuned only when just the
example texts changed and the config has such a component; if Rasa still refuses, it is
trained in full, and the run says so.
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.content import load_yaml

# Rasa's components whose training `--epoch-fraction` shortens.
EPOCH_COMPONENTS = ("DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Trained:
    """How a candidate was trained: `finetuned` or `full`, and why, in words."""

    model: Path
    mode: str
    why: str


def epoch_components(config: Path) -> List[str]:
    content = load_yaml(config)
    names = [str(c.get("name", "")) for c in content.get("pipeline") or []]
    names += [str(c.get("name", "")) for c in content.get("policies") or []]
    return [n for n in names if n in EPOCH_COMPONENTS]


def _shape(domain: Dict[str, Any]) -> Dict[str, Any]:
    """What finetuning must keep: the labels and the names of things, not the answer texts
    (an answer's text is not learned by any component)."""
    return {
        "intents": sorted(
            next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents") or []
        ),
        "entities": sorted(str(e) for e in domain.get("entities") or []),
        "slots": sorted(domain.get("slots") or {}),
        "responses": sorted(domain.get("responses") or {}),
        "actions": sorted(str(a) for a in domain.get("actions") or []),
        "forms": sorted(domain.get("forms") or {}),
    }


def project_importer(project: Path) -> Any:
    from rasa.shared.importers.importer import TrainingDataImporter

    return TrainingDataImporter.load_from_config(
        str(project / "config.yml"), str(project / "domain.yml"), [str(project / "data")]
    )


def finetune_refusal(project: Path, live: Optional[Path]) -> Optional[str]:
    """Why this candidate cannot be finetuned from `live` (None: it can be tried)."""
    if live is None or not live.exists():
        return "there is no live model to start from"
    found = epoch_components(project / "config.yml")
    if not found:
        return (
            "finetuning only shortens the epochs of DIET, ResponseSelector and TED, and "
            "config.yml trains none of them: it would not be faster"
        )
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    before = LocalModelStorage.metadata_from_archive(live).domain.as_dict()
    now = project_importer(project).get_domain().as_dict()
    if _shape(before) != _shape(now):
        return (
            "intents, FAQ topics or responses were added, removed or renamed since the live "
            "model (Rasa finetunes only when they are the same)"
        )
    return None


def train(
    project: Path,
    out: Path,
    name: str,
    live: Optional[Path],
    finetune: bool = True,
    epoch_fraction: float = 0.5,
) -> Trained:
    """A candidate model `out/name.tar.gz`, finetuned from `live` when that is allowed and
    faster, otherwise trained in full."""
    out.mkdir(parents=True, exist_ok=True)
    refusal = finetune_refusal(project, live) if finetune else "finetuning was switched off"
    if refusal is None:
        try:
            model = _train(project, out, name, live, epoch_fraction)
            return Trained(
                model, "finetuned", f"only example texts changed (epoch fraction {epoch_fraction})"
            )
        except Exception as error:  # Rasa refuses in several ways, all worth a full training
            logger.warning("finetuning failed: %s", error)
            refusal = f"Rasa refused to finetune ({_first_line(error)})"
    return Trained(_train(project, out, name, None, 1.0), "full", refusal)


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


def _train(
    project: Path, out: Path, name: str, live: Optional[Path], epoch_fraction: float
) -> Path:
    from rasa.model_training import train as rasa_train

    result = rasa_train(
        domain=str(project / "domain.yml"),
        config=str(project / "config.yml"),
        training_files=[str(project / "data")],
        output=str(out),
        fixed_model_name=name,
        model_to_finetune=str(live) if live else None,
        finetuning_epoch_fraction=epoch_fraction,
    )
    if result.code != 0 or not result.model:
        raise RuntimeError(f"Rasa's training ended with code {result.code}")
    return Path(result.model)
