"""The event filter of the participant and registration lists: a searchable, scoped select
(a few options plus a JSON autocomplete and a plain-text fallback), never every event."""

import pytest
from django.urls import reverse

from menet_portal.tests.factories import CourseFactory, InfoDayFactory, RegistrationFactory, TrainingSiteFactory
from participants import selectors

pytestmark = pytest.mark.django_db


def _options(html, name):
    start = html.index(f'name="{name}"')
    return html[start:html.index("</select>", start)].count("<option")


def test_staff_registration_list_renders_a_bounded_number_of_event_options(login, staff):
    for n in range(selectors.EVENT_SEARCH_LIMIT + 5):
        InfoDayFactory(title=f"Infonap {n}")
    response = login(staff).get(reverse("participants:registration_list"))
    html = response.content.decode()
    assert _options(html, "info_day") == selectors.EVENT_SEARCH_LIMIT + 1  # the empty choice + the newest
    assert "Csak a legutóbbiak látszanak" in html
    assert "participants/event-search.js" in html and 'data-event-search-url="/resztvevok/esemenykereso/"' in html


def test_the_chosen_event_is_an_option_even_beyond_the_limit(login, staff):
    oldest = InfoDayFactory(title="Legrégebbi infonap", date="2020-01-10")
    for n in range(selectors.EVENT_SEARCH_LIMIT + 2):
        InfoDayFactory(title=f"Infonap {n}")
    html = login(staff).get(reverse("participants:registration_list"), {"info_day": oldest.pk}).content.decode()
    assert f'<option value="{oldest.pk}" selected>' in html


def test_plain_text_fallback_filters_the_list_and_narrows_the_options(login, coordinator):
    gyor = InfoDayFactory(library=coordinator.library, title="Győri infonap")
    other = InfoDayFactory(library=coordinator.library, title="Soproni infonap")
    RegistrationFactory(info_day=gyor, participant__family_name="Győri", participant__registering_library=coordinator.library)
    RegistrationFactory(info_day=other, participant__family_name="Soproni",
                        participant__registering_library=coordinator.library)
    client = login(coordinator)
    response = client.get(reverse("participants:registration_list"), {"event_q": "győri"})
    assert [r["family_name"] for r in response.context["page_obj"]] == ["Győri"]
    html = response.content.decode()
    select = html[html.index('name="info_day"'):]
    select = select[:select.index("</select>")]
    assert "Győri infonap" in select and "Soproni infonap" not in select
    response = client.get(reverse("participants:participant_list"), {"event_q": "soproni"})
    assert [p.family_name for p in response.context["page_obj"]] == ["Soproni"]


def test_autocomplete_answers_only_the_users_own_events(login, coordinator):
    own_day = InfoDayFactory(library=coordinator.library, title="Saját infonap")
    InfoDayFactory(title="Idegen infonap")
    own_course = CourseFactory(site=TrainingSiteFactory(library=coordinator.library), title="Saját képzés")
    CourseFactory(title="Idegen képzés")
    client = login(coordinator)
    url = reverse("participants:event_search")
    days = client.get(url, {"kind": "info_day", "q": "infonap"}).json()["results"]
    assert [d["id"] for d in days] == [own_day.pk]
    courses = client.get(url, {"kind": "course", "q": "képzés"}).json()["results"]
    assert [c["id"] for c in courses] == [own_course.pk]
    assert client.get(url, {"kind": "idegen"}).status_code == 404


@pytest.mark.parametrize("role", ["trainer", "funder"])
def test_autocomplete_is_closed_to_other_roles(request, login, role):
    InfoDayFactory(title="Valami")
    response = login(request.getfixturevalue(role)).get(reverse("participants:event_search"), {"kind": "info_day"})
    assert response.status_code in (403, 404, 302)


def test_autocomplete_needs_a_login(client):
    assert client.get(reverse("participants:event_search"), {"kind": "info_day"}).status_code == 302
