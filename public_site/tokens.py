"""Signed links in e-mails (django.core.signing): the opt-in confirmation and the personal page.

No password and no stored secret: the link carries the id, signed with the SECRET_KEY and a salt
per purpose, so a confirmation link can't open a personal page and a changed character fails.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from menet_portal.notifications.messages import portal_url

OPT_IN_SALT = "menet.public.opt-in"
PERSONAL_SALT = "menet.public.personal-page"


class BadLink(Exception):
    """Tampered, expired or unknown link: the view answers a Hungarian 404."""


def _max_age_seconds() -> int:
    return settings.PERSONAL_LINK_DAYS * 24 * 3600


def opt_in_token(registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=OPT_IN_SALT, compress=True)


def registration_from_opt_in(token: str):
    from participants.models import Registration

    try:
        data = signing.loads(token, salt=OPT_IN_SALT, max_age=_max_age_seconds())
        return Registration.objects.select_related("participant").get(pk=data["r"])
    except (signing.BadSignature, KeyError, TypeError, Registration.DoesNotExist):
        raise BadLink() from None


def personal_token(participant) -> str:
    return signing.dumps({"p": participant.pk}, salt=PERSONAL_SALT, compress=True)


def participant_from_personal(token: str):
    from participants.models import Participant

    try:
        data = signing.loads(token, salt=PERSONAL_SALT, max_age=_max_age_seconds())
        return Participant.objects.get(pk=data["p"], anonymised_at__isnull=True)
    except (signing.BadSignature, KeyError, TypeError, Participant.DoesNotExist):
        raise BadLink() from None


def opt_in_url(registration) -> str:
    return portal_url(reverse("public:confirm", kwargs={"token": opt_in_token(registration)}))


def personal_url(participant) -> str:
    return portal_url(reverse("public:personal", kwargs={"token": personal_token(participant)}))
