"""The 7 NUTS-2 regions as the MENET programme uses them, and their counties."""

REGIONS = [
    ("HU11-12", "Közép-Magyarország", ["Budapest", "Pest"]),
    ("HU21", "Közép-Dunántúl", ["Fejér", "Komárom-Esztergom", "Veszprém"]),
    ("HU22", "Nyugat-Dunántúl", ["Győr-Moson-Sopron", "Vas", "Zala"]),
    ("HU23", "Dél-Dunántúl", ["Baranya", "Somogy", "Tolna"]),
    ("HU31", "Észak-Magyarország", ["Borsod-Abaúj-Zemplén", "Heves", "Nógrád"]),
    ("HU32", "Észak-Alföld", ["Hajdú-Bihar", "Jász-Nagykun-Szolnok", "Szabolcs-Szatmár-Bereg"]),
    ("HU33", "Dél-Alföld", ["Bács-Kiskun", "Békés", "Csongrád-Csanád"]),
]


def ensure_regions(Region, County):
    """Create the regions and counties that are missing (used by the data migration and tests).

    Takes the model classes so the migration can pass its historical models.
    """
    for position, (code, name, counties) in enumerate(REGIONS, start=1):
        region, _ = Region.objects.update_or_create(code=code, defaults={"name": name, "position": position})
        for county in counties:
            County.objects.update_or_create(name=county, defaults={"region": region})
