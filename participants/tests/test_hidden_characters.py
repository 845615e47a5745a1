"""Names refuse bidi overrides, zero-width and control characters on every path that writes them:
the coordinator's form, the edit form, the import, the admin, the public self-registration and the
walk-in (issue 12: "Kiss\u202eálam" reads as another name in lists and exports)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import EventStatus
from menet_portal.tests.factories import (
    CoordinatorFactory,
    InfoDayFactory,
    OrganisationFactory,
    ParticipantFactory,
    RegistrationFactory,
    get_county,
)
from participants import imports
from participants.models import Organisation, Participant, ParticipantImport, Registration
from participants.validators import validate_free_text, validate_plain_text
from public_site.models import RateLimitHit
from trainings.tests.factories import past_info_day

from .factories import form_post
from .test_imports import csv_file, good_rows, xlsx_file

pytestmark = pytest.mark.django_db

HIDDEN = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # bidi embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
    "\u200e", "\u200f",  # LRM / RLM
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\t", "\n",  # category Cc (C0, DEL, C1)
]


@pytest.mark.parametrize("char", HIDDEN)
def test_validator_refuses_every_hidden_character_with_a_hungarian_message(char):
    with pytest.raises(ValidationError) as info:
        validate_plain_text(f"Kiss{char}Anna")
    message = info.value.messages[0]
    assert "nem megengedett" in message and f"U+{ord(char):04X}" in message


@pytest.mark.parametrize("value", ["Kiss Anna", "Őri-Szőke Ződ", "Gróf Széchenyi István", "O'Neil", "Ádám Éva-Ürmös", ""])
def test_ordinary_hungarian_names_pass(value):
    validate_plain_text(value)


def test_a_reason_may_have_line_breaks_but_no_override():
    validate_free_text("Beteg lett.\nJövőre újra jelentkezik.\t")
    with pytest.raises(ValidationError):
        validate_free_text("Beteg\u202e lett")


@pytest.mark.parametrize("field", ["family_name", "given_name", "settlement"])
def test_model_full_clean_refuses_a_participant_name(field):
    person = ParticipantFactory.build(**{field: "Kiss\u202eAnna"}, county=get_county("Pest"))
    with pytest.raises(ValidationError) as info:
        person.full_clean(exclude=["registering_library", "organisation"])
    assert field in info.value.message_dict


def test_model_full_clean_refuses_an_organisation_name_and_settlement():
    organisation = OrganisationFactory.build(name="Példa\u200bBt.", settlement="Tata\u2066")
    with pytest.raises(ValidationError) as info:
        organisation.full_clean()
    assert {"name", "settlement"} <= set(info.value.message_dict)


def test_coordinator_form_refuses_and_writes_nothing(login, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    response = login(coordinator).post(reverse("participants:participant_create"),
                                       form_post(event=f"info_day:{day.pk}", family_name="Kiss\u202e"))
    assert response.status_code == 200
    assert "írásirány-vezérlő karakter" in response.content.decode()
    assert Participant.objects.count() == 0 and Registration.objects.count() == 0


def test_coordinator_form_refuses_a_zero_width_organisation_name(login, coordinator):
    response = login(coordinator).post(reverse("participants:participant_create"), form_post(
        target_group="nonprofit", organisation_name="Együtt\u200b Egyesület", organisation_kind="association",
        tax_number="18263940-1-41",
    ))
    assert response.status_code == 200
    assert "nulla szélességű" in response.content.decode()
    assert Organisation.objects.count() == 0 and Participant.objects.count() == 0


def test_edit_form_refuses(login, coordinator):
    registration = RegistrationFactory(info_day=InfoDayFactory(library=coordinator.library),
                                       participant__registering_library=coordinator.library)
    person = registration.participant
    data = form_post(family_name=person.family_name, given_name="Anna\u2067", email=person.email)
    response = login(coordinator).post(reverse("participants:participant_edit", args=[person.pk]), data)
    assert response.status_code == 200
    person.refresh_from_db()
    assert "\u2067" not in person.given_name


@pytest.mark.parametrize("make", [lambda rows: csv_file(rows, encoding="utf-8"), xlsx_file], ids=["csv", "xlsx"])
def test_import_names_the_row_and_the_column(coordinator, make):
    rows = good_rows()
    rows[1][5] = "Sopron\u202e"  # row 3 (after the header), column "Település"
    day = InfoDayFactory(library=coordinator.library)
    outcomes = imports.check_rows(imports.read_file(make(rows)), day, viewer=coordinator)
    bad = [o for o in outcomes if not o.ok]
    assert [o.row for o in bad] == [3]
    header, message = bad[0].errors[0]
    assert header == "Település" and "írásirány-vezérlő" in message


def test_import_preview_blocks_the_confirmation(login, coordinator):
    rows = good_rows()
    rows[0][0] = "\u200bŐri"
    day = InfoDayFactory(library=coordinator.library)
    client = login(coordinator)
    response = client.post(reverse("participants:import_upload"), {"event": f"info_day:{day.pk}",
                                                                      "file": csv_file(rows, encoding="utf-8")})
    token = ParticipantImport.objects.get().token
    url = reverse("participants:import_preview", args=[token])
    body = client.get(url).content.decode()
    assert response.status_code == 302 and "nulla szélességű" in body
    client.post(url, {"confirm": "1"})
    assert Participant.objects.count() == 0


def test_admin_change_form_refuses(admin_client):
    person = ParticipantFactory()
    url = reverse("admin:participants_participant_change", args=[person.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["family_name"] = "Kiss\u202d"
    for admin_formset in page.context.get("inline_admin_formsets", []):
        management = admin_formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "írásirány-vezérlő" in response.content.decode()
    person.refresh_from_db()
    assert "\u202d" not in person.family_name


def test_admin_organisation_form_refuses(admin_client):
    organisation = OrganisationFactory()
    url = reverse("admin:participants_organisation_change", args=[organisation.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data["name"] = "Példa\ufeffBt."
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "nulla szélességű" in response.content.decode()


def test_public_self_registration_refuses(client):
    RateLimitHit.objects.all().delete()
    day = InfoDayFactory(capacity=5, minimum=1)
    data = {
        "family_name": "Szabó", "given_name": "Júlia\u202e", "email": "szabo.julia@example.hu", "phone": "",
        "birth_year": "1985", "settlement": "Eger", "county": str(get_county("Heves").pk),
        "target_group": "citizen", "organisation_name": "", "organisation_kind": "", "tax_number": "",
        "size_band": "", "consent": "on", "website": "",
    }
    response = client.post(reverse("public:info_day", kwargs={"pk": day.pk}), data)
    assert response.status_code in (200, 400)
    assert "írásirány-vezérlő" in response.content.decode()
    assert Participant.objects.count() == 0 and Registration.objects.count() == 0


def test_walk_in_refuses(login):
    info_day = past_info_day(status=EventStatus.HELD, capacity=30)
    coordinator = CoordinatorFactory(library=info_day.library)
    data = {"add_walk_in": "1", "family_name": "Cson\x85ka", "given_name": "Réka", "birth_year": "1988",
            "settlement": "Eger", "county": str(get_county("Heves").pk), "email": "csonka.reka@example.hu",
            "phone": "06 30 123 4567", "target_group": "citizen", "consent": "on"}
    response = login(coordinator).post(reverse("trainings:info_day_register", args=[info_day.pk]), data)
    assert response.status_code in (200, 400)
    assert "vezérlőkarakter" in response.content.decode()
    assert not Participant.objects.filter(family_name__startswith="Csonka").exists()


def test_cancel_reason_refuses_an_override(login, coordinator):
    registration = RegistrationFactory(info_day=InfoDayFactory(library=coordinator.library),
                                       participant__registering_library=coordinator.library)
    response = login(coordinator).post(reverse("participants:registration_cancel", args=[registration.pk]),
                                       {"reason": "Beteg\u202e lett", "cancel": "1"})
    assert response.status_code in (200, 400)
    registration.refresh_from_db()
    assert registration.status != "cancelled"
