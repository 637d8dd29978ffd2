"""Reading the Rasa domain as the tests see it (the `domain` fixture's dict)."""

from typing import Any, Dict, Set


def intent_names(domain: Dict[str, Any]) -> Set[str]:
    """Intent names of a domain dict (entries are names or {name: options})."""
    return {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
