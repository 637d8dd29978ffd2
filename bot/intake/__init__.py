"""The callback form's intake: checking what a visitor types (checks), reading answers and
reading the request back before it becomes a lead (form). Pure functions, no Rasa."""
