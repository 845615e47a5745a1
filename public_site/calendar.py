"""iCalendar (RFC 5545) for the public events: the whole programme's feed, and one file per event.

An info day is one VEVENT; a course is one VEVENT per session. Cancelled events stay in the feed
with STATUS:CANCELLED, so a calendar that subscribed to them is told.
"""

import datetime

from django.utils import timezone
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


def event_components(event: PublicEvent, *, stamp=None):
    stamp = stamp or timezone.now()
    cancelled = event.event.status == EventStatus.CANCELLED
    url = portal_url(event.url)
    if event.kind == "info_day":
        day = event.event
        yield _vevent(uid=f"info-day-{day.pk}", title=str(day), start=event.start, end=event.end,
                      location=venue(day.library, day.room), url=url, cancelled=cancelled, stamp=stamp)
        return
    for session in event.sessions:
        yield _vevent(
            uid=f"session-{session.pk}", title=f"{event.event} – {session.number}. {_('foglalkozás')}",
            start=session.starts_at, end=session.ends_at, location=venue(event.library, session.room),
            url=url, cancelled=cancelled, stamp=stamp,
        )


def calendar_for(events, *, name: str) -> bytes:
    cal = _calendar(name)
    stamp = timezone.now()
    for event in events:
        for component in event_components(event, stamp=stamp):
            cal.add_component(component)
    return cal.to_ical()
