import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import County, InfoDay, Region
from menet_portal.tests.factories import InfoDayFactory, LibraryFactory, ProgrammeFactory, get_region

pytestmark = pytest.mark.django_db


def test_regions_and_counties_are_seeded_by_migration():
    # A transactional test earlier on the same worker flushes the tables, so the data migration's own
    # function is run here on emptied tables, with the historical models, as `migrate` runs it.
    from django.db.migrations.executor import MigrationExecutor
    from django.db import connection

    migration = importlib.import_module("events.migrations.0002_seed_regions")
    assert any(getattr(op, "code", None) is migration.seed_regions for op in migration.Migration.operations)
    County.objects.all().delete()
    Region.objects.all().delete()
    state = MigrationExecutor(connection).loader.project_state(("events", "0002_seed_regions"))
    migration.seed_regions(state.apps, None)
    assert Region.objects.count() == 7
    assert sorted(Region.objects.get(name="Dél-Alföld").counties.values_list("name", flat=True)) == [
        "Bács-Kiskun", "Békés", "Csongrád-Csanád",
    ]


def test_second_info_day_in_a_region_is_rejected_by_the_database():
    first = InfoDayFactory(region=get_region("Észak-Alföld"))
    with pytest.raises(IntegrityError), transaction.atomic():
        InfoDay.objects.create(
            programme=first.programme, region=first.region, library=LibraryFactory(),
            date=datetime.date(2027, 1, 1),
        )


def test_same_region_in_another_programme_is_allowed():
    first = InfoDayFactory(region=get_region("Észak-Alföld"))
    InfoDayFactory(region=first.region, programme=ProgrammeFactory())
    assert InfoDay.objects.filter(region=first.region).count() == 2


def test_minimum_above_capacity_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        InfoDayFactory(capacity=20, minimum=25)


def test_info_day_must_end_after_it_starts():
    day = InfoDayFactory.build(
        programme=ProgrammeFactory(), library=LibraryFactory(), region=get_region(),
        start_time=datetime.time(13, 0), end_time=datetime.time(9, 0),
    )
    with pytest.raises(ValidationError):
        day.full_clean()
