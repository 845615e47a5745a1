"""Every database constraint speaks Hungarian in the admin and in every ModelForm."""

import datetime

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse

from events.models import InfoDay
from menet_portal.tests.factories import InfoDayFactory, SessionFactory, StaffFactory
from trainings.models import Session

OUR_APPS = {"events", "trainings", "participants", "reports", "menet_portal", "privacy", "public", "evidence", "programme_setup", "plan"}


def test_every_constraint_has_a_hungarian_message():
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS and not model.__module__.startswith(tuple(OUR_APPS)):
            continue
        for constraint in model._meta.constraints:
            message = str(constraint.violation_error_message or "")
            if message == str(constraint.default_violation_error_message) or not message or "%(name)s" in message:
                missing.append(f"{model._meta.label}.{constraint.name}")
            # Django %-formats the message with the constraint's name: a bare "%" would raise on violation.
            try:
                constraint.get_violation_error_message()
            except (TypeError, ValueError):
                missing.append(f"{model._meta.label}.{constraint.name}: unescaped %")
    assert missing == []


@pytest.mark.django_db
def test_admin_shows_the_hungarian_message_not_the_constraint_name(client):
    day = InfoDayFactory(capacity=30, minimum=25)
    client.force_login(StaffFactory(is_staff=True))
    page = client.post(reverse("admin:events_infoday_change", args=[day.pk]), {
        "programme": day.programme_id, "region": day.region_id, "library": day.library_id, "title": "",
        "date": day.date.isoformat(), "start_time": "13:00", "end_time": "09:00", "room": "",
        "capacity": 30, "minimum": 25, "status": day.status,
    })
    html = page.content.decode()
    assert page.status_code == 200
    # The field-level message (InfoDay.clean) or the constraint's own Hungarian message.
    assert "kezdés" in html and "megszorítás" not in html
    assert "info_day_ends_after_start" not in html


@pytest.mark.django_db
def test_model_form_shows_the_hungarian_message():
    session = SessionFactory()
    SessionForm = forms.modelform_factory(Session, fields=["course", "number", "starts_at", "ends_at"])
    form = SessionForm(data={
        "course": session.course_id, "number": session.number,
        "starts_at": "2026-12-10 13:00", "ends_at": "2026-12-10 09:00",
    })
    assert not form.is_valid()
    errors = " ".join(str(e) for e in form.errors.values())
    assert "kezdés" in errors and "megszorítás" not in errors and "session_ends_after_start" not in errors
    assert "foglalkozása" in errors

    InfoDayForm = forms.modelform_factory(InfoDay, fields=["capacity", "minimum"])
    form = InfoDayForm(data={"capacity": 10, "minimum": 20}, instance=InfoDayFactory())
    assert not form.is_valid()
    assert "A minimális létszám" in str(form.errors) and "megszorítás" not in str(form.errors)
    _ = datetime
