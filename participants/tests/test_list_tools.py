"""The coordinator's lists as tools: search over phone, organisation and tax number (within
scope), sortable columns in Hungarian order, filters and sort kept in the exports, and bulk
actions on the registration list (cancel with a reason, move, export the selection)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from menet_portal.tests.factories import (
    CoordinatorFactory, InfoDayFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory,
)
from participants.models import Registration, RegistrationStatus
from participants.services import register_participant
from participants.views import BULK_REPORT_KEY

pytestmark = pytest.mark.django_db


def _names(response):
    return [row["family_name"] if isinstance(row, dict) else row.family_name for row in response.context["page_obj"]]


@pytest.fixture
def day(coordinator):
    return InfoDayFactory(library=coordinator.library, capacity=30)


def test_search_finds_a_person_by_phone_organisation_and_tax_number_within_scope(login, coordinator, day):
    org = OrganisationFactory(name="Zöldág Egyesület", tax_number="18123451-1-41")
    RegistrationFactory(info_day=day, participant=ParticipantFactory(
        family_name="Szervezős", target_group="nonprofit", organisation=org, phone="+36 20 555 0101"))
    RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name="Másvalaki", phone="+36 30 999 8877"))
    # The same phone and tax number in another library: never found by this coordinator.
    RegistrationFactory(participant=ParticipantFactory(
        family_name="Idegen", target_group="business", organisation=OrganisationFactory(name="Zöldág Kft.", tax_number="18123451-2-41"),
        phone="+36 20 555 0101"))
    client = login(coordinator)
    url = reverse("participants:participant_list")
    for query in ["06 20 555 0101", "+36205550101", "20/555-0101", "zöldág", "18123451-1-41", "18123451141", "18123451"]:
        assert _names(client.get(url, {"q": query})) == ["Szervezős"], query
    assert _names(client.get(reverse("participants:registration_list"), {"q": "06-20-555-0101"})) == ["Szervezős"]
    assert _names(client.get(url, {"q": "1980"})) == []  # a birth year is not a phone number


def test_columns_sort_in_hungarian_order_both_ways_and_the_export_keeps_filters_and_sort(login, coordinator, day):
    for family, year in [("Csizmadia", 1970), ("Cukor", 1990), ("Özvegy", 1985), ("Ősz", 1960), ("Czakó", 1975)]:
        RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name=family, birth_year=year))
    RegistrationFactory(participant=ParticipantFactory(family_name="Ács"))  # another library
    client = login(coordinator)
    url = reverse("participants:participant_list")
    assert _names(client.get(url, {"rendezes": "nev"})) == ["Cukor", "Czakó", "Csizmadia", "Ősz", "Özvegy"]
    assert _names(client.get(url, {"rendezes": "-nev"})) == ["Özvegy", "Ősz", "Csizmadia", "Czakó", "Cukor"]
    assert _names(client.get(url, {"rendezes": "szuletesi_ev"})) == ["Ősz", "Csizmadia", "Czakó", "Özvegy", "Cukor"]
    assert _names(client.get(url, {"rendezes": "nonsense"})) == ["Cukor", "Czakó", "Csizmadia", "Ősz", "Özvegy"]
    page = client.get(url, {"rendezes": "nev", "q": "c"}).content.decode()
    assert 'aria-sort="ascending"' in page and "rendezes=-nev" in page
    assert "?rendezes=nev&amp;q=c&amp;format=csv" in page

    registrations = reverse("participants:registration_list")
    assert _names(client.get(registrations, {"rendezes": "-nev", "info_day": day.pk}))[:2] == ["Özvegy", "Ősz"]
    xlsx = client.get(registrations, {"info_day": day.pk, "q": "c", "rendezes": "-nev", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert [r[0] for r in rows[1:]] == ["Csizmadia", "Czakó", "Cukor"]


def _bulk(client, registrations, **data):
    data.setdefault("form_token", f"token-{data.get('action')}-{len(registrations)}")
    return client.post(reverse("participants:registration_bulk"),
                       {"ids": [r.pk for r in registrations], "back": "status=confirmed", **data})


def test_bulk_cancel_with_a_reason_promotes_from_the_waiting_list_and_reports_each_row(login, coordinator):
    day = InfoDayFactory(library=coordinator.library, capacity=2, minimum=1)
    first, second, waiting = (register_participant(participant=ParticipantFactory(family_name=n), event=day)
                              for n in ("Első", "Második", "Várakozó"))
    assert waiting.status == RegistrationStatus.WAITLISTED
    client = login(coordinator)
    assert _bulk(client, [first], action="cancel", reason="").status_code == 302
    assert Registration.objects.get(pk=first.pk).status == RegistrationStatus.CONFIRMED  # no reason: nothing

    response = _bulk(client, [first, second], action="cancel", reason="Elköltöztek.")
    assert response.status_code == 302 and response["Location"].endswith("?status=confirmed")
    assert {r.status for r in Registration.objects.filter(pk__in=[first.pk, second.pk])} == {"cancelled"}
    assert Registration.objects.get(pk=first.pk).cancel_reason == "Elköltöztek."
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CONFIRMED
    report = client.session[BULK_REPORT_KEY]
    assert report["title"] == "Lemondás: 2 / 2 jelentkezés"
    assert any("A felszabadult helyre került: Várakozó" in row["message"] for row in report["rows"])
    page = client.get(response["Location"]).content.decode()
    assert 'id="bulk-report"' in page and "Lemondva." in page
    assert BULK_REPORT_KEY not in client.session  # shown once

    # The same form sent again (double click, back button): the first result, nothing doubled.
    again = _bulk(client, [first, second], action="cancel", reason="Elköltöztek.")
    assert again.status_code == 302 and BULK_REPORT_KEY not in client.session
    # A new form on the already cancelled rows: each row says why nothing happened.
    _bulk(client, [first], action="cancel", reason="Újra.", form_token="fresh")
    assert client.session[BULK_REPORT_KEY]["rows"][0]["message"].startswith("Nem mondtuk le")
    assert Registration.objects.get(pk=first.pk).cancel_reason == "Elköltöztek."


def test_bulk_move_goes_through_capacity_a_full_target_puts_them_on_its_waiting_list(login, coordinator):
    source = InfoDayFactory(library=coordinator.library, capacity=5, minimum=1)
    target = InfoDayFactory(library=coordinator.library, capacity=3, minimum=1)
    register_participant(participant=ParticipantFactory(family_name="Bent"), event=target)
    movers = [register_participant(participant=ParticipantFactory(family_name=n), event=source)
              for n in ("Ambrus", "Bodnár", "Cseh")]
    register_participant(participant=movers[2].participant, event=target)  # already there
    client = login(coordinator)
    _bulk(client, movers, action="move", to_event=f"info_day:{target.pk}")
    report = client.session[BULK_REPORT_KEY]
    messages = {row["name"].split()[0]: row["message"] for row in report["rows"]}
    assert messages["Ambrus"] == "Áthelyezve, helyet kapott."
    assert messages["Bodnár"].startswith("Áthelyezve, de a cél esemény betelt: várólistára került (1. hely)")
    assert messages["Cseh"].startswith("Nem helyeztük át")
    assert report["title"].endswith("2 / 3 jelentkezés")
    on_target = {r.participant.family_name: r.status for r in target.registrations.select_related("participant")}
    assert on_target == {"Bent": "confirmed", "Ambrus": "confirmed", "Bodnár": "waitlisted", "Cseh": "confirmed"}
    assert Registration.objects.get(pk=movers[2].pk).status == RegistrationStatus.CONFIRMED  # refused row unchanged
    assert Registration.objects.get(pk=movers[0].pk).status == RegistrationStatus.CANCELLED


def test_forged_ids_of_another_librarys_registrations_change_nothing(login, coordinator, day):
    own = RegistrationFactory(info_day=day)
    other_library = CoordinatorFactory().library
    foreign = RegistrationFactory(info_day=InfoDayFactory(library=other_library))
    client = login(coordinator)
    response = _bulk(client, [own, foreign], action="cancel", reason="Hamisított.")
    assert response.status_code == 302
    assert Registration.objects.get(pk=own.pk).status == RegistrationStatus.CONFIRMED
    assert Registration.objects.get(pk=foreign.pk).status == RegistrationStatus.CONFIRMED
    follow = client.get(response["Location"]).content.decode()
    assert "nem az Ön könyvtáráé" in follow
    # Moving into another library's event: 404, nothing moved.
    foreign_day = InfoDayFactory(library=other_library)
    assert _bulk(client, [own], action="move", to_event=f"info_day:{foreign_day.pk}").status_code == 302
    assert Registration.objects.get(pk=own.pk).status == RegistrationStatus.CONFIRMED
    assert not foreign_day.registrations.exists()
    assert client.post(reverse("participants:registration_bulk"), {"ids": ["x"], "action": "csv"}).status_code == 404


def test_bulk_export_of_the_selection_only(login, coordinator, day):
    chosen = [RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name=n)) for n in ("Zala", "Ács")]
    RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name="Kimarad"))
    response = _bulk(login(coordinator), chosen, action="xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[0] for r in rows[1:]] == ["Ács", "Zala"]


def test_trainer_and_funder_cannot_use_bulk_actions(login, trainer, funder, day):
    registration = RegistrationFactory(info_day=day)
    for user in (trainer, funder):
        assert _bulk(login(user), [registration], action="cancel", reason="x").status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_the_list_shows_checkboxes_and_the_bulk_form(login, coordinator, day):
    registration = RegistrationFactory(info_day=day)
    page = login(coordinator).get(reverse("participants:registration_list")).content.decode()
    assert f'name="ids" value="{registration.pk}" form="bulk-form"' in page
    assert 'id="bulk-form"' in page and "Végrehajtás a kijelölteken" in page
