"""The shape this project's rule components share: no training, one number from config.yml."""

from __future__ import annotations

from typing import Any, ClassVar, Dict

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class Tuned(GraphComponent):
    """A component whose behaviour hangs on one number, `SETTING` in its config.yml entry, so
    the value and the reason for it live next to the rest of the pipeline."""

    SETTING: ClassVar[str]
    DEFAULT: ClassVar[float]

    @classmethod
    def get_default_config(cls) -> Dict[str, Any]:
        return {cls.SETTING: cls.DEFAULT}

    def __init__(self, value: float) -> None:
        self.value = value

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Tuned:
        return cls(float(config[cls.SETTING]))
