"""The engine's two error families.

`UserError` is something the person running `debate` can fix (a bad config line, a missing
file, a wrong database URL): the CLI prints its message and exits with code 2, no traceback.
Anything else is a bug and is allowed to surface with its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix; `str(error)` is the whole message shown to them."""

    exit_code = 2


class ConfigError(UserError):
    """A configuration or data file is invalid.

    `problems` holds one line per problem, each already naming the file, the line or field
    path and what is wrong, so every problem in a file is reported at once.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def sole_error(exc: BaseException) -> BaseException:
    """The one error inside a task group's exception group (the group itself if it holds several).

    A task group wraps whatever its tasks raise; a user's mistake should still reach them as
    itself, message and exit code, not as "unhandled errors in a TaskGroup".
    """
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


class StoreError(UserError):
    """The database cannot be opened or does not hold what was asked for."""


class TournamentBusy(UserError):
    """Another process is running this tournament; a second runner would pay for every speech twice."""


class GatewayError(Exception):
    """A model call failed. Subclasses say whether trying again can help."""

    retryable = False

    def __init__(self, message: str, *, model: str = "", attempts: int = 1) -> None:
        self.model = model
        self.attempts = attempts
        super().__init__(message)


class TransientError(GatewayError):
    """Rate limits, 5xx, connection drops: worth another attempt after a pause."""

    retryable = True


class ModelTimeout(TransientError):
    """The provider did not answer within the call's timeout."""


class RateLimited(TransientError):
    """The provider asked us to slow down."""


class PermanentError(GatewayError):
    """Retrying cannot help: fix the request or the credentials."""


class AuthenticationFailed(PermanentError):
    """The provider rejected the key (or none was set)."""


class BadRequest(PermanentError):
    """The provider rejected the request itself."""


class ContextWindowExceeded(PermanentError):
    """The prompt plus the requested completion do not fit the model's context."""


class ModelNotFound(PermanentError):
    """No such model or provider."""
