"""Event photos: the event's page (upload, list, pick), the scoped image, delete, pick.

Every photo comes from ``menet_portal.scope.event_photos_for`` and every event from the
user's scope: another library's id answers 404. The funder viewer has no photo page: the
photos staff picked reach the ministry printed in the finalised progress report.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from menet_portal.models import Role
from menet_portal.permissions import role_required
from menet_portal.scope import COURSE_SLUG, INFO_DAY_SLUG, event_for, event_photos_for, registrations_for
from participants.models import RegistrationStatus

from . import services

logger = logging.getLogger(__name__)

INFO_DAY, COURSE = INFO_DAY_SLUG, COURSE_SLUG


def _event(request, kind, pk):
    return event_for(request.user, kind, pk)


def event_url(photo_or_event):
    from events.models import InfoDay

    event = getattr(photo_or_event, "event", photo_or_event)
    kind = INFO_DAY if isinstance(event, InfoDay) else COURSE
    return reverse("photos:event", kwargs={"kind": kind, "pk": event.pk})


@role_required(Role.STAFF, Role.COORDINATOR)
@never_cache
def event_photos(request, kind, pk):
    event = _event(request, kind, pk)
    if request.method == "POST":
        try:
            services.upload_photo(event=event, uploaded=request.FILES.get("photo"),
                                  caption=request.POST.get("caption", ""), user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("A fényképet feltöltöttük (helyadatok és egyéb metaadatok nélkül)."))
        return redirect(request.path)
    key = "info_day" if kind == INFO_DAY else "course"
    photos = event_photos_for(request.user).filter(**{key: event})
    without_consent = (registrations_for(request.user).filter(**{key: event}, status=RegistrationStatus.CONFIRMED,
                                                              participant__photo_consent_at__isnull=True)
                       .select_related("participant").order_by("participant__family_name", "participant__given_name"))
    return render(request, "photos/event.html", {
        "event": event, "kind": kind, "photos": photos, "without_consent": without_consent,
        "max_mb": services.max_bytes() // (1024 * 1024),
    })


@role_required(Role.STAFF, Role.COORDINATOR)
def photo_image(request, pk):
    photo = get_object_or_404(event_photos_for(request.user), pk=pk)
    try:
        data = services.read_photo(photo)
    except FileNotFoundError:
        # The row is there but its file is not (a restore without the archive's files): a 404 and a
        # log line for the operator, not a 500.
        logger.error("photo %s: file %s is missing from the archive storage", photo.pk, photo.file.name)
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="fenykep-{photo.pk}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.STAFF, Role.COORDINATOR)
@require_POST
def photo_delete(request, pk):
    photo = get_object_or_404(event_photos_for(request.user), pk=pk)
    back = event_url(photo)
    try:
        services.delete_photo(photo=photo, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A fényképet töröltük."))
    return redirect(back)


@role_required(Role.STAFF)
@require_POST
def photo_pick(request, pk):
    photo = get_object_or_404(event_photos_for(request.user), pk=pk)
    picked = request.POST.get("picked") == "1"
    services.set_picked(photo=photo, picked=picked, user=request.user)
    messages.success(request, _("A fénykép bekerül a szakmai beszámolóba.") if picked
                     else _("A fénykép nem kerül a szakmai beszámolóba."))
    return redirect(request.POST.get("next") if request.POST.get("next") == reverse("photos:overview")
                    else event_url(photo))


@role_required(Role.STAFF)
def overview(request):
    """Staff: every event's photos, to pick those the progress report prints."""
    from django.core.paginator import Paginator

    page = Paginator(event_photos_for(request.user), 48).get_page(request.GET.get("oldal"))
    return render(request, "photos/overview.html", {"page": page})
