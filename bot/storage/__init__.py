"""The data layer: callback requests ("leads"), their schema migrations and the queue."""
