"""Secrets out of request lines in our logs (runserver's and gunicorn's access log).

Redacts the OAuth callback's parameters (`code`, `state`, tokens) and the candidate link's
token (`/vorschlag/<token>/`). The link's token is useless once opened anyway (its first open
exchanges it, docs/security.md); this keeps it out of the logs we write ourselves.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[entfernt]"
SECRET_PARAMS = (
    "code",
    "state",
    "session_state",
    "id_token",
    "access_token",
    "refresh_token",
    "client_secret",
    "code_verifier",
    "client_info",
)
_PARAM = re.compile(
    r"((?:^|[?&;]|%3F|%26)(?:" + "|".join(SECRET_PARAMS) + r")(?:=|%3D))[^&;\s\"']*", re.I
)
_LINK = re.compile(r"(/vorschlag/)(?!auswahl/)[^/?\s\"']+")


def redact(text: str) -> str:
    """`text` with secret query values and candidate link tokens replaced."""
    return _LINK.sub(r"\1" + REDACTED, _PARAM.sub(r"\1" + REDACTED, text))


def _clean(value):
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Logging filter: redacts the message and its string arguments (tuple or dict)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _clean(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_clean(value) for value in record.args)
        return True
