"""Errors the engine reports for a file it leaves untouched."""


class PipfixError(Exception):
    """Base class: the file cannot be fixed; str(error) is the reason shown to the user."""


class CannotFix(PipfixError):
    """The file is not a Dockerfile pipfix can understand (binary, unterminated heredoc, ...)."""


class LineTooLong(CannotFix):
    """A line longer than BuildKit reads: the source's, or one the fix would make."""

    def __init__(self, line: int, limit: int) -> None:
        super().__init__(f"line {line} is longer than BuildKit's limit of {limit} bytes")
        self.line = line
        self.limit = limit


class InternalError(PipfixError):
    """The fix failed its own self-check: a bug in pipfix. The file is left untouched."""


def os_error_reason(error: OSError) -> str:
    """An operating system error as pipfix words a reason: the system's message with a lower-case
    first letter (`permission denied`, `no such file or directory`)."""
    reason = error.strerror or str(error)
    return reason[:1].lower() + reason[1:]
