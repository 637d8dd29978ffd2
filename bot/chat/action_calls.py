"""How long the Rasa server waits for one action call: Settings.action_call_timeout_s.

Rasa 3.6 hard-codes five minutes (RemoteAction.run passes rasa.core.constants'
DEFAULT_REQUEST_TIMEOUT, imported into rasa.core.actions.action) and has no setting for it: a
stalled action server would hold the visitor's turn, and the conversation's lock, that long.
RemoteAction.run reads that module name at each call, so setting it bounds every call of the
process. tests/chat/test_action_calls.py makes a real call to a server that never answers and
fails if a Rasa upgrade stops honouring it; a Rasa without the name refuses to start.
"""

import rasa.core.actions.action as remote_actions

_NAME = "DEFAULT_REQUEST_TIMEOUT"


def bound_action_calls(timeout_s: float) -> None:
    if not hasattr(remote_actions, _NAME):
        raise RuntimeError(f"rasa.core.actions.action has no {_NAME}: action calls are unbounded")
    setattr(remote_actions, _NAME, timeout_s)
