"""The shape this project's rule components share: no training, a few numbers from config.yml."""

from __future__ import annotations

from typing import Any, ClassVar, Dict

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class Tuned(GraphComponent):
    """A component whose behaviour hangs on numbers set in its config.yml entry (`SETTINGS`
    names them and their defaults), so the values and the reasons for them live next to the
    rest of the pipeline."""

    SETTINGS: ClassVar[Dict[str, float]]

    @classmethod
    def get_default_config(cls) -> Dict[str, Any]:
        return dict(cls.SETTINGS)

    def __init__(self, **settings: float) -> None:
        self.settings = {
            name: float(settings.get(name, default)) for name, default in self.SETTINGS.items()
        }

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Tuned:
        return cls(**{name: float(config[name]) for name in cls.SETTINGS})
