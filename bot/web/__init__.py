"""The web service: one port for the public chat page, the staff dashboard and its API."""
