import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from menet_portal.tests.factories import AttendanceFactory, CourseFactory, SessionFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"events", "trainings", "participants", "reports", "menet_portal"}


def _database_kept():
    """The delta tables and the per-registration figures of menet_portal.counters: written by
    PostgreSQL triggers only; an admin page that could edit a row would falsify the counts, so
    they have none."""
    from menet_portal import counters

    return {counter.delta_table for counter in counters.REGISTERED} | {counters.REGISTRATION_FIGURES.table}


def _our_models():
    return [
        m for m in apps.get_models()
        if m._meta.app_label in OUR_APPS and not m.__name__.startswith("Historical")
        and m._meta.db_table not in _database_kept()
    ]


def test_the_database_kept_counts_have_no_admin_page():
    kept = [m for m in apps.get_models() if m._meta.db_table in _database_kept()]
    assert len(kept) == 4 and not [m for m in kept if m in admin.site._registry]


def test_every_model_is_in_the_admin_itself_or_as_an_inline():
    inline_models = {
        inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines
    }
    missing = [m.__name__ for m in _our_models() if m not in admin.site._registry and m not in inline_models]
    assert missing == []


def test_every_admin_list_has_filters_and_search_and_opens(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    AttendanceFactory()
    SessionFactory(course=CourseFactory())
    client.force_login(superuser)
    for model in _our_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert model_admin.search_fields, f"{model.__name__} admin has no search"
        if model.__name__ != "Region":  # seven rows: nothing to filter
            assert model_admin.list_filter, f"{model.__name__} admin has no list filter"
        assert client.get(url, {"q": "Kovács"}).status_code == 200, url
        if model_admin.has_add_permission(type("R", (), {"user": superuser})()):
            add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_mke_staff_manage_programme_data_but_not_user_accounts(client):
    staff = StaffFactory(is_staff=True)  # no per-model permissions handed out
    client.force_login(staff)
    for name in ["events_infoday", "participants_participant", "trainings_course", "reports_generatedreport"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:menet_portal_user_changelist")).status_code == 403
