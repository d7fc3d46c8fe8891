"""Errors that services raise for a user to read (never a 500)."""


class ApplicationError(Exception):
    """A business rule refused the action; `message` is safe to show to the user."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class PermissionDeniedError(ApplicationError):
    def __init__(self, message: str, *, code: str = "forbidden"):
        super().__init__(message, code=code)
