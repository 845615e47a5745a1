"""The seed's COPY serialiser (participants.demo_data.copy_text) writes what PostgreSQL reads back."""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.db import connection

from participants.demo_data import copy_text

VALUES = [
    None, True, False, 0, -17, 2**40, "", "Kovács Éva", "tab\there", "line\nbreak\r", "back\\slash\\N",
    datetime.date(2026, 12, 2), datetime.datetime(2026, 12, 2, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Budapest")),
    {"session": 5, "név": "Ő\tű"}, [1, "a\nb"], decimal.Decimal("2.5"), uuid.UUID(int=7),
]


def test_the_text_format():
    assert copy_text(None) == r"\N"
    assert copy_text(True) == "t" and copy_text(False) == "f"
    assert copy_text(12) == "12"
    assert copy_text("a\tb\nc\\d\re") == r"a\tb\nc\\d\re"
    assert copy_text(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert copy_text({"a": "ő"}) == '{"a": "ő"}'
    assert copy_text(decimal.Decimal("1.50")) == "1.50"


@pytest.mark.django_db
def test_postgresql_reads_back_every_value():
    import io

    line = "\t".join(copy_text(v) for v in VALUES) + "\n"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copy_probe (" + ", ".join(f"c{i} text" for i in range(len(VALUES))) + ")")
        cursor.cursor.copy_expert("COPY copy_probe FROM STDIN", io.StringIO(line))
        cursor.execute("SELECT * FROM copy_probe")
        row = cursor.fetchone()
    import json

    for value, back in zip(VALUES, row):
        if value is None:
            assert back is None
        elif isinstance(value, bool):
            assert back == ("t" if value else "f")
        elif isinstance(value, (dict, list)):
            assert json.loads(back) == value
        elif isinstance(value, (datetime.date, datetime.datetime)):
            assert back == value.isoformat()
        else:
            assert back == str(value)
