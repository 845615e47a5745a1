"""Counting attempts per client and per address, without a third party.

Keys are hashed with the SECRET_KEY (no raw IP address or e-mail is stored); each attempt is
a row, counted over a sliding window and purged by the periodic task. A key over its limit
raises ``RateLimited`` with a Hungarian message and changes nothing else.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RateLimitHit

WINDOW = datetime.timedelta(hours=1)


class RateLimited(Exception):
    def __init__(self, message=None):
        super().__init__(message or _("Túl sok próbálkozás rövid idő alatt. Kérjük, próbálja újra egy óra múlva."))


def hashed(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()


def client_ip(request) -> str:
    # Behind the reverse proxy (README: production) REMOTE_ADDR is the proxy unless it passes the
    # client on; we count only what the proxy is configured to give us.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check_and_count(scope: str, keys: list[str], *, limit: int, now=None) -> None:
    """Count one attempt under every key; refuse (``RateLimited``) if any key is already at ``limit``."""
    now = now or timezone.now()
    digests = [hashed(k) for k in keys if k]
    with transaction.atomic():
        for digest in digests:
            used = RateLimitHit.objects.filter(scope=scope, key=digest, at__gt=now - WINDOW).count()
            if used >= limit:
                raise RateLimited()
        RateLimitHit.objects.bulk_create([RateLimitHit(scope=scope, key=d, at=now) for d in digests])


def purge(*, now=None) -> int:
    now = now or timezone.now()
    deleted, _by_model = RateLimitHit.objects.filter(at__lte=now - WINDOW).delete()
    return deleted
