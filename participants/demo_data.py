"""Demo accounts, demo programme waves and demo participants that keep every rule they demonstrate.

``seed_demo --participants 100000 --events 2000`` builds a national-scale data set in well
under a minute with bulk inserts, and still keeps what the services guarantee:

- the one-info-day-per-region rule holds per programme, so more events means more programme
  waves (``EVENTS_PER_PROGRAMME`` events each: 7 info days, the rest courses of 4 sessions);
- no event holds more confirmed registrations than its capacity, and nobody waits while a
  place is free (a waiting list exists only at a full event);
- a confirmed registration has ``confirmed_at``, a cancelled one ``cancelled_at``;
- every attendance row has its history row (who recorded it, when; a few corrections);
- the outbox holds what the portal would have sent: the confirmation or waiting-list notice
  and the reminders of past events, as sent;
- organisations carry realistic Hungarian names (``Szekszárdi Nagycsaládosok Egyesülete``,
  ``Kovács és Társa Kft.``) and valid tax numbers.

Bulk inserts skip the audit history of people and registrations (demo data only); the
attendance history, which the registers show, is written alongside.
"""

import datetime
import math
import random
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from events.models import County, EventStatus, InfoDay, Library, Programme, Region
from events.programme_seed import INFO_DAY_HOSTS, PROGRAMME, SESSION_TOPICS
from menet_portal.models import Role
from menet_portal.notifications.models import MessageKind, OutboxMessage, OutboxStatus
from trainings.models import Attendance, AttendanceStatus, Course, Session, TrainingSite

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
from .signals import RegistrationChange
from .validators import TAX_AREA_CODES, tax_number_check_digit

DEMO_PASSWORD = "menet-demo-2026"
BUDAPEST = ZoneInfo("Europe/Budapest")
EVENTS_PER_PROGRAMME = 200
BATCH = 5000

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

# Settlement -> the adjective an organisation's name is built from (Eger -> egri, Nyíregyháza -> nyíregyházi).
SETTLEMENT_ADJECTIVES = {
    "Budapest": "budapesti", "Székesfehérvár": "székesfehérvári", "Szombathely": "szombathelyi",
    "Pécs": "pécsi", "Eger": "egri", "Debrecen": "debreceni", "Szeged": "szegedi", "Gödöllő": "gödöllői",
    "Tata": "tatai", "Zalaegerszeg": "zalaegerszegi", "Kaposvár": "kaposvári", "Szekszárd": "szekszárdi",
    "Miskolc": "miskolci", "Salgótarján": "salgótarjáni", "Nyíregyháza": "nyíregyházi",
    "Kecskemét": "kecskeméti", "Békéscsaba": "békéscsabai",
}

# Further towns with a public library, for the training sites and info days of the programme waves.
DEMO_TOWNS = [
    ("Vác", "váci", "Pest"), ("Cegléd", "ceglédi", "Pest"), ("Szentendre", "szentendrei", "Pest"),
    ("Érd", "érdi", "Pest"), ("Dunakeszi", "dunakeszi", "Pest"), ("Nagykőrös", "nagykőrösi", "Pest"),
    ("Dunaújváros", "dunaújvárosi", "Fejér"), ("Mór", "móri", "Fejér"), ("Bicske", "bicskei", "Fejér"),
    ("Esztergom", "esztergomi", "Komárom-Esztergom"), ("Tatabánya", "tatabányai", "Komárom-Esztergom"),
    ("Komárom", "komáromi", "Komárom-Esztergom"), ("Veszprém", "veszprémi", "Veszprém"),
    ("Pápa", "pápai", "Veszprém"), ("Ajka", "ajkai", "Veszprém"), ("Tapolca", "tapolcai", "Veszprém"),
    ("Győr", "győri", "Győr-Moson-Sopron"), ("Sopron", "soproni", "Győr-Moson-Sopron"),
    ("Mosonmagyaróvár", "mosonmagyaróvári", "Győr-Moson-Sopron"), ("Csorna", "csornai", "Győr-Moson-Sopron"),
    ("Körmend", "körmendi", "Vas"), ("Sárvár", "sárvári", "Vas"), ("Kőszeg", "kőszegi", "Vas"),
    ("Nagykanizsa", "nagykanizsai", "Zala"), ("Keszthely", "keszthelyi", "Zala"), ("Lenti", "lenti", "Zala"),
    ("Komló", "komlói", "Baranya"), ("Mohács", "mohácsi", "Baranya"), ("Siklós", "siklósi", "Baranya"),
    ("Szigetvár", "szigetvári", "Baranya"), ("Siófok", "siófoki", "Somogy"), ("Marcali", "marcali", "Somogy"),
    ("Barcs", "barcsi", "Somogy"), ("Nagyatád", "nagyatádi", "Somogy"), ("Paks", "paksi", "Tolna"),
    ("Dombóvár", "dombóvári", "Tolna"), ("Bonyhád", "bonyhádi", "Tolna"), ("Tamási", "tamási", "Tolna"),
    ("Ózd", "ózdi", "Borsod-Abaúj-Zemplén"), ("Kazincbarcika", "kazincbarcikai", "Borsod-Abaúj-Zemplén"),
    ("Sárospatak", "sárospataki", "Borsod-Abaúj-Zemplén"), ("Mezőkövesd", "mezőkövesdi", "Borsod-Abaúj-Zemplén"),
    ("Gyöngyös", "gyöngyösi", "Heves"), ("Hatvan", "hatvani", "Heves"), ("Füzesabony", "füzesabonyi", "Heves"),
    ("Balassagyarmat", "balassagyarmati", "Nógrád"), ("Bátonyterenye", "bátonyterenyei", "Nógrád"),
    ("Pásztó", "pásztói", "Nógrád"), ("Hajdúböszörmény", "hajdúböszörményi", "Hajdú-Bihar"),
    ("Hajdúszoboszló", "hajdúszoboszlói", "Hajdú-Bihar"), ("Berettyóújfalu", "berettyóújfalui", "Hajdú-Bihar"),
    ("Szolnok", "szolnoki", "Jász-Nagykun-Szolnok"), ("Jászberény", "jászberényi", "Jász-Nagykun-Szolnok"),
    ("Karcag", "karcagi", "Jász-Nagykun-Szolnok"), ("Mezőtúr", "mezőtúri", "Jász-Nagykun-Szolnok"),
    ("Kisvárda", "kisvárdai", "Szabolcs-Szatmár-Bereg"), ("Mátészalka", "mátészalkai", "Szabolcs-Szatmár-Bereg"),
    ("Nyírbátor", "nyírbátori", "Szabolcs-Szatmár-Bereg"), ("Fehérgyarmat", "fehérgyarmati", "Szabolcs-Szatmár-Bereg"),
    ("Baja", "bajai", "Bács-Kiskun"), ("Kiskunfélegyháza", "kiskunfélegyházi", "Bács-Kiskun"),
    ("Kiskunhalas", "kiskunhalasi", "Bács-Kiskun"), ("Kalocsa", "kalocsai", "Bács-Kiskun"),
    ("Gyula", "gyulai", "Békés"), ("Orosháza", "orosházi", "Békés"), ("Szarvas", "szarvasi", "Békés"),
    ("Hódmezővásárhely", "hódmezővásárhelyi", "Csongrád-Csanád"), ("Szentes", "szentesi", "Csongrád-Csanád"),
    ("Makó", "makói", "Csongrád-Csanád"),
]
for _town, _adjective, _county in DEMO_TOWNS:
    SETTLEMENT_ADJECTIVES[_town] = _adjective

# Organisation names by kind; {a} is the settlement's adjective, capitalised.
ORGANISATION_NAMES = {
    OrganisationKind.ASSOCIATION: [
        "{a} Nagycsaládosok Egyesülete", "{a} Polgárőr Egyesület", "{a} Hagyományőrző Egyesület",
        "{a} Nyugdíjasok Egyesülete", "{a} Kertbarát Egyesület", "{a} Önkéntes Tűzoltó Egyesület",
        "{a} Városszépítő Egyesület", "{a} Sportegyesület", "{a} Horgászegyesület", "{a} Ifjúsági Egyesület",
    ],
    OrganisationKind.FOUNDATION: [
        "{a} Gyermekekért Alapítvány", "Közösségi Házért Alapítvány ({s})", "{a} Kultúráért Alapítvány",
        "Segítő Kéz Alapítvány ({s})", "{a} Iskoláért Alapítvány", "Esélyt a Jövőnek Alapítvány ({s})",
    ],
    OrganisationKind.NONPROFIT_OTHER: [
        "{a} Művelődési Központ Nonprofit Kft.", "{a} Városüzemeltetési Nonprofit Kft.",
        "{a} Református Egyházközség", "{a} Római Katolikus Plébánia", "{a} Turisztikai Nonprofit Kft.",
    ],
    OrganisationKind.SOLE_TRADER: ["{f} {g} e.v."],
    OrganisationKind.COMPANY: [
        "{f} és Társa Kft.", "{f} Pékség Kft.", "{a} Autószerviz Kft.", "{f}-Könyvelés Bt.",
        "{a} Épületgépészeti Kft.", "{f} Informatika Kft.", "{f} Fuvarozó Bt.", "{a} Virágkertészet Kft.",
    ],
    OrganisationKind.BUSINESS_OTHER: [
        "{a} Mezőgazdasági Szövetkezet", "{f} Családi Gazdaság", "{a} Lakásszövetkezet", "{a} Agrár Szövetkezet",
    ],
}


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch if ch.isalnum() else "-" for ch in plain).strip("-")


def tax_number_for(serial: int, rng: random.Random) -> str:
    core = f"{1000000 + serial:07d}"
    return f"{core}{tax_number_check_digit(core)}-{rng.choice('1235')}-{rng.choice(sorted(TAX_AREA_CODES))}"


def organisation_name(kind: str, settlement: str, rng: random.Random) -> str:
    adjective = SETTLEMENT_ADJECTIVES.get(settlement, f"{settlement.lower()}i")
    return rng.choice(ORGANISATION_NAMES[kind]).format(
        a=adjective[:1].upper() + adjective[1:], s=settlement,
        f=rng.choice(FAMILY_NAMES), g=rng.choice(GIVEN_NAMES[:40]),
    )


def coordinator_username(library: Library) -> str:
    return f"koord-{_ascii_slug(library.settlement)}"


def trainer_username(library: Library) -> str:
    return f"oktato-{_ascii_slug(library.settlement)}"


# --- accounts -----------------------------------------------------------------------------------

@transaction.atomic
def create_demo_users(programme: Programme | None = None) -> list[tuple[str, str, str]]:
    """One account of each role, a coordinator per host or site library and a trainer per site library.

    Covers every programme in the database (the programme argument is kept for callers that pass one).
    """
    User = get_user_model()
    accounts = []
    password_hash = make_password(DEMO_PASSWORD)  # one hash (with its salt) for every demo account
    names = random.Random(7)

    def person():
        return names.choice(GIVEN_NAMES[20:40]), names.choice(FAMILY_NAMES[:40])

    def account(username, role, first, last, library=None):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"role": role, "first_name": first, "last_name": last, "library": library,
                      "email": f"{username}@demo.mke.hu", "is_staff": role == Role.STAFF,
                      "password": password_hash},
        )
        accounts.append((username, str(Role(role).label), library.name if library else ""))
        return user

    account("mke", Role.STAFF, "Eszter", "Kardos")
    account("tamogato", Role.FUNDER, "Gergely", "Halmi")
    host_ids = set(InfoDay.objects.values_list("library_id", flat=True))
    site_library_ids = set(TrainingSite.objects.values_list("library_id", flat=True))
    libraries = Library.objects.filter(pk__in=host_ids | site_library_ids).order_by("id")
    for library in libraries:
        account(coordinator_username(library), Role.COORDINATOR, *person(), library)
    trainers = {}
    for library in libraries.filter(pk__in=site_library_ids):
        trainers[library.pk] = account(trainer_username(library), Role.TRAINER, *person(), library)
    # Every course and site gets its library's trainer (bulk: thousands of courses at national scale).
    course_links = [
        Course.trainers.through(course_id=course_id, user_id=trainers[library_id].pk)
        for course_id, library_id in Course.objects.values_list("id", "site__library_id")
    ]
    Course.trainers.through.objects.bulk_create(course_links, batch_size=BATCH, ignore_conflicts=True)
    site_links = [
        TrainingSite.trainers.through(trainingsite_id=site_id, user_id=trainers[library_id].pk)
        for site_id, library_id in TrainingSite.objects.values_list("id", "library_id")
    ]
    TrainingSite.trainers.through.objects.bulk_create(site_links, batch_size=BATCH, ignore_conflicts=True)
    return accounts


# --- programme waves ----------------------------------------------------------------------------

def _session_rows(course, first_day, hours, programme_sessions):
    rows = []
    for number in range(1, programme_sessions + 1):
        day = first_day + datetime.timedelta(days=7 * (number - 1))
        starts = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=BUDAPEST)
        rows.append(Session(
            course=course, number=number, starts_at=starts, ends_at=starts + datetime.timedelta(hours=float(hours)),
            room="Oktatóterem", topic=SESSION_TOPICS[(number - 1) % len(SESSION_TOPICS)],
        ))
    return rows


def _demo_libraries() -> dict[str, list[Library]]:
    """The seeded libraries plus a "Városi Könyvtár" in each demo town, by region name."""
    counties = {c.name: c for c in County.objects.select_related("region")}
    existing = {(lib.name, lib.settlement) for lib in Library.objects.all()}
    Library.objects.bulk_create([
        Library(name="Városi Könyvtár", settlement=town, county=counties[county],
                address="Fő utca 1.", contact_name="", email=f"konyvtar@{_ascii_slug(town)}.example.hu")
        for town, _adjective, county in DEMO_TOWNS if ("Városi Könyvtár", town) not in existing
    ])
    by_region = {}
    for library in Library.objects.select_related("county__region").order_by("id"):
        by_region.setdefault(library.county.region.name, []).append(library)
    return by_region


def _plan_courses(programme, libraries, courses, first_day, last_day, status_for, existing_sites=()):
    """``courses`` courses of the programme's sessions at sites spread over ``libraries``."""
    sites = {site.library_id: site for site in existing_sites}
    new_sites = [
        TrainingSite(programme=programme, library=lib, needs_assessment="Helyi igényfelmérés alapján.")
        for lib in libraries[:courses] if lib.pk not in sites
    ]
    for site in TrainingSite.objects.bulk_create(new_sites):
        sites[site.library_id] = site
    site_list = [sites[lib.pk] for lib in libraries[:courses] if lib.pk in sites]
    groups = {site.pk: n for site, n in (
        (s, Course.objects.filter(site=s).count()) for s in existing_sites
    )}
    span = max((last_day - first_day).days, 1)
    course_rows, starts = [], []
    for k in range(courses):
        site = site_list[k % len(site_list)]
        groups[site.pk] = group = groups.get(site.pk, 0) + 1
        start = first_day + datetime.timedelta(days=(k * span) // max(courses, 1))
        starts.append(start)
        course_rows.append(Course(
            site=site, title=f"E-közszolgáltatások a mindennapokban – {site.library.settlement} ({group}. csoport)",
            capacity=programme.trainees_per_course, status=status_for(start + datetime.timedelta(days=21)),
            description="4 × 4 órás gyakorlati képzés interaktív online tananyaggal.",
        ))
    created = Course.objects.bulk_create(course_rows, batch_size=BATCH)
    sessions = []
    for course, start in zip(created, starts):
        sessions += _session_rows(course, start, programme.session_hours, programme.sessions_per_course)
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    return created


@transaction.atomic
def create_demo_programmes(total_events: int) -> list[Programme]:
    """Grow the seeded programme and add earlier programme waves until ``total_events`` events exist.

    The one-info-day-per-region rule holds per programme, so ``total_events`` is split into
    waves of about ``EVENTS_PER_PROGRAMME`` events: the current programme (the seeded one)
    and earlier, finished programmes, each with 7 info days and the rest courses.
    """
    current = Programme.objects.get(slug=PROGRAMME["slug"])
    have = InfoDay.objects.count() + Course.objects.count()
    if total_events <= have:
        return [current]
    waves = max(1, math.ceil(total_events / EVENTS_PER_PROGRAMME))
    per_wave = total_events // waves
    by_region = _demo_libraries()
    all_libraries = [lib for libs in by_region.values() for lib in libs]
    today = timezone.localdate()

    def status_for(last_day):
        return EventStatus.HELD if last_day < today else EventStatus.OPEN

    # The current programme keeps its 7 info days and 10 courses and gets more courses.
    current_courses = per_wave + total_events - per_wave * waves - InfoDay.objects.filter(programme=current).count()
    extra = current_courses - Course.objects.filter(site__programme=current).count()
    if extra > 0:
        rng = random.Random(13)
        libraries = all_libraries[:]
        rng.shuffle(libraries)
        _plan_courses(current, libraries, extra, current.start_date + datetime.timedelta(days=30),
                      current.end_date - datetime.timedelta(days=60), status_for,
                      existing_sites=list(TrainingSite.objects.filter(programme=current).select_related("library")))
    current.training_target = Course.objects.filter(site__programme=current).count()
    current.save(update_fields=["training_target"])

    programmes = [current]
    regions = {r.name: r for r in Region.objects.all()}
    for wave in range(1, waves):
        year = current.start_date.year - wave
        start = datetime.date(year, 9, 1)
        programme, _ = Programme.objects.get_or_create(
            slug=f"menet-{year}",
            defaults={
                "name": f"MENET – Digitális felzárkóztatás, {year}/{(year + 1) % 100:02d}",
                "funder": PROGRAMME["funder"], "project_title": PROGRAMME["project_title"],
                "grant_number": f"MENET-{year}/{wave:04d}", "grantee": PROGRAMME["grantee"],
                "start_date": start, "end_date": datetime.date(year + 1, 8, 31),
                "reminder_days_before": [1], "training_target": per_wave - 7,
            },
        )
        programmes.append(programme)
        rng = random.Random(year)
        for position, (region_name, _host, _day) in enumerate(INFO_DAY_HOSTS):
            host = rng.choice(by_region[region_name])
            day = start + datetime.timedelta(days=40 + 35 * position)
            InfoDay.objects.get_or_create(programme=programme, region=regions[region_name], defaults={
                "library": host, "title": f"Információs nap – {host.settlement}",
                "description": "Félnapos tájékoztató az e-közszolgáltatásokról e-tanácsadókkal.",
                "date": day, "capacity": programme.info_day_max_participants,
                "minimum": programme.info_day_min_participants, "status": status_for(day),
            })
        libraries = all_libraries[:]
        rng.shuffle(libraries)
        _plan_courses(programme, libraries, per_wave - 7, start + datetime.timedelta(days=30),
                      programme.end_date - datetime.timedelta(days=60), status_for)
    return programmes


# --- participants -------------------------------------------------------------------------------

@dataclass
class _Event:
    kind: str  # "info_day" or "course"
    obj: object
    library: Library
    region_id: int
    capacity: int
    start: datetime.datetime
    reminder_days: list
    sessions: list = field(default_factory=list)
    regs: list = field(default_factory=list)


def _events(programmes) -> list[_Event]:
    events = []
    for day in InfoDay.objects.filter(programme__in=programmes).select_related("library__county", "programme"):
        start = datetime.datetime.combine(day.date, day.start_time, tzinfo=BUDAPEST)
        events.append(_Event("info_day", day, day.library, day.library.county.region_id, day.capacity, start,
                             list(day.programme.reminder_days_before or [])))
    sessions = {}
    for session in Session.objects.filter(course__site__programme__in=programmes).order_by("course_id", "number"):
        sessions.setdefault(session.course_id, []).append(session)
    courses = Course.objects.filter(site__programme__in=programmes).select_related(
        "site__library__county", "site__programme"
    )
    for course in courses:
        course_sessions = sessions.get(course.pk, [])
        if not course_sessions:
            continue
        events.append(_Event("course", course, course.site.library, course.site.library.county.region_id,
                             course.capacity, course_sessions[0].starts_at,
                             list(course.site.programme.reminder_days_before or []), course_sessions))
    return events


def _status_plan(event: _Event, rng: random.Random, now):
    """Statuses in registration order: a waiting list only once every place is taken."""
    capacity = event.capacity
    target = capacity if rng.random() < 0.45 else rng.randint(math.ceil(capacity * 0.73), capacity)
    if event.start > now + datetime.timedelta(days=20):
        target = min(target, rng.randint(capacity // 3, capacity))  # far-off events are still filling up
    waiting_room = rng.randint(1, max(capacity // 2, 1)) if target == capacity else 0
    confirmed = waiting = 0
    plan = []
    for _ in event.regs:
        if rng.random() < 0.08:
            plan.append(RegistrationStatus.CANCELLED)
        elif confirmed < target:
            confirmed += 1
            plan.append(RegistrationStatus.CONFIRMED)
        elif confirmed == capacity and waiting < waiting_room:
            waiting += 1
            plan.append(RegistrationStatus.WAITLISTED)
        else:
            plan.append(RegistrationStatus.CANCELLED)
    return plan


def _slot_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%MZ")


def _copy_escaped(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_json(value) -> str:
    import json

    return _copy_escaped(json.dumps(value, ensure_ascii=False))


# The value's text in PostgreSQL's COPY text format, by exact type (the seed writes ~6 million
# values: the isinstance chain and a generator per string were half of seed_demo's time).
_COPY_TEXT = {
    type(None): lambda value: r"\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    str: _copy_escaped,
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    dict: _copy_json,
    list: _copy_json,
}


def copy_text(value) -> str:
    """``value`` as a field of PostgreSQL's COPY text format (``\\N`` for NULL, tabs, newlines and
    backslashes escaped)."""
    convert = _COPY_TEXT.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, (datetime.datetime, datetime.date)):  # subclasses (bool has none)
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return _copy_json(value)
    return _copy_escaped(str(value))


class _Table:
    """Rows of one table with ids given here: COPY on PostgreSQL (the ORM's per-field preparation
    of half a million objects took most of the seed's time), plain ``bulk_create`` elsewhere."""

    def __init__(self, model):
        from django.db import connection

        self.model, self.rows, self.connection = model, [], connection
        pk = model._meta.pk
        self.pk_name = pk.attname
        self.next_id = (model.objects.order_by(f"-{pk.attname}").values_list(pk.attname, flat=True).first() or 0) + 1

    def add(self, **values) -> int:
        values.setdefault(self.pk_name, self.next_id)
        self.next_id = max(self.next_id, values[self.pk_name]) + 1
        self.rows.append(values)
        return values[self.pk_name]

    def __len__(self):
        return len(self.rows)

    def insert(self):
        if not self.rows:
            return
        if self.connection.vendor != "postgresql":
            self.model.objects.bulk_create([self.model(**row) for row in self.rows], batch_size=500)
            return
        import io

        from django.core.management.color import no_style

        now = timezone.now()
        fields = [f for f in self.model._meta.concrete_fields]
        given = set()
        for row in self.rows:
            given.update(row)
        defaults = {}
        for f in fields:
            if f.attname in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.has_default():
                defaults[f.attname] = f.get_default()
            else:
                defaults[f.attname] = None

        names = [f.attname for f in fields]
        buffer = io.StringIO()
        write = buffer.write
        for row in self.rows:
            merged = {**defaults, **row}
            write("\t".join([copy_text(merged[n]) for n in names]))
            write("\n")
        buffer.seek(0)
        columns = ", ".join(self.connection.ops.quote_name(f.column) for f in fields)
        table = self.connection.ops.quote_name(self.model._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            for sql in self.connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


@transaction.atomic
def create_demo_participants(programme: Programme | None, count: int, seed: int = 2026) -> dict:
    """Create ``count`` participants with their registrations, attendance and outbox history.

    People register at the events of every programme in the database (``programme`` is the
    current one, kept for callers). Places fill realistically (info days about 22–30 of 30,
    courses 11–15 of 15); the rest of the people are on the waiting list of a full event or
    cancelled; about a third come back for a second event of their region.
    """
    rng = random.Random(seed)
    now = timezone.now()
    programmes = list(Programme.objects.all()) or [programme]
    events = _events(programmes)
    if not events or not count:
        return {"participants": 0, "organisations": 0, "registrations": 0, "attendances": 0, "outbox": 0}
    by_region = {}
    for index, event in enumerate(events):
        by_region.setdefault(event.region_id, []).append(index)
    users = {u.username: u.pk for u in get_user_model().objects.filter(role__in=[Role.COORDINATOR, Role.TRAINER])}
    organisations, participants = _Table(Organisation), _Table(Participant)
    registrations, outbox = _Table(Registration), _Table(OutboxMessage)
    attendances, history = _Table(Attendance), _Table(Attendance.history.model)

    # Each person's first event by capacity; a third of them also come to another event of their region.
    firsts = rng.choices(range(len(events)), weights=[e.capacity for e in events], k=count)
    org_by_group = {TargetGroup.NONPROFIT: [], TargetGroup.BUSINESS: []}
    emails = []
    for i, first in enumerate(firsts):
        library = events[first].library
        roll = rng.random()
        group = TargetGroup.CITIZEN if roll < 0.6 else TargetGroup.NONPROFIT if roll < 0.8 else TargetGroup.BUSINESS
        org_id = None
        if group != TargetGroup.CITIZEN:
            # A quarter of organisational participants come from an organisation already seen.
            if org_by_group[group] and rng.random() < 0.25:
                org_id = rng.choice(org_by_group[group])
            else:
                kind = rng.choice(NONPROFIT_KINDS if group == TargetGroup.NONPROFIT else BUSINESS_KINDS)
                size = "" if group == TargetGroup.NONPROFIT else rng.choice(
                    [SizeBand.MICRO] * 6 + [SizeBand.SMALL] * 3 + [SizeBand.MEDIUM]
                )
                org_id = organisations.add(
                    name=organisation_name(kind, library.settlement, rng), kind=str(kind),
                    tax_number=tax_number_for(len(organisations), rng), settlement=library.settlement,
                    size_band=str(size), created_at=now,
                )
                org_by_group[group].append(org_id)
        family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        email = f"{_ascii_slug(given)}.{_ascii_slug(family)}.{i}@example.hu"
        emails.append(email)
        participants.add(
            family_name=family, given_name=given, email=email,
            phone=f"+36 {rng.choice(['20', '30', '70'])} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            birth_year=rng.randint(1960, 2004) if rng.random() < 0.85 else rng.randint(1940, 1959),
            settlement=library.settlement, county_id=library.county_id, target_group=str(group),
            organisation_id=org_id, registering_library_id=library.pk, consent_given_at=now,
            consent_text_version=settings.CONSENT_TEXT_VERSION, reminders_opt_out=False, anonymised_at=None,
            created_at=now, updated_at=now,
        )
        events[first].regs.append(i)
        if rng.random() < 0.35:
            second = rng.choice(by_region[events[first].region_id])
            if second != first:
                events[second].regs.append(i)
    first_person = participants.rows[0]["id"]

    sources = [RegistrationSource.COORDINATOR] * 3 + [RegistrationSource.SELF_SERVICE, RegistrationSource.IMPORT]
    corrections = []
    for event in events:
        if not event.regs:
            continue
        # Registrations per event in time order, with the statuses the services would have produced.
        latest = min(event.start - datetime.timedelta(days=1), now - datetime.timedelta(hours=1))
        window = 50 * 86400
        offsets = sorted(rng.uniform(0, window) for _ in event.regs)
        first_time = latest - datetime.timedelta(seconds=window)
        info_day_id = event.obj.pk if event.kind == "info_day" else None
        course_id = event.obj.pk if event.kind == "course" else None
        if event.kind == "info_day":
            occasions = [(None, event.start, event.start + datetime.timedelta(hours=4), f"info_day:{event.obj.pk}")]
            recorder = users.get(coordinator_username(event.library))
        else:
            occasions = [(s.pk, s.starts_at, s.ends_at, f"session:{s.pk}") for s in event.sessions]
            recorder = users.get(trainer_username(event.library))
        for person_index, offset, status in zip(event.regs, offsets, _status_plan(event, rng, now)):
            created_at = first_time + datetime.timedelta(seconds=offset)
            cancelled = status == RegistrationStatus.CANCELLED
            cancelled_at = min(created_at + datetime.timedelta(days=rng.randint(1, 10)), now) if cancelled else None
            confirmed_at = created_at if status == RegistrationStatus.CONFIRMED else None
            reg_id = registrations.add(
                participant_id=first_person + person_index, info_day_id=info_day_id, course_id=course_id,
                status=str(status), source=str(rng.choice(sources)), created_at=created_at,
                confirmed_at=confirmed_at, cancelled_at=cancelled_at,
                cancel_reason="Más elfoglaltsága akadt." if cancelled else "", registered_by_id=None,
            )
            if cancelled:
                continue
            email = emails[person_index]
            change = RegistrationChange.CONFIRMED if confirmed_at else RegistrationChange.WAITLISTED
            kind = MessageKind.REGISTRATION_CONFIRMED if confirmed_at else MessageKind.REGISTRATION_WAITLISTED
            sent = created_at + datetime.timedelta(seconds=rng.randint(5, 90))
            outbox.add(
                kind=str(kind), recipient=email, subject_key=f"registration:{reg_id}",
                slot=f"{change}@{created_at.isoformat()}", registration_id=reg_id, info_day_id=info_day_id,
                course_id=course_id, session_id=None, user_id=None, context={}, status=OutboxStatus.SENT.value,
                due_at=created_at, send_after=created_at, expires_at=None, queued_at=created_at, attempts=1,
                last_error="", sent_at=sent, created_at=created_at, updated_at=sent,
            )
            if not confirmed_at:
                continue
            for session_id, starts, ends, slot_prefix in occasions:
                for days in event.reminder_days:
                    due = starts - datetime.timedelta(days=days)
                    if due > now or due < confirmed_at:
                        continue
                    sent = due + datetime.timedelta(seconds=rng.randint(5, 300))
                    outbox.add(
                        kind=MessageKind.EVENT_REMINDER.value, recipient=email, subject_key=f"registration:{reg_id}",
                        slot=f"{slot_prefix}/{days}d@{_slot_time(starts)}", registration_id=reg_id,
                        info_day_id=info_day_id, course_id=course_id, session_id=session_id, user_id=None,
                        context={"days": days, "start": starts.isoformat()}, status=OutboxStatus.SENT.value,
                        due_at=due, send_after=due, expires_at=starts, queued_at=due, attempts=1, last_error="",
                        sent_at=sent, created_at=due, updated_at=sent,
                    )
                if ends > now:
                    continue
                att_status = rng.choices(
                    [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT],
                    [85, 6, 3, 6] if session_id else [88, 4, 0, 8],
                )[0]
                recorded_at = min(ends + datetime.timedelta(minutes=rng.randint(10, 600)), now)
                # A few rows are ticked absent first and corrected when the signed sheet is checked.
                corrected = att_status == AttendanceStatus.PRESENT and rng.random() < 0.03
                first_status = AttendanceStatus.ABSENT if corrected else att_status
                later = min(recorded_at + datetime.timedelta(minutes=rng.randint(5, 120)), now) if corrected else None
                att_id = attendances.add(registration_id=reg_id, session_id=session_id, status=str(att_status),
                                         recorded_by_id=recorder, recorded_at=later or recorded_at)
                history.add(
                    id=att_id, registration_id=reg_id, session_id=session_id, status=str(first_status),
                    recorded_by_id=recorder, recorded_at=recorded_at, history_date=recorded_at,
                    history_type="+", history_user_id=recorder, history_change_reason=None,
                )
                if corrected:
                    corrections.append(dict(
                        id=att_id, registration_id=reg_id, session_id=session_id, status=str(att_status),
                        recorded_by_id=recorder, recorded_at=later, history_date=later, history_type="~",
                        history_user_id=recorder, history_change_reason="javítás a jelenléti ív alapján",
                    ))
    for row in corrections:
        history.add(**row)
    for table in (organisations, participants, registrations, outbox, attendances, history):
        table.insert()
    return {"participants": len(participants), "organisations": len(organisations),
            "registrations": len(registrations), "attendances": len(attendances),
            "attendance_history": len(history), "outbox": len(outbox)}
