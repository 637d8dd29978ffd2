"""Logging of every process: one JSON object per line in production (readable text locally),
each line naming its service and the request it belongs to (docs/operations.md)."""
