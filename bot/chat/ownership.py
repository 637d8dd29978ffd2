"""Who a website conversation belongs to.

The server issues each new visitor a random token, which only the widget holds (in
sessionStorage). The conversation id is derived from it with a keyed hash, so the id alone
(in a lead, a log, a staff view) neither opens nor continues the conversation, a client
cannot choose one, and every replica derives the same id from the same token without a
shared table. The visitor's address is kept the same way, as an opaque key for the flood
caps: never the address itself.
"""

import hashlib
import hmac
import re
import secrets
from typing import Optional

# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
CONVERSATION_PREFIX = "web-"


def issue_token() -> str:
    return secrets.token_urlsafe(32)


def _keyed(key: str, purpose: str, value: str) -> str:
    return hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def conversation_of(token: Optional[str], key: str) -> Optional[str]:
    """The conversation id a token opens; None for anything that is not a token we issue."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    return CONVERSATION_PREFIX + _keyed(key, "conversation", token)[:40]


def client_key(address: str, key: str) -> str:
    """An opaque, stable key for a visitor's address (not reversible without the key)."""
    return _keyed(key, "client", address)[:32]
