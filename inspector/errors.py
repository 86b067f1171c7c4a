"""Errors that carry a message for the user, in Chinese.

Everything the app or the CLI shows a person comes from ``UserError.message``; the technical
detail, if any, goes to the log.
"""


class UserError(Exception):
    """A problem the user can understand and fix; ``str(error)`` is the Chinese message."""

    @property
    def message(self) -> str:
        return str(self)


class StoreError(UserError):
    """The database file cannot be opened or upgraded."""


class CreditCodeError(UserError):
    """A unified social credit code is malformed."""


class TransitionError(UserError):
    """A lifecycle step that is not allowed from the current state."""
