"""Access logs that do not tell who answered an anonymous questionnaire.

An access log line pairs an address and a time with a URL: for a questionnaire answered in
a room, "192.168.1.23 at 10:42:07 POSTed an answer" plus the wall's order is enough to tell
who wrote what. The filter drops the lines of answer submissions (API and HTML forms, named
or not: the server cannot tell from the line), and keeps every other line.
"""

from __future__ import annotations

import logging
import re

#: /api/v1/questionnaires/3/answers, /questionnaires/3/repondre, /questionnaires/lien/<t>/repondre
ANSWER_SUBMISSION = re.compile(r"\"POST /(?:api/v1/)?questionnaires/\S*(?:/answers|/repondre)\b")


class HideAnswerSubmissions(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return ANSWER_SUBMISSION.search(record.getMessage()) is None


def hide_answer_submissions(*logger_names: str) -> None:
    """Attach the filter once to each named logger (Werkzeug's and gunicorn's access logs)."""
    for name in logger_names or ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideAnswerSubmissions) for f in logger.filters):
            logger.addFilter(HideAnswerSubmissions())
