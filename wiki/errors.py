"""Domain errors, raised by services and mapped to HTTP / Socket.IO at the edge.

Hierarchy::

    CercleError                 base; ``message`` is shown to the person as is
    ├── NotFound                404  the thing does not exist, or you may not know it exists
    ├── AuthenticationRequired  401  sign in first
    ├── PermissionDenied        403  signed in, but your role does not allow it
    ├── ValidationError         400  the input is wrong; ``field`` names the culprit
    │   ├── PayloadTooLarge     413  a file or text over the configured limit
    │   └── UnknownReference    404  the input names something that does not exist (a parent)
    ├── Conflict                409  the state changed under you (stale revision, taken slug)
    │   ├── ArchivedSpace       423  the space is archived, read-only for everyone (Locked)
    │   ├── QuestionnaireClosed      not open yet, or closed: answers are refused
    │   └── AnswersExist             the change would drop answers: confirm it first
    └── TooManyAttempts         429  slow down (login rate limit)

Services raise these with a lazy translation (``flask_babel.lazy_gettext``, named
placeholders: ``_l("… version %(current)s …", current=3)``), so they never look at the
request. ``message`` turns it into a ``str`` when the edge reads it: in the language of
the request being answered (French outside a request, e.g. on the command line). Read
``message``, never ``args[0]``, before putting the text into JSON or a Socket.IO event.
"""

from __future__ import annotations

from typing import Any


class TranslatedMessage:
    """``message``: the text for the person, in the current locale, from ``lazy_message``
    (a ``str`` or a ``LazyString``, translated each time it is read)."""

    lazy_message: Any

    @property
    def message(self) -> str:
        return str(self.lazy_message)


class CercleError(TranslatedMessage, Exception):
    status = 400
    code = "error"

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(message)
        self.lazy_message = message
        self.field = field


class NotFound(CercleError):
    status = 404
    code = "not_found"


class AuthenticationRequired(CercleError):
    status = 401
    code = "authentication_required"


class PermissionDenied(CercleError):
    status = 403
    code = "forbidden"


class ValidationError(CercleError):
    status = 400
    code = "invalid"


class PayloadTooLarge(ValidationError):
    status = 413
    code = "too_large"


class UnknownReference(ValidationError):
    """A well-formed id in the input that names nothing there: a 404, as JSON:API answers
    a reference to a missing related resource; still a ``ValidationError``, so a form shows
    the message beside what the person typed."""

    status = 404
    code = "not_found"


class Conflict(CercleError):
    status = 409
    code = "conflict"


class ArchivedSpace(Conflict):
    """A write to an archived space: 423 Locked (RFC 4918), the resource is frozen."""

    status = 423
    code = "archived"


class QuestionnaireClosed(Conflict):
    code = "questionnaire_closed"


class AnswersExist(Conflict):
    code = "answers_exist"


class TooManyAttempts(CercleError):
    status = 429
    code = "too_many_attempts"
