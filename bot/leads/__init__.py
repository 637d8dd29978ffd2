"""Leads: the callback requests visitors leave, from storing one exactly once to the staff
working through them.

One word for one thing: in code a stored callback request is a *lead*; visitors and staff read
"callback request"; the *queue* is the open leads in the order staff work them. Actions, the
web service and the command line call these modules; they call the database layer (bot.db).
"""
