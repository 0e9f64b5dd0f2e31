"""y-protocols framing (the messages y-websocket exchanges): pure functions over pycrdt.

A message is ``varuint type`` then, for ``SYNC`` (0), ``varuint step`` (0 = step 1, 1 = step 2,
2 = update) and a length-prefixed payload (a state vector or a v1 update); for ``AWARENESS`` (1),
a length-prefixed awareness update.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pycrdt import (
    Doc,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    write_var_uint,
)

from wiki.errors import ValidationError

EMPTY_UPDATE = b"\x00\x00"


class ProtocolError(ValidationError):
    """A binary message that is not a y-websocket message."""

    code = "malformed"


@dataclass(frozen=True)
class Message:
    kind: YMessageType
    step: YSyncMessageType | None  # only for SYNC
    payload: bytes


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode a lib0 varuint at ``pos``; returns (value, next position)."""
    value, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ProtocolError(_l("Message Yjs tronqué."))
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _read_payload(data: bytes, pos: int) -> bytes:
    length, pos = read_var_uint(data, pos)
    if pos + length != len(data):
        raise ProtocolError(_l("Longueur de message Yjs incohérente."))
    return data[pos:]


def parse(data: bytes) -> Message:
    """Split a y-websocket message; raises ProtocolError when it is not one."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise ProtocolError(_l("Message Yjs vide ou non binaire."))
    data = bytes(data)
    kind, pos = read_var_uint(data, 0)
    if kind == YMessageType.AWARENESS:
        return Message(YMessageType.AWARENESS, None, _read_payload(data, pos))
    if kind != YMessageType.SYNC:
        raise ProtocolError(_l("Type de message Yjs inconnu."))
    step, pos = read_var_uint(data, pos)
    if step not in tuple(YSyncMessageType):
        raise ProtocolError(_l("Étape de synchronisation Yjs inconnue."))
    return Message(YMessageType.SYNC, YSyncMessageType(step), _read_payload(data, pos))


def sync_step1(doc: Doc) -> bytes:
    return create_sync_message(doc)


def sync_step2(doc: Doc, state_vector: bytes) -> bytes:
    """The reply to a peer's step 1: everything ``doc`` has that the peer lacks."""
    try:
        update = doc.get_update(state_vector)
    except ValueError as error:
        raise ProtocolError(_l("Vecteur d'état Yjs illisible.")) from error
    return bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2]) + _framed(update)


def update_message(update: bytes) -> bytes:
    return create_update_message(update)


def awareness_message(awareness_update: bytes) -> bytes:
    return create_awareness_message(awareness_update)


def _framed(payload: bytes) -> bytes:
    return write_var_uint(len(payload)) + payload


def decode_state_vector(state: bytes) -> dict[int, int]:
    """``{client id: clock}`` from an encoded state vector (used by tests and the benchmark)."""
    count, pos = read_var_uint(state, 0)
    result: dict[int, int] = {}
    for _ in range(count):
        client, pos = read_var_uint(state, pos)
        clock, pos = read_var_uint(state, pos)
        result[client] = clock
    return result


def awareness_client_ids(payload: bytes) -> list[int]:
    """The client ids an awareness update speaks for; raises ProtocolError if malformed."""
    count, pos = read_var_uint(payload, 0)
    ids: list[int] = []
    for _ in range(count):
        client, pos = read_var_uint(payload, pos)
        _clock, pos = read_var_uint(payload, pos)
        length, pos = read_var_uint(payload, pos)
        pos += length
        if pos > len(payload):
            raise ProtocolError(_l("Mise à jour de présence tronquée."))
        ids.append(client)
    return ids
