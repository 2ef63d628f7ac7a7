"""The engine's two error families.

`UserError` is something the person running `debate` can fix (a bad config line, a missing
file, a wrong database URL): the CLI prints its message and exits with code 2, no traceback.
Anything else is a bug and is allowed to surface with its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class UserError(Exception):
    """A mistake the user can fix; `str(error)` is the whole message shown to them."""

    exit_code = 2


FieldPath = tuple[int | str, ...]


def format_path(path: Sequence[int | str]) -> str:
    """`("contestants", 2, "model")` -> `contestants[2].model`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (file, line, field path) kept apart from what.

    Faces print `str(problem)` (`file:line: field.path: message`); the Setup screen marks the
    form field from `field`. `field` is None when the problem is not about one field (a
    syntax error, a repeated key); `()` is the whole document.
    """

    file: str
    line: int | None
    field: FieldPath | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file
        return ": ".join(part for part in (where, self.detail) if part)

    @property
    def detail(self) -> str:
        """The problem without its file and line: `field.path: message`."""
        return self.message if self.field is None else f"{format_path(self.field)}: {self.message}"


class ConfigError(UserError):
    """A configuration or data file is invalid.

    `problems` holds every problem found in the file, so all are reported at once. Plain
    strings are accepted (and wrapped) for problems that have no file or field to name.
    """

    def __init__(self, problems: Iterable[Problem | str]) -> None:
        self.problems: list[Problem] = [p if isinstance(p, Problem) else Problem("", None, None, p) for p in problems]
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        """The problems as printed, one line each."""
        return [str(p) for p in self.problems]


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


class StoreMissing(StoreError):
    """No database at the path yet: a fresh folder, where the faces say how to start one."""


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
