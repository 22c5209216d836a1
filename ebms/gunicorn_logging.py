"""gunicorn's access log without secrets (configured in gunicorn.conf.py)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from ebms.logredact import redact


class RedactingLogger(Logger):
    """Request line, path, query and referer of every access-log line pass `redact`."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
