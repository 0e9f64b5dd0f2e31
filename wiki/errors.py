"""Domain errors, raised by services and mapped to HTTP / Socket.IO at the edge.

Hierarchy::

    CercleError                 base; ``message`` is shown to the person as is (French)
    ├── NotFound                404  the thing does not exist, or you may not know it exists
    ├── AuthenticationRequired  401  sign in first
    ├── PermissionDenied        403  signed in, but your role does not allow it
    ├── ValidationError         400  the input is wrong; ``field`` names the culprit
    │   └── PayloadTooLarge     413  a file or text over the configured limit
    ├── Conflict                409  the state changed under you (stale revision, taken slug)
    ├── ArchivedSpace           409  the space is frozen, read-only
    └── TooManyAttempts         429  slow down (login rate limit)
"""

from __future__ import annotations


class CercleError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
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


class Conflict(CercleError):
    status = 409
    code = "conflict"


class ArchivedSpace(Conflict):
    code = "archived"


class TooManyAttempts(CercleError):
    status = 429
    code = "too_many_attempts"
