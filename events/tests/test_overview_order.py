"""The events overview sorts its text columns in Hungarian order (in Python, like the rest of the page)."""

import datetime
from types import SimpleNamespace

from events.selectors import OVERVIEW_SORTS


def _key(pk, settlement, region="Dél-Alföld"):
    return SimpleNamespace(kind="info_day", pk=pk, settlement=settlement, region=region, sort_date=datetime.date(2027, 1, 1))


def test_title_and_region_columns_sort_in_hungarian_order():
    names = ["Zalaegerszeg", "Ózd", "Csorna", "Cegléd", "Ács", "Budapest", "Szolnok", "Sárvár", "Zsámbék", "Őriszentpéter"]
    keys = [_key(i, name) for i, name in enumerate(names)]
    ordered = [k.settlement for k in sorted(keys, key=OVERVIEW_SORTS["title"])]
    assert ordered == ["Ács", "Budapest", "Cegléd", "Csorna", "Ózd", "Őriszentpéter", "Sárvár", "Szolnok",
                       "Zalaegerszeg", "Zsámbék"]
    regions = [_key(i, "x", region) for i, region in enumerate(["Nyugat-Dunántúl", "Észak-Alföld", "Dél-Dunántúl"])]
    assert [k.region for k in sorted(regions, key=OVERVIEW_SORTS["region"])] == [
        "Dél-Dunántúl", "Észak-Alföld", "Nyugat-Dunántúl"]
