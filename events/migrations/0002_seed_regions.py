from django.db import migrations


def seed_regions(apps, schema_editor):
    from events.regions import ensure_regions

    ensure_regions(apps.get_model("events", "Region"), apps.get_model("events", "County"))


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed_regions, migrations.RunPython.noop)]
