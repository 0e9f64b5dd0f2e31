"""Only engineio's close race on an ended WebSocket leaves a log the tests read."""

from tests.server_logs import without_library_races

RACE = (
    "Exception in thread Thread-12 (writer):\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/lib/python3.11/threading.py", line 1045, in _bootstrap_inner\n'
    "    self.run()\n"
    '  File "/venv/site-packages/engineio/socket.py", line 217, in writer\n'
    "    ws.close()\n"
    '  File "/venv/site-packages/simple_websocket/ws.py", line 119, in close\n'
    "    self.sock.send(out_data)\n"
    "OSError: [Errno 9] Bad file descriptor\n"
)
OTHER = (
    "Traceback (most recent call last):\n"
    '  File "/app/collab/hub.py", line 10, in apply\n'
    "    raise ValueError\n"
    "ValueError\n"
)


def test_the_close_race_is_dropped_and_the_lines_around_it_kept() -> None:
    log = "INFO avant\n" + RACE + "INFO après\n"
    assert without_library_races(log) == "INFO avant\nINFO après\n"


def test_any_other_traceback_stays() -> None:
    assert "Traceback" in without_library_races(OTHER)
    other_error_in_writer = RACE.replace("OSError: [Errno 9] Bad file descriptor", "KeyError: 'x'")
    assert "Traceback" in without_library_races(other_error_in_writer)
