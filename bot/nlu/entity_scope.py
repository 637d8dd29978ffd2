"""NLU component that lets an entity through only where the dialogue reads it.

The lexicon (data/nlu/lexicon.yml) finds NET sites, treatments and tests in any message
(RegexEntityExtractor), but the dialogue reads one of them: the site of "what about for
lungs?" (intent ask_about_site, slot `site`). Everywhere else those entities would only be
noise in the dialogue state and in the conversation tests, so this component drops them.
Entities from elsewhere (the FAQ gate's `topic`, a button's `detail`) stay.
"""

from __future__ import annotations

from typing import List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

LEXICON_EXTRACTOR = "RegexEntityExtractor"
# The site of a follow-up, also when the classifier was unsure of it (actions/followups.py).
SITE_FOLLOW_UPS = (("ask_about_site", "net_site"), ("nlu_fallback", "net_site"))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityScope(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict,
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityScope:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            kept = [
                entity
                for entity in message.get(ENTITIES) or []
                if entity.get("extractor") != LEXICON_EXTRACTOR
                or (intent, entity.get("entity")) in SITE_FOLLOW_UPS
            ]
            message.set(ENTITIES, kept, add_to_output=True)
        return messages
