"""Garbage-collector thresholds of the web processes (``menet_portal.wsgi``).

A page builds thousands of short-lived objects (model instances, template nodes' contexts),
almost all freed by reference counting; Python's default thresholds (700, 10, 10) still start a
young-generation collection every 700 container allocations, and each of them walks every object
the request holds. Measured in-process on the staff dashboard at 100,000 people / 2,000 events
(``gc.callbacks`` timing, docs/performance.md): 7.7 collections and 16.9 ms of a 120 ms request
with the defaults, 0.1 collections and 2.5 ms with (50000, 20, 100).

``GC_THRESHOLDS`` ("50000,20,100" by default; "700,10,10" is Python's own) sets them; an empty value
leaves Python's. Reference cycles are still collected, only less often: the memory they hold in the
meantime is bounded by the first threshold (objects, not bytes).
"""

import gc
import os

DEFAULT = (50000, 20, 100)


def gc_thresholds_from_env(value: str | None) -> tuple[int, ...] | None:
    """The thresholds ``GC_THRESHOLDS`` asks for, ``DEFAULT`` when unset, None when empty."""
    if value is None:
        return DEFAULT
    value = value.strip()
    if not value:
        return None
    try:
        thresholds = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise ValueError(f"GC_THRESHOLDS must be up to three integers separated by commas, not {value!r}") from None
    if not 1 <= len(thresholds) <= 3 or thresholds[0] <= 0 or any(t < 0 for t in thresholds):
        raise ValueError(f"GC_THRESHOLDS must be up to three integers separated by commas, the first positive, not {value!r}")
    return thresholds


def apply_gc_thresholds() -> None:
    thresholds = gc_thresholds_from_env(os.environ.get("GC_THRESHOLDS"))
    if thresholds is not None:
        gc.set_threshold(*thresholds)
