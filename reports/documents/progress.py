"""Programme progress report (szakmai beszámoló): placeholder until the dashboard's indicators land."""

from django.utils.translation import gettext as _

from .base import DocumentSpec, report


def build(key, programme, *, progress=None):
    raise NotImplementedError("progress report: waiting for reports.selectors.programme_indicators")
