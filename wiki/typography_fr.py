"""French typography for printed text: the spaces that must not break before « ; ! ? : »
and inside « ».

``french_spaces(html)`` changes the text between tags only, never a tag or its attributes
(so no URL or class changes), and nothing inside ``code``, ``pre``, ``kbd``, ``samp``,
``script`` or ``style``. Before ; ! ? it puts a narrow no-break space (U+202F), before :
and inside « » a no-break space (U+00A0), replacing the ordinary space typed there or
adding one. A colon or a mark followed by something else than a space or the end (10:30,
https://…, ?id=3) is left alone.
"""

from __future__ import annotations

import html as html_lib
import re

NNBSP = "\u202f"
NBSP = "\u00a0"
_SPACES = " \u00a0\u202f\t"
_SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z][a-zA-Z0-9:-]*)")
_AFTER = r"(?=[\s»)\]\"'’”]|$)"
_HIGH = re.compile(rf"(?<=[^\s;!?:«])[{_SPACES}]*([;!?]+){_AFTER}")
_COLON = re.compile(rf"(?<=[^\s;!?:«])[{_SPACES}]*:{_AFTER}")
_OPEN = re.compile(rf"«[{_SPACES}]*")
_CLOSE = re.compile(rf"[{_SPACES}]*»")


def french_text(text: str) -> str:
    """The rules on plain text (no markup)."""
    text = _HIGH.sub(lambda m: NNBSP + m.group(1), text)
    text = _COLON.sub(NBSP + ":", text)
    text = _OPEN.sub("«" + NBSP, text)
    return _CLOSE.sub(NBSP + "»", text)


def _text_node(raw: str) -> str:
    if not any(mark in raw for mark in ";!?:«»"):
        return raw
    changed = french_text(html_lib.unescape(raw))
    return changed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def french_spaces(html: str) -> str:
    """``html`` with the French no-break spaces in its text nodes."""
    out: list[str] = []
    skipped: list[str] = []
    for index, part in enumerate(_TAG.split(html)):
        if index % 2 == 1:  # a tag or a comment
            out.append(part)
            match = _TAG_NAME.match(part)
            if match is None or part.endswith("/>"):
                continue
            name = match.group(1).lower()
            if name in _SKIPPED:
                if part.startswith("</"):
                    if name in skipped:
                        del skipped[len(skipped) - 1 - skipped[::-1].index(name)]
                else:
                    skipped.append(name)
            continue
        out.append(part if skipped else _text_node(part))
    return "".join(out)
