"""factory-boy factories for every model; each test builds only the rows it needs."""

import datetime

import factory
from django.conf import settings
from django.utils import timezone

from events.models import County, EventStatus, InfoDay, Library, Programme, Region
from events.regions import ensure_regions
from menet_portal.models import Role, User
from participants.models import (
    Organisation,
    OrganisationKind,
    Participant,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SizeBand,
    TargetGroup,
)
from participants.validators import tax_number_check_digit
from trainings.models import Attendance, AttendanceStatus, Course, Session, TrainingSite


def get_county(name=None):
    """A county; re-seeds the regions when a transactional test has flushed them."""
    if not County.objects.exists():
        ensure_regions(Region, County)
    qs = County.objects.all()
    return qs.get(name=name) if name else qs.order_by("?").first()


def get_region(name=None):
    if not Region.objects.exists():
        ensure_regions(Region, County)
    qs = Region.objects.all()
    return qs.get(name=name) if name else qs.order_by("?").first()


def free_region(programme):
    """A region that has no info day yet in this programme (one per region per programme)."""
    get_region()
    region = Region.objects.exclude(info_days__programme=programme).order_by("?").first()
    return region or get_region()


def _tax_number(n):
    core = f"{2000000 + n:07d}"
    return f"{core}{tax_number_check_digit(core)}-2-41"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = "MENET – Digitális felzárkóztatás"
    funder = "Miniszterelnöki Hivatal"
    project_title = "Digitális felzárkóztatás – könyvtárosok az e-közszolgáltatásokért"
    grant_number = factory.Sequence(lambda n: f"MENET-TEST/{n:04d}")
    grantee = "Magyar Könyvtárosok Egyesülete"
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2027, 8, 31)
    reminder_days_before = [3, 1]


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    name = factory.Sequence(lambda n: f"Városi Könyvtár {n}")
    settlement = factory.Iterator(["Gödöllő", "Tata", "Eger", "Pécs", "Szeged"])
    county = factory.LazyFunction(get_county)
    postal_code = "2100"
    address = "Fő utca 1."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Teszt{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.hu")
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", "jelszo-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = Role.STAFF


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    library = factory.SubFactory(LibraryFactory)


class TrainerFactory(UserFactory):
    role = Role.TRAINER
    library = factory.SubFactory(LibraryFactory)


class FunderFactory(UserFactory):
    role = Role.FUNDER


class InfoDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfoDay

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda day: free_region(day.programme))
    library = factory.SubFactory(LibraryFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    capacity = 30
    minimum = 25
    status = EventStatus.OPEN


class TrainingSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSite

    programme = factory.SubFactory(ProgrammeFactory)
    library = factory.SubFactory(LibraryFactory)
    needs_assessment = "Erős helyi igény."


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    site = factory.SubFactory(TrainingSiteFactory)
    title = factory.Sequence(lambda n: f"E-közszolgáltatások {n}")
    capacity = 15
    status = EventStatus.OPEN


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: n % 4 + 1)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=4))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Példa Kft. {n}")
    kind = OrganisationKind.COMPANY
    tax_number = factory.Sequence(_tax_number)
    settlement = "Tata"
    size_band = SizeBand.MICRO


class NonprofitFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Jövőért Egyesület {n}")
    kind = OrganisationKind.ASSOCIATION
    size_band = ""


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    family_name = "Kovács"
    given_name = factory.Sequence(lambda n: f"Anna{n}")
    email = factory.Sequence(lambda n: f"resztvevo{n}@example.hu")
    phone = "+36 30 123 4567"
    birth_year = 1980
    settlement = "Tata"
    county = factory.LazyFunction(lambda: get_county("Komárom-Esztergom"))
    target_group = TargetGroup.CITIZEN
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_text_version = settings.CONSENT_TEXT_VERSION
    registering_library = factory.SubFactory(LibraryFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    participant = factory.SubFactory(ParticipantFactory)
    info_day = factory.SubFactory(InfoDayFactory)
    course = None
    status = RegistrationStatus.CONFIRMED
    source = RegistrationSource.COORDINATOR
    created_at = factory.LazyFunction(lambda: timezone.now())
    # A confirmed place has its confirmation time (a database constraint); by default the arrival.
    confirmed_at = factory.LazyAttribute(lambda r: r.created_at if r.status == RegistrationStatus.CONFIRMED else None)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    registration = factory.SubFactory(RegistrationFactory)
    session = None
    status = AttendanceStatus.PRESENT
