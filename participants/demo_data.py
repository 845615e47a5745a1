"""Demo accounts and demo participants, spread realistically over events and target groups.

Uses bulk inserts so that ``seed_demo --participants 100000`` runs in well under a minute.
Demo data only: bulk inserts skip the audit history that real edits record.
"""

import datetime
import random
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from events.models import InfoDay, Library, Programme
from menet_portal.models import Role
from trainings.models import Attendance, AttendanceStatus, Course, Session

from .models import (
    BUSINESS_KINDS,
    NONPROFIT_KINDS,
    Organisation,
    OrganisationKind,
    Participant,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SizeBand,
    TargetGroup,
)
from .validators import TAX_AREA_CODES, tax_number_check_digit

DEMO_PASSWORD = "menet-demo-2026"

FAMILY_NAMES = [
    "Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas",
    "Balogh", "Papp", "Takács", "Juhász", "Lakatos", "Mészáros", "Oláh", "Simon", "Rácz", "Fekete",
    "Szilágyi", "Török", "Fehér", "Balázs", "Gál", "Kis", "Szűcs", "Kocsis", "Orsós", "Pintér",
    "Fodor", "Szalai", "Sipos", "Magyar", "Lukács", "Gulyás", "Biró", "Király", "Katona", "László",
    "Jakab", "Bogdán", "Hegedűs", "Sándor", "Ősz", "Özvegy", "Csizmadia", "Czakó", "Cukor", "Zsigmond",
    "Szőke", "Győri", "Lengyel", "Bódi", "Vörös", "Csonka", "Űrös", "Dudás", "Somogyi", "Ács",
]
GIVEN_NAMES = [
    "László", "István", "József", "Zoltán", "Sándor", "Gábor", "Ferenc", "Attila", "Péter", "Tamás",
    "Zsolt", "Tibor", "András", "Csaba", "Imre", "Lajos", "György", "Balázs", "Gyula", "Mihály",
    "Mária", "Erzsébet", "Katalin", "Éva", "Ilona", "Anna", "Zsuzsanna", "Margit", "Judit", "Ágnes",
    "Andrea", "Erika", "Krisztina", "Szilvia", "Mónika", "Edit", "Gabriella", "Anikó", "Tünde", "Ildikó",
    "Őzike", "Örs", "Ünige", "Győző", "Kinga", "Réka", "Dóra", "Bence", "Levente", "Márk",
]
ORG_WORDS = ["Jövőért", "Közösségi", "Összefogás", "Hagyományőrző", "Kulturális", "Ifjúsági", "Szociális", "Sport"]
BUSINESS_WORDS = ["Agro", "Pék", "Építő", "Kert", "Szerviz", "Informatika", "Fuvar", "Vendéglátó"]


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch if ch.isalnum() else "-" for ch in plain).strip("-")


def tax_number_for(serial: int, rng: random.Random) -> str:
    core = f"{1000000 + serial:07d}"
    return f"{core}{tax_number_check_digit(core)}-{rng.choice('1235')}-{rng.choice(sorted(TAX_AREA_CODES))}"


@transaction.atomic
def create_demo_users(programme: Programme) -> list[tuple[str, str, str]]:
    """One account of each role, a coordinator per library and a trainer per training site."""
    User = get_user_model()
    accounts = []
    password_hash = make_password(DEMO_PASSWORD)  # one hash (with its salt) for every demo account

    def account(username, role, first, last, library=None):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"role": role, "first_name": first, "last_name": last, "library": library,
                      "email": f"{username}@demo.mke.hu", "is_staff": role == Role.STAFF},
        )
        user.password = password_hash
        user.save(update_fields=["password"])
        accounts.append((username, str(Role(role).label), library.name if library else ""))
        return user

    names = random.Random(7)

    def person():
        return names.choice(GIVEN_NAMES[20:40]), names.choice(FAMILY_NAMES[:40])

    account("mke", Role.STAFF, "Eszter", "Kardos")
    account("tamogato", Role.FUNDER, "Gergely", "Halmi")
    host_ids = set(programme.info_days.values_list("library_id", flat=True))
    site_library_ids = set(programme.training_sites.values_list("library_id", flat=True))
    for library in Library.objects.filter(pk__in=host_ids | site_library_ids).select_related("county"):
        account(f"koord-{_ascii_slug(library.settlement)}", Role.COORDINATOR, *person(), library)
    for course in Course.objects.filter(site__programme=programme).select_related("site__library"):
        library = course.site.library
        trainer = account(f"oktato-{_ascii_slug(library.settlement)}", Role.TRAINER, *person(), library)
        course.trainers.add(trainer)
        course.site.trainers.add(trainer)
    return accounts


@transaction.atomic
def create_demo_participants(programme: Programme, count: int, seed: int = 2026) -> dict:
    """Create ``count`` participants, each with one registration, plus attendance for past events.

    Places fill realistically (info days 22–30 of 30, courses 11–15 of 15); the rest of
    the people are on waiting lists or cancelled, so large runs exercise the big tables.
    """
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    info_days = list(InfoDay.objects.filter(programme=programme).select_related("library__county"))
    courses = list(Course.objects.filter(site__programme=programme).select_related("site__library__county"))
    events = [("info_day", e, e.library, rng.randint(22, e.capacity)) for e in info_days]
    events += [("course", c, c.site.library, rng.randint(11, c.capacity)) for c in courses]

    organisations = []
    org_indices = {TargetGroup.NONPROFIT: [], TargetGroup.BUSINESS: []}
    participants = []
    for i in range(count):
        _kind, _event, library = events[i % len(events)][:3]
        roll = rng.random()
        group = TargetGroup.CITIZEN if roll < 0.6 else TargetGroup.NONPROFIT if roll < 0.8 else TargetGroup.BUSINESS
        org_index = None
        if group != TargetGroup.CITIZEN:
            # A quarter of organisational participants come from an organisation already seen.
            if org_indices[group] and rng.random() < 0.25:
                org_index = rng.choice(org_indices[group])
            else:
                if group == TargetGroup.NONPROFIT:
                    kind = rng.choice(NONPROFIT_KINDS)
                    name = f"{library.settlement}i {rng.choice(ORG_WORDS)} {OrganisationKind(kind).label.capitalize()}"
                    size = ""
                else:
                    kind = rng.choice(BUSINESS_KINDS)
                    name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(BUSINESS_WORDS)} Kft."
                    size = rng.choice([SizeBand.MICRO] * 6 + [SizeBand.SMALL] * 3 + [SizeBand.MEDIUM])
                org_index = len(organisations)
                organisations.append(Organisation(
                    name=name, kind=kind, tax_number=tax_number_for(org_index, rng),
                    settlement=library.settlement, size_band=size,
                ))
                org_indices[group].append(org_index)
        family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        participants.append((Participant(
            family_name=family, given_name=given,
            email=f"{_ascii_slug(given)}.{_ascii_slug(family)}.{i}@example.hu",
            phone=f"+36 {rng.choice(['20', '30', '70'])} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            birth_year=rng.randint(1960, 2004) if rng.random() < 0.85 else rng.randint(1940, 1959),
            settlement=library.settlement, county=library.county, target_group=group,
            registering_library=library, consent_given_at=now,
            consent_text_version=settings.CONSENT_TEXT_VERSION,
        ), org_index))

    created_orgs = Organisation.objects.bulk_create(organisations, batch_size=2000)
    for participant, org_index in participants:
        if org_index is not None:
            participant.organisation = created_orgs[org_index]
    people = Participant.objects.bulk_create([p for p, _ in participants], batch_size=2000)

    registrations = []
    filled = {id(e): 0 for _, e, _, _ in events}
    for i, person in enumerate(people):
        kind, event, _library, target = events[i % len(events)]
        created_at = now - datetime.timedelta(days=60) + datetime.timedelta(seconds=i)
        if filled[id(event)] < target:
            status = RegistrationStatus.CONFIRMED
            filled[id(event)] += 1
        else:
            status = RegistrationStatus.WAITLISTED if rng.random() < 0.5 else RegistrationStatus.CANCELLED
        registrations.append(Registration(
            participant=person,
            info_day=event if kind == "info_day" else None,
            course=event if kind == "course" else None,
            status=status,
            source=rng.choice([RegistrationSource.COORDINATOR] * 3 + [RegistrationSource.SELF_SERVICE, RegistrationSource.IMPORT]),
            created_at=created_at,
            confirmed_at=created_at if status == RegistrationStatus.CONFIRMED else None,
            cancelled_at=created_at + datetime.timedelta(days=3) if status == RegistrationStatus.CANCELLED else None,
            cancel_reason="Más elfoglaltsága akadt." if status == RegistrationStatus.CANCELLED else "",
        ))
    registrations = Registration.objects.bulk_create(registrations, batch_size=2000)

    past_sessions = {}
    for session in Session.objects.filter(course__in=courses, starts_at__lt=now):
        past_sessions.setdefault(session.course_id, []).append(session)
    attendances = []
    for reg in registrations:
        if reg.status != RegistrationStatus.CONFIRMED:
            continue
        if reg.info_day_id and reg.info_day.date < today:
            status = rng.choices(
                [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT], [85, 5, 10]
            )[0]
            attendances.append(Attendance(registration=reg, session=None, status=status, recorded_at=now))
        for session in past_sessions.get(reg.course_id, []):
            status = rng.choices(
                [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT],
                [84, 8, 4, 4],
            )[0]
            attendances.append(Attendance(registration=reg, session=session, status=status, recorded_at=now))
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    return {"participants": len(people), "organisations": len(created_orgs),
            "registrations": len(registrations), "attendances": len(attendances)}
