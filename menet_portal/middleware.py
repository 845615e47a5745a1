"""Request-wide security rules: the session idle timeout and ``Cache-Control: no-store``.

Library PCs are shared: a coordinator who walks away must not leave the participants' data open
for the next visitor, and no browser or proxy cache may keep a copy of a page with personal data.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "menet_last_activity"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharacterPathMiddleware:
    """A URL path with a NUL or another control character names nothing: 404, before any view
    passes it to the database (PostgreSQL refuses NUL in text and the view would answer 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info):
            from django.http import Http404
            from django.views.defaults import page_not_found

            return page_not_found(request, Http404())
        return self.get_response(request)

# Writing the session on every request would be a database write per page: a minute is precise enough.
ACTIVITY_RESOLUTION_SECONDS = 60


class SessionIdleTimeoutMiddleware:
    """Log out a user whose last request was more than ``SESSION_IDLE_TIMEOUT`` minutes ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT * 60:
                logout(request)
                messages.info(request, _(
                    "Biztonsági okból kiléptettük, mert %(minutes)s percig nem használta a portált. Lépjen be újra."
                ) % {"minutes": settings.SESSION_IDLE_TIMEOUT})
            elif last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and download with personal data.

    That is every response to a logged-in user and every attachment, and, by default, every other
    dynamic response that did not say how it may be cached (public pages reached through a personal
    link carry personal data without a login). Static files are served by whitenoise before this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or "attachment" in response.get(
            "Content-Disposition", "")
        if personal or not response.has_header("Cache-Control"):
            if response.has_header("Cache-Control"):
                del response["Cache-Control"]
            patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
            response["Pragma"] = "no-cache"
        return response
