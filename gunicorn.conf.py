"""gunicorn settings read from the working directory (the Dockerfile's CMD runs in /app).

The access log keeps no secret: OAuth `code`/`state` and candidate link tokens are redacted
(ebms/logredact.py, docs/security.md).
"""

logger_class = "ebms.gunicorn_logging.RedactingLogger"
