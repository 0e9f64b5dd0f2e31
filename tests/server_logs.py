"""What the tests read in a server's log: everything but a known library race."""

from __future__ import annotations

import re

# engineio's writer thread closing a WebSocket whose socket is already closed (EBADF): a
# library race on a connection that has ended, not a server error. Only this exact
# traceback is dropped from the log a test reads; any other one still fails it.
_ENGINEIO_CLOSE_RACE = re.compile(
    r"Exception in thread [^\n]*\(writer\):\nTraceback \(most recent call last\):\n"
    r"(?:  .*\n)*?.*engineio/socket\.py.*in writer\n(?:  .*\n)*?"
    r"OSError: \[Errno 9\] Bad file descriptor\n"
)


def without_library_races(log: str) -> str:
    """The log without engineio's close race on an ended WebSocket (nothing else removed)."""
    return _ENGINEIO_CLOSE_RACE.sub("", log)
