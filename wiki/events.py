"""Signals the domain announces; collab/ and search/ subscribe, wiki/ never imports them."""

from blinker import Namespace

_signals = Namespace()

#: sender=Page, revision=Revision — a new revision was stored (edit, restore, rename).
page_saved = _signals.signal("page-saved")
#: sender=Page — the page went to the trash.
page_deleted = _signals.signal("page-deleted")
#: sender=Page — the page came back from the trash.
page_restored = _signals.signal("page-restored")
#: sender=Resource
resource_saved = _signals.signal("resource-saved")
#: sender=Resource
resource_deleted = _signals.signal("resource-deleted")
#: sender=Space
space_saved = _signals.signal("space-saved")
#: sender=Questionnaire — an answer was stored or replaced (committed); the live wall listens.
#: ``word={"question_id", "stem", "hidden"}`` when a facilitator hid (or showed) a word.
answers_changed = _signals.signal("answers-changed")
#: sender=ApiToken (deleted), user_id=int, token_id=int — revoked: close what it opened.
token_revoked = _signals.signal("token-revoked")
#: sender=None, session_ids=list[int] — sign-in sessions ended (sign-out, new password…).
sessions_ended = _signals.signal("sessions-ended")
#: sender=Space, archive_id=int — the space was archived: open editors turn read-only.
space_archived = _signals.signal("space-archived")
#: sender=Space — an instance admin reopened the archived space.
space_reopened = _signals.signal("space-reopened")
