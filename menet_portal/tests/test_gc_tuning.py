"""The web processes' GC thresholds (menet_portal.gc_tuning, applied by menet_portal.wsgi)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from menet_portal.gc_tuning import DEFAULT, gc_thresholds_from_env

ROOT = Path(__file__).resolve().parents[2]


def test_parsing():
    assert gc_thresholds_from_env(None) == DEFAULT
    assert gc_thresholds_from_env("") is None
    assert gc_thresholds_from_env(" 700, 10,10 ") == (700, 10, 10)
    assert gc_thresholds_from_env("1000") == (1000,)
    for bad in ("sok", "0", "1,2,3,4", "100,-1"):
        with pytest.raises(ValueError):
            gc_thresholds_from_env(bad)


def _thresholds_after_loading_wsgi(value):
    env = {k: v for k, v in os.environ.items() if k != "GC_THRESHOLDS"}
    env.update(DJANGO_SETTINGS_MODULE="menet_portal.settings_test")
    if value is not None:
        env["GC_THRESHOLDS"] = value
    out = subprocess.run(
        [sys.executable, "-c", "import gc, menet_portal.wsgi; print(','.join(map(str, gc.get_threshold())))"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    return tuple(int(x) for x in out.split(","))


def test_the_web_process_gets_the_thresholds():
    assert _thresholds_after_loading_wsgi(None) == DEFAULT
    assert _thresholds_after_loading_wsgi("2000,5,5") == (2000, 5, 5)
    pythons_own = subprocess.run(
        [sys.executable, "-c", "import gc; print(','.join(map(str, gc.get_threshold())))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert _thresholds_after_loading_wsgi("") == tuple(int(x) for x in pythons_own.split(","))
