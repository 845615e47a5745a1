"""The interface language: Hungarian, unless the user chose English with the switch.

The browser's Accept-Language is ignored on purpose: a Hungarian coordinator with an English
browser must get the Hungarian portal. The choice made with the switch (``switch_language``)
is kept in Django's language cookie and, for a logged-in user, on their profile
(``User.language``), so it follows them to another browser.
"""

from django.conf import settings
from django.utils import translation


def supported_languages():
    return {code for code, _name in settings.LANGUAGES}


def chosen_language(request):
    """The profile's language for a logged-in user, else the cookie's, else Hungarian."""
    supported = supported_languages()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "language", "") in supported:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    return settings.LANGUAGE_CODE


def remember_language(*, user, language):
    """Store the language a logged-in user chose on their profile."""
    if language not in supported_languages():
        raise ValueError(f"unsupported language: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


class LanguageMiddleware:
    """Activates ``chosen_language`` for every request (instead of Django's LocaleMiddleware).

    It sits after the authentication middleware so that it can read the user's profile.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
