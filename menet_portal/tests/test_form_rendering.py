"""The portal's form renderer draws inputs, selects and options byte for byte as Django's widget
templates do (menet_portal/form_rendering.py), and only while those templates are Django's own."""

import datetime
from decimal import Decimal
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from menet_portal.form_rendering import ATTRS, INPUT, INPUT_TEMPLATES, OPTION, SELECT, PortalFormRenderer

# What the renderer writes out, as Django 5.2 has it: a Django that changes a template fails here.
DJANGO_SOURCES = {
    ATTRS: "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}{% if value is not True %}"
           "=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}",
    INPUT: '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
           "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
           '{% include "django/forms/widgets/attrs.html" %}>\n',
    SELECT: '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>{% for group_name, '
            "group_choices, group_index in widget.optgroups %}{% if group_name %}\n  "
            '<optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n  '
            "{% include option.template_name with widget=option %}"
            "{% endfor %}{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}\n</select>\n",
    OPTION: "<option value=\"{{ widget.value|stringformat:'s' }}\"{% include \"django/forms/widgets/attrs.html\" %}>"
            "{{ widget.label }}</option>\n",
}


def test_the_templates_written_out_are_still_djangos():
    root = Path(django.__file__).parent / "forms" / "templates"
    for name, source in DJANGO_SOURCES.items():
        assert (root / name).read_text() == source, name
    for name in INPUT_TEMPLATES - {INPUT}:
        assert (root / name).read_text() == '{% include "django/forms/widgets/input.html" %}\n', name


class EveryWidget(forms.Form):
    text = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"placeholder": 'Név "idézőjel" <b>', "data-x": 3}),
    )
    email = forms.EmailField(required=False)
    number = forms.DecimalField(required=False, widget=forms.NumberInput(attrs={"step": Decimal("0.5")}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    agree = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": True, "hidden": False}))
    colour = forms.CharField(required=False, widget=forms.TextInput(attrs={"title": mark_safe("<i>biztos</i>")}))
    upload = forms.FileField(required=False, widget=forms.FileInput)
    plain = forms.ChoiceField(required=False, choices=[("", "– mind –"), ("a&b", "A & B"), (1, 2026), (2, "Két <b>")])
    grouped = forms.ChoiceField(required=False, choices=[
        ("Dunántúl", [("gyor", "Győr"), ("sarvar", "Sárvár")]), ("x", "Egyéb"), ("Alföld", [("szeged", "Szeged")]),
    ])
    many = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B"), ("c", "C")])
    yes_no = forms.NullBooleanField(required=False)
    dates = forms.ChoiceField(required=False, choices=[(datetime.date(2026, 12, 7), datetime.date(2026, 12, 7))])
    radio = forms.ChoiceField(required=False, choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(required=False, choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    split = forms.SplitDateTimeField(required=False)


BOUND = [
    {},
    {"text": 'a "b" <c> & d', "email": "x@example.hu", "number": "1,5", "day": "2026-12-07", "when": "2026-12-07 10:00",
     "hidden": "h<>", "secret": "titok&", "agree": "on", "plain": "a&b", "grouped": "sarvar", "many": ["a", "c"],
     "yes_no": "true", "radio": "b", "boxes": ["a"], "split_0": "2026-12-07", "split_1": "10:00"},
    {"plain": "1", "grouped": "nincs ilyen", "many": ["b"], "yes_no": "false", "number": "nem szám"},
]


@pytest.mark.parametrize("data", BOUND)
@pytest.mark.parametrize("language", ["hu", "en"])
def test_every_widget_is_drawn_as_djangos_templates_draw_it(data, language):
    from django.utils import translation

    fast, django_renderer = PortalFormRenderer(), DjangoTemplates()
    with translation.override(language):
        for prefix in (None, "p"):
            form_data = {f"{prefix}-{k}" if prefix else k: v for k, v in data.items()} if data else None
            ours = EveryWidget(form_data, prefix=prefix, renderer=fast)
            theirs = EveryWidget(form_data, prefix=prefix, renderer=django_renderer)
            for name in EveryWidget.base_fields:
                assert str(ours[name]) == str(theirs[name]), name
            assert ours.render() == theirs.render()


def test_it_draws_the_written_out_templates_itself(monkeypatch):
    renderer = PortalFormRenderer()
    assert renderer.written_out == INPUT_TEMPLATES | {ATTRS, SELECT, OPTION}
    monkeypatch.setattr(DjangoTemplates, "render", lambda *a, **k: pytest.fail(f"drawn by a template: {a[1]}"))
    form = EveryWidget(renderer=renderer)
    for name in ("text", "email", "number", "day", "hidden", "agree", "plain", "grouped", "many", "yes_no"):
        str(form[name])


def test_a_widget_template_an_app_overrides_is_left_to_django(monkeypatch):
    renderer = PortalFormRenderer()

    class Origin:
        name = "/srv/other_app/templates/django/forms/widgets/select.html"

    from types import SimpleNamespace

    real = renderer.get_template

    def get_template(name):
        return SimpleNamespace(origin=Origin()) if name == SELECT else real(name)

    monkeypatch.setattr(renderer, "get_template", get_template)
    assert SELECT not in renderer.written_out and INPUT in renderer.written_out


def test_the_portal_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "menet_portal.form_rendering.PortalFormRenderer"
    assert isinstance(get_default_renderer(), PortalFormRenderer)
