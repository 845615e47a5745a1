"""iCalendar (RFC 5545) for the public events: the whole programme's feed, and one file per event.

An info day is one VEVENT; a course is one VEVENT per session. Cancelled events stay in the feed
with STATUS:CANCELLED, so a calendar that subscribed to them is told.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as ICalEvent

from events.models import EventStatus
from menet_portal.notifications.messages import ICS_DOMAIN, portal_url, venue

from .selectors import PublicEvent


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//MKE//MENET portal//HU")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _vevent(*, uid, title, start, end, location, url, cancelled, stamp):
    item = ICalEvent()
    item.add("uid", f"{uid}@{ICS_DOMAIN}")
    item.add("dtstamp", stamp)
    item.add("dtstart", start.astimezone(datetime.UTC))
    item.add("dtend", end.astimezone(datetime.UTC))
    item.add("summary", title)
    item.add("location", location)
    item.add("url", url)
    item.add("description", _("MENET program – Magyar Könyvtárosok Egyesülete") + "\n" + url)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def event_fields(event: PublicEvent):
    """Everything a VEVENT of ``event`` shows, one dict per VEVENT (without its DTSTAMP): the
    feed's content is a function of these and of the language, nothing else."""
    cancelled = event.event.status == EventStatus.CANCELLED
    url = portal_url(event.url)
    if event.kind == "info_day":
        day = event.event
        yield dict(uid=f"info-day-{day.pk}", title=str(day), start=event.start, end=event.end,
                   location=venue(day.library, day.room), url=url, cancelled=cancelled)
        return
    for session in event.sessions:
        yield dict(
            uid=f"session-{session.pk}", title=f"{event.event} – {session.number}. {_('foglalkozás')}",
            start=session.starts_at, end=session.ends_at, location=venue(event.library, session.room),
            url=url, cancelled=cancelled,
        )


def _build(name: str, vevents: list[dict], stamp) -> bytes:
    cal = _calendar(name)
    for fields in vevents:
        cal.add_component(_vevent(**fields, stamp=stamp))
    return cal.to_ical()


def calendar_with_etag(events, *, name: str, cached: bool = True) -> tuple[str, bytes]:
    """``(etag, body)`` of the calendar of ``events``: the ETag is a digest of what the VEVENTs
    show (``event_fields``), the name and the language, so it changes exactly when the content
    does. A body built once for that digest is served again from the cache (one entry per name
    and language, replaced when the digest changes): ``icalendar`` spent ≈ 0.3 ms a VEVENT, and a
    national feed of 780 was 150–300 ms of every calendar client's poll. Nothing in the body can
    be older than its inputs: a changed room, time, title or status is a new digest and a new
    build; only DTSTAMP (when this copy of the object was made, RFC 5545) stays that of the
    build."""
    vevents = [fields for event in events for fields in event_fields(event)]
    language = get_language() or ""
    digest = hashlib.sha256(
        repr((CALENDAR_FORMAT, language, name,
              [tuple((key, value.isoformat() if isinstance(value, datetime.datetime) else value)
                     for key, value in fields.items()) for fields in vevents])).encode()
    ).hexdigest()[:32]
    if not cached:  # one event's file: small, and built for the asking
        return digest, _build(name, vevents, timezone.now())
    key = "public-calendar:" + hashlib.sha256(f"{language}:{name}".encode()).hexdigest()[:24]
    kept = cache.get(key)
    if kept is not None and kept[0] == digest:
        return digest, kept[1]
    body = _build(name, vevents, timezone.now())
    cache.set(key, (digest, body), CALENDAR_CACHE_SECONDS)
    return digest, body


# Part of the digest: a change to how the VEVENTs are written (_calendar, _vevent) must change
# every ETag, so raise it with such a change.
CALENDAR_FORMAT = 1
CALENDAR_CACHE_SECONDS = 24 * 3600
