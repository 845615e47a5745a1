"""First steps on each role's home and short help on the import, register, reports and set-up
pages, each in a collapsible <details> (closed unless opened)."""

import pytest
from django.urls import reverse

from menet_portal.tests import factories

pytestmark = pytest.mark.django_db


def _details(content, marker):
    assert marker in content
    box = content.split(marker, 1)[0].rsplit("<details", 1)[1] + content.split(marker, 1)[1].split("</details>", 1)[0]
    assert " open" not in box.split(">", 1)[0]
    return box


@pytest.mark.parametrize("role, links", [
    ("coordinator", ["participants:participant_create", "participants:import_upload", "participants:registration_list",
                     "trainings:register_overview"]),
    ("trainer", ["trainings:register_overview"]),
    ("funder", ["report_documents:archive"]),
    ("staff", ["setup:home", "events:overview", "report_documents:home"]),
])
def test_each_roles_home_says_what_to_do_first_with_links(login, role, links):
    user = getattr(factories, f"{role.capitalize()}Factory")()
    if role == "trainer":
        factories.CourseFactory(site=factories.TrainingSiteFactory(library=user.library)).trainers.add(user)
    content = login(user).get(reverse("home"), follow=True).content.decode()
    box = _details(content, "Első lépések")
    for name in links:
        assert f'href="{reverse(name)}"' in box, name


@pytest.mark.parametrize("name, role, summary", [
    ("participants:import_upload", "coordinator", "Segítség a betöltéshez"),
    ("trainings:register_overview", "coordinator", "Segítség a jelenlét rögzítéséhez"),
    ("report_documents:home", "coordinator", "Segítség a jelentésekhez"),
    ("setup:home", "staff", "Segítség a beállításhoz"),
])
def test_help_texts_on_import_register_reports_and_setup(login, name, role, summary):
    user = getattr(factories, f"{role.capitalize()}Factory")()
    content = login(user).get(reverse(name)).content.decode()
    _details(content, summary)
