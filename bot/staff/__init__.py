"""Staff accounts and their signed-in sessions."""
