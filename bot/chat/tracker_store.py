"""The tracker store of the local topology (`make run`, tests, benchmarks).

Rasa's InMemoryTrackerStore writes every conversation out as JSON after each message and
parses it back on the next. Parsing looks up each event's class by walking the whole Event
subclass tree, once per event: under load that was a tenth of the Rasa server's CPU
(py-spy, docs/benchmarks.md). This store keeps the logged events themselves. Rasa treats
logged events as immutable and shares them between trackers itself (`tracker.copy()`), so
rebuilding a tracker from the same objects gives what the JSON round trip gave.

Production keeps transcripts in PostgreSQL (deploy/endpoints.production.yml), not here.
"""

from typing import Optional, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker


class EventTrackerStore(InMemoryTrackerStore):
    """In-memory conversations held as event objects instead of JSON text."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        self.store[tracker.sender_id] = tuple(tracker.events)

    def deserialise_tracker(
        self, sender_id: str, serialised_tracker: Tuple[Event, ...]
    ) -> Optional[DialogueStateTracker]:
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(Dialogue(sender_id, list(serialised_tracker)))
        return tracker
