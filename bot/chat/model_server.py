"""A starting Rasa server waits for its model server (the web service's /internal/model).

With `models:` in endpoints.yml Rasa ignores `--model` and pulls once before it listens; a
pull that fails (the web service not up yet) leaves it listening with no model, answering
every message with nothing until its next pull. So `python -m bot chat` first waits until the
model route has a model for it (HEAD, the same URL and token Rasa will use), and refuses to
start, saying why, when it gets none in time or the token is refused.
"""

import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Optional

POLL_S = 1.0


def wait_for_model(endpoints: str, timeout: float) -> Optional[str]:
    """None once the model server of `endpoints` has a model (or none is configured);
    otherwise why the Rasa server should not start."""
    from rasa.core.utils import AvailableEndpoints

    server = AvailableEndpoints.read_endpoints(endpoints).model
    if server is None:
        return None
    query = urllib.parse.urlencode(server.combine_parameters())
    request = urllib.request.Request(f"{server.url}?{query}", method="HEAD")
    deadline = time.monotonic() + timeout
    last = "not reachable"
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                if answer.status == 200:
                    return None
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                return (
                    f"the model server {server.url} refused the token ({error.code}): "
                    "MODEL_SERVER_TOKEN must be the web service's"
                )
            last = "no model is live" if error.code == 404 else f"HTTP {error.code}"
        except OSError:
            last = "not reachable"
        if time.monotonic() >= deadline:
            return f"no model from {server.url} after {timeout:.0f} s ({last})"
        time.sleep(POLL_S)
