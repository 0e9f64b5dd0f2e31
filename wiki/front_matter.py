"""YAML front matter of exported Markdown pages: a tiny writer and a strict small reader.

The writer emits a flat mapping of scalars (strings always double-quoted, with every
character YAML would not take literally escaped), integers, booleans, null and flat lists
of strings in flow style: a subset every YAML parser reads the same way (PyYAML, the
JavaScript ``yaml`` package, Obsidian, Hugo, HedgeDoc). The reader understands that subset
plus what other tools commonly write at the top of a Markdown file (plain and single-quoted
scalars, ``key:`` followed by ``- item`` lines, comments); anything else is refused with
``FrontMatterError`` rather than guessed. No YAML library is needed at run time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

Value = str | int | bool | None | list[str]
DELIMITER = "---"
#: a front matter longer than this is not one (a "---" rule further down a long page)
MAX_LINES = 200
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]{0,60})\s*:(?:\s+(.*)|\s*)$")
_INT = re.compile(r"^[-+]?[0-9]{1,18}$")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0"}
_ESCAPES |= {"b": "\b", "f": "\f", "e": "\x1b", "a": "\a", "v": "\v", " ": " ", "_": "\xa0"}
_ESCAPES |= {"N": "\x85", "L": "\u2028", "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


class FrontMatterError(ValueError):
    """The block between the ``---`` lines is not the YAML subset this reader accepts;
    ``body`` is the text after it."""

    body = ""


def _printable(char: str) -> bool:
    """What YAML allows unescaped inside a double-quoted scalar on one line."""
    code = ord(char)
    if char in '"\\':
        return False
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    ) and char not in "\u2028\u2029\ufeff"


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back as exactly ``text``."""
    out = []
    for char in text:
        if _printable(char):
            out.append(char)
        elif char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def _scalar(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(quote(str(item)) for item in value) + "]"
    return quote(str(value))


def dumps(fields: Mapping[str, Value]) -> str:
    """The front matter block (with its ``---`` lines and a final newline)."""
    lines = [DELIMITER]
    for key, value in fields.items():
        if not _KEY.match(f"{key}:"):
            raise ValueError(f"not a front matter key: {key!r}")
        lines.append(f"{key}: {_scalar(value)}")
    lines.append(DELIMITER)
    return "\n".join(lines) + "\n"


def document(fields: Mapping[str, Value], body: str) -> str:
    """A Markdown file: front matter, then ``body``."""
    return dumps(fields) + "\n" + body


# --- reading ------------------------------------------------------------------------


def _unquote_double(raw: str) -> tuple[str, str]:
    """The double-quoted scalar at the start of ``raw`` and what follows it."""
    out, index = [], 1
    while index < len(raw):
        char = raw[index]
        if char == '"':
            return "".join(out), raw[index + 1 :]
        if char == "\\":
            escape = raw[index + 1 : index + 2]
            if escape in _HEX:
                digits = raw[index + 2 : index + 2 + _HEX[escape]]
                if len(digits) != _HEX[escape] or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                    raise FrontMatterError("bad escape")
                out.append(chr(int(digits, 16)))
                index += 2 + _HEX[escape]
                continue
            if escape not in _ESCAPES:
                raise FrontMatterError("bad escape")
            out.append(_ESCAPES[escape])
            index += 2
            continue
        out.append(char)
        index += 1
    raise FrontMatterError("unterminated string")


def _unquote_single(raw: str) -> tuple[str, str]:
    out, index = [], 1
    while index < len(raw):
        if raw[index] == "'":
            if raw[index + 1 : index + 2] == "'":
                out.append("'")
                index += 2
                continue
            return "".join(out), raw[index + 1 :]
        out.append(raw[index])
        index += 1
    raise FrontMatterError("unterminated string")


def _rest_is_comment(rest: str) -> None:
    rest = rest.strip()
    if rest and not rest.startswith("#"):
        raise FrontMatterError("text after a quoted value")


def _plain(raw: str) -> Value:
    text = re.split(r"\s+#", raw, maxsplit=1)[0].strip()
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if text[0] in "{&*!|>%@`":
        raise FrontMatterError("unsupported YAML")
    return text


def _flow_list(raw: str) -> list[str]:
    items: list[str] = []
    rest = raw.strip()[1:]
    while True:
        rest = rest.lstrip()
        if rest.startswith("]"):
            _rest_is_comment(rest[1:])
            return items
        if rest[:1] == '"':
            item, rest = _unquote_double(rest)
        elif rest[:1] == "'":
            item, rest = _unquote_single(rest)
        else:
            match = re.match(r"([^,\]]*)", rest)
            assert match is not None
            item, rest = match.group(1).strip(), rest[match.end() :]
            if item[:1] in ("[", "{"):
                raise FrontMatterError("nested list")
        items.append(item)
        rest = rest.lstrip()
        if rest.startswith(","):
            rest = rest[1:]
        elif not rest.startswith("]"):
            raise FrontMatterError("unterminated list")


def value(raw: str) -> Value:
    """One value as written after ``key:``."""
    raw = raw.strip()
    if raw.startswith('"'):
        text, rest = _unquote_double(raw)
        _rest_is_comment(rest)
        return text
    if raw.startswith("'"):
        text, rest = _unquote_single(raw)
        _rest_is_comment(rest)
        return text
    if raw.startswith("["):
        return _flow_list(raw)
    return _plain(raw)


def _list_item(line: str) -> str | None:
    stripped = line.strip()
    if not (stripped == "-" or stripped.startswith("- ")):
        return None
    item = value(stripped[1:])
    if isinstance(item, list):
        raise FrontMatterError("nested list")
    return "" if item is None else str(item)


def parse_block(lines: list[str]) -> dict[str, Value]:
    fields: dict[str, Value] = {}
    open_list: str | None = None  # a ``key:`` with nothing after it, taking ``- item`` lines
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t-":
            item = _list_item(line)
            if item is None or open_list is None:
                raise FrontMatterError("indented line")
            items = fields[open_list]
            fields[open_list] = [*(items if isinstance(items, list) else []), item]
            continue
        match = _KEY.match(line)
        if match is None:
            raise FrontMatterError("not a key")
        key, raw = match.group(1), match.group(2) or ""
        fields[key] = value(raw) if raw.strip() else None
        open_list = None if raw.strip() else key
    return fields


def split(text: str) -> tuple[dict[str, Value] | None, str]:
    """``(fields, body)``: fields None when the text has no front matter. Raises
    ``FrontMatterError`` when it has one this reader cannot read."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != DELIMITER:
        return None, text
    for index, line in enumerate(lines[1 : MAX_LINES + 1], start=1):
        if line.rstrip() in (DELIMITER, "..."):
            body = "\n".join(lines[index + 1 :]).removeprefix("\n")
            try:
                fields = parse_block([ln.rstrip("\r") for ln in lines[1:index]])
            except FrontMatterError as error:
                error.body = body
                raise
            return fields, body
    return None, text
