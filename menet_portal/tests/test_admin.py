import pytest
from django.contrib import admin
from django.urls import reverse

from menet_portal.tests.factories import AttendanceFactory, CourseFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_model_is_in_the_admin_with_filters_and_search(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    AttendanceFactory()
    SessionFactory(course=CourseFactory())
    client.force_login(superuser)
    assert len(admin.site._registry) >= 11
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"events", "trainings", "participants", "reports", "menet_portal"}:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert model_admin.search_fields, f"{model.__name__} admin has no search"
        response = client.get(url, {"q": "Kovács"})
        assert response.status_code == 200, url
        if model.__name__ not in {"Region"}:
            assert model_admin.list_filter, f"{model.__name__} admin has no list filter"
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert client.get(add).status_code == 200, add
