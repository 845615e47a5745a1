"""QuickSelect writes the markup of Django's Select (templates per option) itself."""

import re

import pytest
from django import forms

from menet_portal.widgets import QuickSelect

CHOICES = [("", "---------"), ("Csoport <A>", [("a:1", "Egy & kettő"), ("a:2", 'Idéző "x"')]), (7, "Hét")]


def _tags(html):
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["a:2", "", None, 7, "nincs"])
def test_same_markup_as_djangos_select(value):
    attrs = {"class": "form-select form-select-sm", "form": "bulk-form", "required": True, "disabled": False,
             "data-x": "<y>"}
    old = forms.Select(attrs=attrs, choices=CHOICES).render("to_event", value, attrs={"id": "id_to_event"})
    new = QuickSelect(attrs=attrs, choices=CHOICES).render("to_event", value, attrs={"id": "id_to_event"})
    assert _tags(new) == _tags(old)
    assert "&lt;A&gt;" in new and "Egy &amp; kettő" in new and "&quot;x&quot;" in new
