"""The portal's log-in backend: Django's ``ModelBackend`` whose per-request user look-up also
reads the user's library (one query instead of two on every coordinator and trainer page; the
navbar shows the library's name).

Passwords, permissions and ``is_active`` are ``ModelBackend``'s, unchanged.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LibraryModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("library").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
