"""The conversation lock of the production topology: Rasa's RedisLockStore, whose failures
mean one thing to the channel.

Rasa takes a Redis ticket lock around every turn (agent.handle_message). With Redis down,
taking it fails before anything of the turn runs: Rasa raises LockError (issuing the ticket)
or Redis' own error (waiting for it), and the channel says the conversation cannot go on
(503, bot/chat/channels.py) with nothing of the message kept. Releasing it after the turn is
another matter: Rasa's release raises too, after the turn was saved, and the visitor would be
told to resend a message that was already answered (and have it read twice). So a failed
release is logged and the turn's answer goes out; the ticket expires on its own after its
lifetime (TICKET_LOCK_LIFETIME), and a Redis restarted empty holds none.

Redis is called synchronously inside the event loop: the short socket timeouts bound how long
a hung Redis can stall every conversation of the process.
"""

import logging
from typing import Any, Optional

import redis
from rasa.core.lock_store import LockError
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# What the channel reads as "the turn could not be locked, so nothing of it ran".
LOCK_FAILED = (LockError, redis.RedisError)
SOCKET_TIMEOUT_S = 1.0


class ReleaseSafeRedisLockStore(RasaRedisLockStore):
    """`lock_store: type: bot.chat.lock_store.ReleaseSafeRedisLockStore` with the keys of
    Rasa's `type: redis` (url, port, db, key_prefix, socket_timeout, ...)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        config = endpoint_config or EndpointConfig()
        options = {"socket_timeout": SOCKET_TIMEOUT_S, **config.kwargs, **kwargs}
        super().__init__(host=config.url or "localhost", **options)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        try:
            super().cleanup(conversation_id, ticket_number)
        except redis.RedisError as error:
            logger.warning(
                "could not release a conversation lock (%s); its ticket expires on its own",
                type(error).__name__,
            )
