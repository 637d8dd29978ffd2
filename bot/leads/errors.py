"""What a lead operation can refuse. Every message is safe to show to staff: it never
contains personal data, only a reference code and the reason."""


class LeadError(Exception):
    """The request cannot be done as asked (a bad value, a wrong state)."""


class LimitReached(LeadError):
    """The conversation or the client has left as many callback requests as it may: a flood,
    or a visitor better served by a call."""


class TooLate(LeadError):
    """The Rasa server stopped waiting for the call that carries the request (a stalled or
    slow action server): the visitor was told it was not sent, so it must not be."""


class NotFound(LeadError):
    pass


class Conflict(LeadError):
    """Someone else holds the lead, or it is no longer in a state that allows this."""


class Forbidden(LeadError):
    """The staff member's role does not allow this."""


class Throttled(LeadError):
    """The staff member has opened too many leads in a short time."""
