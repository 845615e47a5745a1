"""Helpers for the outbox tests: a settable clock and short-hands for local times."""

import datetime
from zoneinfo import ZoneInfo

import pytest

BUDAPEST = ZoneInfo("Europe/Budapest")


def local(*args) -> datetime.datetime:
    """A Europe/Budapest wall-clock moment: local(2026, 10, 25, 9, 0)."""
    return datetime.datetime(*args, tzinfo=BUDAPEST)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment

    def set(self, moment):
        self.moment = moment
        return moment

    def advance(self, **kwargs):
        self.moment += datetime.timedelta(**kwargs)
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    """Django's ``timezone.now`` frozen at a moment the test sets (``clock.set(...)``)."""
    from django.utils import timezone

    fake = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", fake)
    return fake
