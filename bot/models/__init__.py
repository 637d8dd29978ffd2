"""Trained Rasa models made live: the published files, which one the Rasa servers run, and
rollback to the one before (registry.py); what a file must be to be published (archive.py)."""
