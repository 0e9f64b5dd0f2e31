"""The messages the system writes on revisions, stored as codes and shown in the reader's
language (a person's own message is stored and shown as typed).

A stored code is ``name`` or ``name:argument`` (the version a page went back to, the title
of the board a page was made from); ``shown`` turns it into words.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PAGE_CREATED = "page_created"
LIVE_EDIT = "live_edit"
QUESTIONNAIRE_EDITED = "questionnaire_edited"
RESTORED = "restored"
BOARD_CONVERTED = "board_converted"

_PLAIN = {
    PAGE_CREATED: _l("Création de la page"),
    LIVE_EDIT: _l("Modification en direct"),
    QUESTIONNAIRE_EDITED: _l("Questionnaire modifié"),
}
_WITH_ARGUMENT = {
    RESTORED: lambda arg: _l("Retour à la version %(number)s", number=arg),
    BOARD_CONVERTED: lambda arg: _l("Transformé depuis le tableau « %(title)s »", title=arg),
}


def coded(name: str, argument: object) -> str:
    """The stored form of a message that names something: ``restored:3``."""
    return f"{name}:{argument}"


def shown(message: str | None) -> str:
    """A revision's message as shown to the reader."""
    text = message or ""
    if text in _PLAIN:
        return str(_PLAIN[text])
    name, colon, argument = text.partition(":")
    if colon and name in _WITH_ARGUMENT:
        return str(_WITH_ARGUMENT[name](argument))
    return text
