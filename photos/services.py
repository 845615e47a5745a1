"""Photo evidence: upload (checked by content, metadata stripped, re-encoded), delete, pick.

- ``upload_photo``: the coordinator of the event's library or staff (the view loads the event
  from the user's scope). At most ``PHOTOS_MAX_BYTES`` (default 10 MB) and
  ``PHOTOS_MAX_PIXELS`` (default 40 megapixels, against decompression bombs); the type is
  what Pillow finds in the bytes (JPEG or PNG), never the file name. The image is turned
  upright from its EXIF orientation, scaled to at most ``MAX_SIDE`` pixels and re-encoded as a
  JPEG without EXIF, GPS, XMP, ICC or comments.
- ``set_picked``: staff pick a photo for the progress report (or take it back).
- ``delete_photo``: not while it is picked for the report.
"""

import hashlib
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from events.models import InfoDay
from menet_portal.models import Role
from menet_portal.permissions import user_has_role

from .models import EventPhoto

ACCEPTED_FORMATS = {"JPEG", "PNG"}
MAX_SIDE = 2400
JPEG_QUALITY = 85


def max_bytes() -> int:
    return getattr(settings, "PHOTOS_MAX_BYTES", 10 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "PHOTOS_MAX_PIXELS", 40_000_000)


def clean_image(content: bytes) -> tuple[bytes, int, int]:
    """Decode, check and re-encode: returns (JPEG bytes without metadata, width, height)."""
    if len(content) > max_bytes():
        raise ValidationError(_("A fénykép túl nagy: legfeljebb %(mb)s MB lehet.") % {"mb": max_bytes() // (1024 * 1024)})
    refused = ValidationError(_("Ez nem JPEG vagy PNG fénykép (a fájl tartalmát vizsgáljuk, nem a nevét)."))
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise refused
            if probe.width * probe.height > max_pixels():
                raise ValidationError(_("A fénykép felbontása túl nagy: legfeljebb %(mp)s megapixel lehet.")
                                      % {"mp": max_pixels() // 1_000_000})
            probe.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # A new image object and no exif/icc/comment arguments: nothing of the original's metadata is written.
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue(), clean.width, clean.height
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None


def upload_photo(*, event, uploaded, caption: str, user) -> EventPhoto:
    if not user_has_role(user, (Role.STAFF, Role.COORDINATOR)):
        raise ValidationError(_("Fényképet a könyvtár koordinátora vagy MKE-munkatárs tölthet fel."))
    if uploaded is None:
        raise ValidationError(_("Válassza ki a feltöltendő fényképet."))
    if uploaded.size is not None and uploaded.size > max_bytes():
        raise ValidationError(_("A fénykép túl nagy: legfeljebb %(mb)s MB lehet.") % {"mb": max_bytes() // (1024 * 1024)})
    content, width, height = clean_image(uploaded.read(max_bytes() + 1))
    digest = hashlib.sha256(content).hexdigest()
    photo = EventPhoto(
        width=width, height=height, size=len(content), sha256=digest, caption=(caption or "").strip()[:200],
        uploaded_by=user, **({"info_day": event} if isinstance(event, InfoDay) else {"course": event}),
    )
    photo.full_clean(exclude=["file"])
    with transaction.atomic():
        photo.file.save(f"{digest[:16]}.jpg", ContentFile(content), save=False)
        photo.save()
    return photo


def read_photo(photo: EventPhoto) -> bytes:
    with photo.file.open("rb") as fh:
        return fh.read()


def set_picked(*, photo: EventPhoto, picked: bool, user) -> EventPhoto:
    if not user_has_role(user, (Role.STAFF,)):
        raise ValidationError(_("A beszámolóba kerülő fényképeket az MKE munkatársai választják ki."))
    with transaction.atomic():
        photo = EventPhoto.objects.select_for_update().get(pk=photo.pk)
        photo.picked_for_report = picked
        photo.picked_by = user if picked else None
        photo.picked_at = timezone.now() if picked else None
        photo.save(update_fields=["picked_for_report", "picked_by", "picked_at"])
    return photo


def delete_photo(*, photo: EventPhoto, user) -> None:
    with transaction.atomic():
        photo = EventPhoto.objects.select_for_update().get(pk=photo.pk)
        if photo.picked_for_report:
            raise ValidationError(_("A beszámolóba kiválasztott fénykép nem törölhető; előbb vegye ki a beszámolóból."))
        name = photo.file.name
        photo.delete()
        transaction.on_commit(lambda: photo.file.storage.delete(name))


def picked_photos(programme):
    """The photos staff picked for the programme's progress report, oldest event first."""
    from django.db.models import Q

    return list(EventPhoto.objects.filter(picked_for_report=True).filter(
        Q(info_day__programme=programme) | Q(course__site__programme=programme))
        .select_related("info_day__library", "course__site__library").order_by("picked_at", "id"))


def path_of(photo: EventPhoto):
    from pathlib import Path

    return Path(photo.file.path).resolve()
