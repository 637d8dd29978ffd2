"""Custom actions run by the action server (`python -m bot actions`, bot/action_server.py)."""
