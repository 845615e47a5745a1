"""The MENET programme as the grant agreement describes it: 7 info days, 10 training sites.

``seed_programme`` is idempotent: every row is looked up by its natural key and created
only when missing, so a second run changes nothing (not even statuses edited since).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction

from trainings.models import Course, Session, TrainingSite

from .models import County, EventStatus, InfoDay, Library, Programme, Region
from .regions import ensure_regions

BUDAPEST = ZoneInfo("Europe/Budapest")

PROGRAMME = {
    "slug": "menet-2026",
    "name": "MENET – Digitális felzárkóztatás",
    "funder": "Miniszterelnöki Hivatal",
    "project_title": "Digitális felzárkóztatás – könyvtárosok az e-közszolgáltatásokért",
    "grant_number": "MENET-2026/0042",
    "grantee": "Magyar Könyvtárosok Egyesülete",
    "start_date": datetime.date(2026, 9, 1),
    "end_date": datetime.date(2027, 8, 31),
    "reminder_days_before": [3, 1],
}


@dataclass(frozen=True)
class LibrarySeed:
    name: str
    settlement: str
    county: str
    postal_code: str
    address: str


# One info day per region, each in a county-seat library with e-advisors.
INFO_DAY_HOSTS = [
    ("Közép-Magyarország", LibrarySeed("Fővárosi Szabó Ervin Könyvtár", "Budapest", "Budapest", "1088", "Szabó Ervin tér 1."), datetime.date(2026, 10, 15)),
    ("Közép-Dunántúl", LibrarySeed("Vörösmarty Mihály Könyvtár", "Székesfehérvár", "Fejér", "8000", "Bartók Béla tér 1."), datetime.date(2026, 11, 12)),
    ("Nyugat-Dunántúl", LibrarySeed("Berzsenyi Dániel Könyvtár", "Szombathely", "Vas", "9700", "Dr. Antall József tér 1."), datetime.date(2026, 12, 3)),
    ("Dél-Dunántúl", LibrarySeed("Csorba Győző Könyvtár", "Pécs", "Baranya", "7621", "Apáca utca 1."), datetime.date(2026, 12, 10)),
    ("Észak-Magyarország", LibrarySeed("Bródy Sándor Könyvtár", "Eger", "Heves", "3300", "Kossuth Lajos utca 16."), datetime.date(2027, 1, 21)),
    ("Észak-Alföld", LibrarySeed("Méliusz Juhász Péter Könyvtár", "Debrecen", "Hajdú-Bihar", "4026", "Bem tér 19/D."), datetime.date(2027, 2, 11)),
    ("Dél-Alföld", LibrarySeed("Somogyi-könyvtár", "Szeged", "Csongrád-Csanád", "6722", "Dóm tér 1–4."), datetime.date(2027, 3, 4)),
]

# Ten training institutions where the needs assessment showed strong local demand.
TRAINING_SITES = [
    (LibrarySeed("Gödöllői Városi Könyvtár és Információs Központ", "Gödöllő", "Pest", "2100", "Dózsa György út 8."), "Sok aktív korú ingázó; az ügyfélkapus bejelentkezés a leggyakoribb kérdés."),
    (LibrarySeed("Móricz Zsigmond Városi Könyvtár", "Tata", "Komárom-Esztergom", "2890", "Váralja utca 4."), "Kis- és mikrovállalkozások kérték az e-cégeljárás és a cégkapu bemutatását."),
    (LibrarySeed("Deák Ferenc Megyei és Városi Könyvtár", "Zalaegerszeg", "Zala", "8900", "Ady Endre utca 16."), "Civil szervezetek beszámoló-benyújtási nehézségei."),
    (LibrarySeed("Takáts Gyula Megyei és Városi Könyvtár", "Kaposvár", "Somogy", "7400", "Csokonai utca 3."), "Idősödő lakosság, EESZT-használat iránti igény."),
    (LibrarySeed("Illyés Gyula Megyei Könyvtár", "Szekszárd", "Tolna", "7100", "Széchenyi utca 51."), "Online adóbevallás és e-ügyintézés a munkavállalók körében."),
    (LibrarySeed("II. Rákóczi Ferenc Megyei Könyvtár", "Miskolc", "Borsod-Abaúj-Zemplén", "3525", "Görgey Artúr utca 5."), "Magas arányú digitális lemaradás a peremkerületekben."),
    (LibrarySeed("Balassi Bálint Megyei Könyvtár", "Salgótarján", "Nógrád", "3100", "Kassai sor 2."), "Munkakeresők e-ügyintézési igénye, járási hivatali terhelés csökkentése."),
    (LibrarySeed("Móricz Zsigmond Megyei és Városi Könyvtár", "Nyíregyháza", "Szabolcs-Szatmár-Bereg", "4400", "Szabadság tér 2."), "Mezőgazdasági kisvállalkozások elektronikus kapcsolattartása."),
    (LibrarySeed("Katona József Könyvtár", "Kecskemét", "Bács-Kiskun", "6000", "Piaristák tere 8."), "Ipari munkavállalók és KKV-k az e-közszolgáltatásokért."),
    (LibrarySeed("Békés Megyei Könyvtár", "Békéscsaba", "Békés", "5600", "Kiss Ernő utca 3."), "Alapítványok és egyesületek online bejelentései."),
]

FIRST_COURSE_START = datetime.date(2026, 10, 6)
COURSE_START_STEP = datetime.timedelta(days=14)
SESSION_STEP = datetime.timedelta(days=7)
SESSION_TOPICS = [
    "Ügyfélkapu+ és a Digitális Állampolgárság alkalmazás",
    "Adóbevallás online és a NAV e-ügyintézés",
    "Egészségügy: az EESZT lakossági portál",
    "Cégkapu, e-cégeljárás és civil szervezetek online bejelentései",
]


def _library(seed: LibrarySeed) -> Library:
    library, _ = Library.objects.get_or_create(
        name=seed.name,
        settlement=seed.settlement,
        defaults={
            "county": County.objects.get(name=seed.county),
            "postal_code": seed.postal_code,
            "address": seed.address,
        },
    )
    return library


def _initial_status(day: datetime.date) -> str:
    return EventStatus.HELD if day < datetime.date(2026, 11, 25) else EventStatus.OPEN


@transaction.atomic
def seed_programme() -> dict:
    """Create whatever of the MENET programme is missing; return how many rows were created."""
    ensure_regions(Region, County)  # normally there from the data migration; tests may have flushed them
    created = {"programme": 0, "libraries": 0, "info_days": 0, "training_sites": 0, "courses": 0, "sessions": 0}
    fields = {k: v for k, v in PROGRAMME.items() if k != "slug"}
    programme, made = Programme.objects.get_or_create(slug=PROGRAMME["slug"], defaults=fields)
    created["programme"] += made
    libraries_before = Library.objects.count()

    for region_name, host, day in INFO_DAY_HOSTS:
        library = _library(host)
        _, made = InfoDay.objects.get_or_create(
            programme=programme,
            region=Region.objects.get(name=region_name),
            defaults={
                "library": library,
                "title": f"Információs nap – {host.settlement}",
                "description": "Félnapos tájékoztató az e-közszolgáltatásokról e-tanácsadókkal.",
                "date": day,
                "start_time": datetime.time(9, 0),
                "end_time": datetime.time(13, 0),
                "capacity": programme.info_day_max_participants,
                "minimum": programme.info_day_min_participants,
                "status": _initial_status(day),
            },
        )
        created["info_days"] += made

    for index, (site_seed, needs) in enumerate(TRAINING_SITES):
        library = _library(site_seed)
        site, made = TrainingSite.objects.get_or_create(
            programme=programme, library=library, defaults={"needs_assessment": needs}
        )
        created["training_sites"] += made
        first_day = FIRST_COURSE_START + index * COURSE_START_STEP
        course, made = Course.objects.get_or_create(
            site=site,
            title=f"E-közszolgáltatások a mindennapokban – {site_seed.settlement}",
            defaults={
                "capacity": programme.trainees_per_course,
                "status": _initial_status(first_day + 3 * SESSION_STEP),
                "description": "4 × 4 órás gyakorlati képzés interaktív online tananyaggal.",
            },
        )
        created["courses"] += made
        for number in range(1, programme.sessions_per_course + 1):
            day = first_day + (number - 1) * SESSION_STEP
            starts = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=BUDAPEST)
            _, made = Session.objects.get_or_create(
                course=course,
                number=number,
                defaults={
                    "starts_at": starts,
                    "ends_at": starts + datetime.timedelta(hours=float(programme.session_hours)),
                    "room": "Oktatóterem",
                    "topic": SESSION_TOPICS[number - 1],
                },
            )
            created["sessions"] += made

    created["libraries"] = Library.objects.count() - libraries_before
    return created
