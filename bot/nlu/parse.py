"""Reading Rasa parse results, shared by the FAQ action and the benchmarks."""
from typing import Any, Dict, Text

FAQ_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"


def faq_selection(parse_data: Dict[Text, Any]) -> Dict[Text, Any]:
    """The ResponseSelector's pick for `faq` (`default` when it is trained on all intents)."""
    selectors = parse_data.get("response_selector") or {}
    selector = selectors.get(FAQ_INTENT) or selectors.get("default") or {}
    return selector.get("response") or {}
