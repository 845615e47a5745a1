"""Logging helpers (settings.LOGGING)."""

import logging


class OneLineClientErrors(logging.Filter):
    """A refused request (403, 404, a CSRF failure, 400) is logged as one line, without its traceback.

    Django logs such answers on ``django.request`` and ``django.security.*`` with the exception
    attached, so every 403 printed a full traceback to the console. They are the client's
    problem, not ours: the line (status, reason, path) is enough. Server errors (5xx) keep theirs.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.security") or (status is not None and status < 500):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
