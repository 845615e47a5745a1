"""A refused request is one line in the log, not a traceback."""

import io
import logging

from django.conf import settings
from django.urls import reverse

from menet_portal.log import OneLineClientErrors


def _capture(logger_name):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OneLineClientErrors())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    return stream, logger, handler


def test_a_403_is_logged_as_one_line(login, funder):
    stream, logger, handler = _capture("django.request")
    try:
        response = login(funder).get(reverse("participants:registration_list"))
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 403
    lines = stream.getvalue().strip().splitlines()
    assert len(lines) == 1, lines
    assert "/resztvevok/jelentkezesek/" in lines[0]
    assert "Traceback" not in stream.getvalue()


def test_server_errors_keep_their_traceback():
    stream, logger, handler = _capture("django.request")
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    finally:
        logger.removeHandler(handler)
    assert "Traceback" in stream.getvalue()


def test_the_console_handler_uses_the_filter():
    assert "one_line_client_errors" in settings.LOGGING["handlers"]["console"]["filters"]
