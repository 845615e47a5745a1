"""The name search read from trigram indexes (participants.filters.name_search): the same people
as one scan with Django's icontains over name, e-mail and organisation (and phone and tax number
for six digits or more), for every user's scope, in both lists; and the search's expressions are
those the indexes were built on."""

import pytest
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Concat

from menet_portal.scope import participants_for, registrations_for
from menet_portal.tests.factories import (
    InfoDayFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory,
)
from participants.filters import TRIGRAM_MIN_LENGTH, _without, name_search
from participants.models import Participant, Registration

pytestmark = pytest.mark.django_db

TEXTS = ["a", "Ö", "ko", "Kov", "kovács", "KOVÁCS ANNA", "Anna Kovács", "ács an", "Őz", "ősz",
         "example.hu", "anna.k@", "%", "_", "50%_x", "zöldág", "ZÖLDÁG EGY", "Kft", "06 20 555 0101",
         "+36205550101", "18123451", "18123451-1-41", "nincs ilyen"]


def _scan(queryset, prefix, value):
    """The search as it was: one OR over the people (and their organisations)."""
    value = " ".join(value.split())
    condition = (Q(_full__icontains=value) | Q(**{f"{prefix}email__icontains": value})
                 | Q(**{f"{prefix}organisation__name__icontains": value}))
    queryset = queryset.alias(_full=Concat(f"{prefix}family_name", Value(" "), f"{prefix}given_name"))
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) >= 6:
        phone = digits[2:] if digits.startswith(("06", "36")) else digits
        queryset = queryset.alias(_phone=_without(F(f"{prefix}phone"), " ", "+", "-", "/"),
                                  _tax=_without(F(f"{prefix}organisation__tax_number"), "-", " "))
        condition |= Q(_phone__contains=phone) | Q(_tax__startswith=digits)
    return queryset.filter(condition)


@pytest.fixture
def people(coordinator):
    own = InfoDayFactory(library=coordinator.library)
    org = OrganisationFactory(name="Zöldág Egyesület", tax_number="18123451-1-41")
    firm = OrganisationFactory(name="Ács és Társa Kft.", tax_number="24680135-2-13")
    rows = [
        ("Kovács", "Anna", "anna.kovacs@example.hu", "", None),
        ("Kovácsné Szabó", "Ilona", "", "+36 20 555 0101", None),
        ("Ősz", "Ödön", "odon@posta.hu", "", org),
        ("Özvegy", "Anna", "50%_x@example.hu", "", firm),
        ("Ács", "Anikó", "", "+36 30 111 2222", firm),
        ("Nagy", "Béla", "b.nagy@example.hu", "", None),
    ]
    for n, (family, given, email, phone, organisation) in enumerate(rows):
        person = ParticipantFactory(family_name=family, given_name=given, email=email, phone=phone,
                                    organisation=organisation,
                                    target_group="nonprofit" if organisation == org else "business" if organisation else "citizen")
        RegistrationFactory(participant=person, info_day=own if n % 2 == 0 else InfoDayFactory())


@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_the_indexed_search_finds_exactly_the_people_one_scan_finds(people, request, who):
    user = request.getfixturevalue(who)
    for value in TEXTS:
        for queryset, prefix in ((participants_for(user), ""), (registrations_for(user), "participant__")):
            found = set(name_search(queryset, prefix, value).values_list("pk", flat=True))
            expected = set(_scan(queryset, prefix, value).values_list("pk", flat=True))
            assert found == expected, (who, prefix, value)
    assert set(name_search(participants_for(user), "", "kovács").values_list("family_name", flat=True)) >= (
        {"Kovács", "Kovácsné Szabó"} if who == "staff" else {"Kovács"})


def _plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few thousand rows: a scan would still win
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _index_expression(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [name])
        definition = cursor.fetchone()[0]
    return definition[definition.index("USING gin (") + len("USING gin ("):definition.rindex(" gin_trgm_ops")]


def test_each_branch_is_read_from_its_trigram_index(people, staff):
    """The search's expressions are exactly the indexed ones. The full name's filter is, as
    PostgreSQL writes it, the index's expression; among 3,000 people (sequential scans off: so
    few rows would still be scanned) the e-mail branch reads its index, the plain column the
    organisation's name index has too. On the national-scale bench all three are read."""
    template = Participant.objects.order_by("pk").first()
    Participant.objects.bulk_create([
        Participant(family_name=f"Minta{n}", given_name="Elek", email=f"minta{n}@example.hu", birth_year=1980,
                    settlement=template.settlement, county=template.county, target_group="citizen",
                    consent_text_version=template.consent_text_version, consent_given_at=template.consent_given_at)
        for n in range(3000)
    ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_participant")
    plan = _plan(name_search(Participant.objects.all(), "", "kovács"))
    indexed = _index_expression("participant_full_name_trgm")
    assert indexed.startswith("(") and f"{indexed[1:-1]} ~~* '%kovács%'" in plan, plan  # an expression's own parentheses
    assert "Bitmap Index Scan on participant_email_trgm" in plan, plan
    assert _index_expression("participant_email_trgm") == "email"
    assert _index_expression("organisation_name_trgm") == "name" and "((name)::text ~~* '%kovács%'" in plan, plan


def test_a_text_shorter_than_a_trigram_is_one_scan(people, staff):
    short = "k" * (TRIGRAM_MIN_LENGTH - 1)
    sql = str(name_search(Participant.objects.all(), "", short).query)
    assert "UNION" not in sql and "ILIKE" not in sql
    assert "UNION" in str(name_search(Participant.objects.all(), "", "k" * TRIGRAM_MIN_LENGTH).query)
